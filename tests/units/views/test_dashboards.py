"""The officials' dashboard reads the snapshot: quận Ngô Quyền 2018 → 2023 is
42 → 36, −6, 14,29 % (half-up where the press truncated to 14,28 %)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import queries_of
from units.models import Area, RecomputeMark, User
from units.services.recompute import recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    recompute(trigger="manual", everything=True)
    client.force_login(User.objects.get(username="lanhdao"))


def test_ngo_quyen_2018_to_2023_reads_42_36_and_14_29_percent(client, figures):
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    url = reverse("units:dashboard")
    response = client.get(url, {"area": ngo_quyen.pk, "base": 2017, "year": 2023})
    head = response.context["head"]
    assert (head.units_base, head.units_now, head.units_reduced) == (42, 36, 6)
    assert str(head.units_percent) == "14.29"
    page = response.content.decode()
    assert 'data-figure="units-percent">14,29 %' in page
    assert "Số liệu tính lúc" in page and "14,28" in page  # says which rounding


def test_thanh_xuan_2022_staff_and_the_national_ranking(client, figures):
    thanh_xuan = Area.objects.get(level="district", code="009")
    head = client.get(reverse("units:dashboard"), {"area": thanh_xuan.pk, "year": 2022}).context[
        "head"
    ]
    assert (head.staff_now, head.staff_actual, head.staff_vacancy) == (165, 152, 13)
    national = client.get(reverse("units:dashboard"), {"base": 2015, "year": 2026})
    children = national.context["children"]
    assert len(children) == 34  # the provinces of 2026
    percents = [row.units_percent for row in children if row.units_percent is not None]
    assert percents == sorted(percents, reverse=True)


def test_the_dashboard_says_when_changes_are_still_being_counted(client, figures):
    RecomputeMark.objects.create(area=Area.objects.filter(level="province").first(), year=2026)
    page = client.get(reverse("units:dashboard")).content.decode()
    assert "vẫn đang được tính" in page


def test_the_dashboard_costs_a_fixed_number_of_queries(client, figures):
    url = reverse("units:dashboard")
    hai_phong = Area.objects.get(level="province", code="31", valid_to__isnull=True)
    counts = [
        queries_of(lambda params=params: client.get(url, params))
        for params in ({}, {"area": hai_phong.pk})
    ]
    assert max(counts) <= 10, counts
