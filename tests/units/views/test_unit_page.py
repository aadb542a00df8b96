"""A unit's page tells its story: a unit moved by a transfer (recorded anew
under its new managing body) was established when its line began."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, ServiceUnitFactory, UserFactory
from units.choices import RestructuringKind as K
from units.choices import Role
from units.models import RestructuringLink, User
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

pytestmark = pytest.mark.django_db


def test_a_transferred_unit_shows_its_establishment_and_when_it_moved(client, demo):
    """On 1/7/2025 the units of quận Ngô Quyền moved to the wards: each copy
    opened that day, but the school was founded years before."""
    link = (
        RestructuringLink.objects.filter(copy_of__isnull=False, unit__kind="service")
        .select_related("unit", "copy_of", "restructuring")
        .order_by("id")
        .first()
    )
    copy, source = link.unit, link.copy_of
    assert copy.established_on == link.restructuring.effective_on != source.established_on
    client.force_login(User.objects.get(username="lanhdao"))
    page = client.get(reverse("units:unit_detail", args=[copy.pk])).content.decode()
    founded = source.established_on.strftime("%d/%m/%Y")
    moved = link.restructuring.effective_on.strftime("%d/%m/%Y")
    assert f"<dd>{founded} " in page
    assert "Chuyển về từ ngày" in page and f"<dd>{moved}</dd>" in page
    assert f"<dd>{moved} " not in page  # the copy's opening is not its founding


def test_the_first_unit_of_the_line_is_named_only_to_who_may_open_it(
    client, district, other_district, admin_user
):
    """A school moved from another district: its founding date is shown to the
    new district's official, but not the name and link of the first unit of its
    line, which lies outside their scope (the link answered 404)."""
    body = AgencyFactory(area=other_district)
    school = ServiceUnitFactory(area=district, established_on=dt.date(2007, 1, 1))
    day = dt.date(2021, 9, 1)
    moved = restructuring_apply(
        actor=admin_user,
        kind=K.TRANSFER,
        decision=Decision("9/QĐ-UBND", day, day, "UBND thành phố"),
        source_ids=[school.pk],
        new_parent_id=body.pk,
        new_area_id=other_district.pk,
    )
    copy = moved.links.get(role="result").unit
    first = f'href="/units/{school.pk}/"'
    reader = UserFactory(roles=[Role.OFFICIAL], scope_area=other_district)
    client.force_login(reader)
    assert client.get(reverse("units:unit_detail", args=[school.pk])).status_code == 404
    page = client.get(reverse("units:unit_detail", args=[copy.pk])).content.decode()
    facts = page.split('class="facts"')[1].split("</dl>")[0]
    assert "<dd>01/01/2007</dd>" in facts and "<dd>01/09/2021</dd>" in facts
    assert first not in facts
    client.force_login(admin_user)
    page = client.get(reverse("units:unit_detail", args=[copy.pk])).content.decode()
    facts = page.split('class="facts"')[1].split("</dl>")[0]
    assert "<dd>01/01/2007 " in facts and first in facts
