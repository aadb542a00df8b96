"""A unit's page tells its story: a unit moved by a transfer (recorded anew
under its new managing body) was established when its line began."""

import pytest
from django.urls import reverse

from units.models import RestructuringLink, User

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
