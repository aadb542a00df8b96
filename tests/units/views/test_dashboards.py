"""The officials' dashboard reads the snapshot: quận Ngô Quyền 2018 → 2023 is
42 → 36, −6, 14,29 % (half-up where the press truncated to 14,28 %)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import queries_of
from units.models import Area, RecomputeMark, ReductionFigure, Target, User
from units.services.recompute import recompute

pytestmark = pytest.mark.django_db


def shown(response, name: str):
    """A value of the page's context: the dashboard's figures are lazy (read
    only when its cached fragment is rendered)."""
    value = response.context[name]
    return value() if callable(value) else value


@pytest.fixture
def figures(demo_figures, client):
    client.force_login(User.objects.get(username="lanhdao"))


def test_ngo_quyen_2018_to_2023_reads_42_36_and_14_29_percent(client, figures):
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    url = reverse("units:dashboard")
    response = client.get(url, {"area": ngo_quyen.pk, "base": 2017, "year": 2023})
    head = shown(response, "head")
    assert (head.units_base, head.units_now, head.units_reduced) == (42, 36, 6)
    assert str(head.units_percent) == "14.29"
    page = response.content.decode()
    assert 'data-figure="units-percent">14,29 %' in page
    assert "Số liệu tính lúc" in page
    # The page says which rounding it uses, and no figure reads as the press's
    # truncation: the only "14,28" is in that sentence.
    rule = re.search(r"Tỷ lệ làm tròn[^<]*", page)
    assert rule and "14,28" in rule.group(0)
    assert "14,28" not in page.replace(rule.group(0), "")


def test_thanh_xuan_2022_staff_and_the_national_ranking(client, figures):
    thanh_xuan = Area.objects.get(level="district", code="009")
    response = client.get(reverse("units:dashboard"), {"area": thanh_xuan.pk, "year": 2022})
    head = shown(response, "head")
    assert (head.staff_now, head.staff_actual, head.staff_vacancy) == (165, 152, 13)
    national = client.get(reverse("units:dashboard"), {"base": 2015, "year": 2026})
    children = shown(national, "children")
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
    assert max(counts) <= 17, counts  # the lineage walk (area_roots) is cached later


def test_nghi_quyet_19_targets_show_progress_and_what_is_left(client, figures):
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    response = client.get(reverse("units:dashboard"), {"area": ngo_quyen.pk, "base": 2015})
    targets = {(t.target.metric, t.target.target_year): t for t in shown(response, "targets")}
    units = targets[("units", 2021)]
    # Measured in the target's year (the dashboard's year is past it).
    at_2021 = client.get(
        reverse("units:dashboard"), {"area": ngo_quyen.pk, "base": 2015, "year": 2021}
    )
    head = shown(at_2021, "head")
    assert units.year == 2021
    assert units.target.percent == 10 and units.achieved == head.units_percent
    # 10 % of the 2015 count, rounded up, less what was reduced.
    expected_gap = max(0, -(-head.units_base // 10) - head.units_reduced)
    assert units.gap == expected_gap
    assert ("autonomous", 2021) in targets and ("staff", 2021) in targets
    # A scope's own target replaces the country's for the same metric and years.
    Target.objects.create(
        scope=ngo_quyen, metric="units", base_year=2015, target_year=2021, percent=20, source="x"
    )
    cache.clear()  # written here behind the admin's back (which moves the version)
    response = client.get(reverse("units:dashboard"), {"area": ngo_quyen.pk, "base": 2015})
    mine = [t for t in shown(response, "targets") if t.target.metric == "units"]
    assert [t.target.percent for t in mine] == [20]
    assert "Mục tiêu" in response.content.decode()


def test_a_target_without_figures_for_its_years_says_so_and_shows_no_gap(client, figures):
    """Staff counted only in 2026 (as after an import) cannot measure a 2015 → 2021
    target: the row says which year has no figures instead of a gap of 145."""
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    row = ReductionFigure.objects.get(scope=ngo_quyen, year=2015, sector=ReductionFigure.ALL)
    row.staff_assigned = 0
    row.save()
    cache.clear()
    response = client.get(reverse("units:dashboard"), {"area": ngo_quyen.pk, "base": 2015})
    staff = [t for t in shown(response, "targets") if t.target.metric == "staff"]
    assert [(t.gap, t.achieved, t.missing) for t in staff] == [
        (None, None, "Không có số liệu biên chế năm 2015")
    ]
    page = response.content.decode()
    assert "Không có số liệu biên chế năm 2015" in page


def test_the_national_waterfall_adds_up_to_the_snapshot(client, figures):
    response = client.get(reverse("units:dashboard"), {"base": 2015, "year": 2021})
    bars, head = shown(response, "waterfall"), shown(response, "head")
    assert bars[0].running == head.units_base and bars[-1].running == head.units_now
    assert head.units_base + sum(bar.value for bar in bars[1:-1]) == head.units_now


def test_the_waterfall_adds_up_and_links_each_kind_to_its_decisions(client, figures):
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    response = client.get(
        reverse("units:dashboard"), {"area": ngo_quyen.pk, "base": 2017, "year": 2023}
    )
    bars = shown(response, "waterfall")
    assert (bars[0].running, bars[-1].running) == (42, 36)
    assert bars[0].running + sum(bar.value for bar in bars[1:-1]) == 36
    kinds = [bar for bar in bars if bar.kind]
    assert sum(bar.value for bar in kinds) == -6 and all(bar.value for bar in kinds)
    page = response.content.decode()
    for bar in kinds:
        link = f"?kind={bar.kind}&amp;area={ngo_quyen.pk}&amp;effective_from=01/01/2018"
        assert link in page
    listed = client.get(
        reverse("units:restructuring_list"),
        {
            "kind": kinds[0].kind,
            "area": ngo_quyen.pk,
            "effective_from": "01/01/2018",
            "effective_to": "31/12/2023",
        },
    )
    # The link lists the decisions behind the bar: at least one, all of its kind.
    rows = shown(listed, "rows")
    assert rows and all(label == kinds[0].label for row in rows for label, _n in row.kinds)


def test_the_dashboard_is_cached_until_a_recompute_swaps_figures_in(client, figures):
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    params = {"area": ngo_quyen.pk, "base": 2017, "year": 2023}

    def read():  # what the page shows
        page = client.get(reverse("units:dashboard"), params).content.decode()
        return int(re.search(r'data-figure="units-now">(\d+)<', page).group(1))

    cache.clear()
    cold = queries_of(read)
    read()  # the reader's form token is a cookie now: the page around the body is kept
    with CaptureQueriesContext(connection) as captured:
        read()
    warm = len(captured)
    assert warm < cold - 3  # the figures come from the cache
    # Neither the figures, the filters' areas nor the reader's roles are read:
    # only who is asking.
    tables = {t for q in captured for t in re.findall(r'FROM "(\w+)"', q["sql"])}
    assert tables <= {"units_user", "django_session"}, tables
    # What is cached is what the snapshot said when it was read…
    ReductionFigure.objects.filter(scope=ngo_quyen, year=2023, sector="*").update(units=1)
    cache.clear()
    assert read() == 1
    ReductionFigure.objects.filter(scope=ngo_quyen, year=2023, sector="*").update(units=2)
    assert read() == 1
    # …until a recompute swaps figures in, which moves the version on.
    recompute(trigger="manual", everything=True)
    assert read() == 36 and queries_of(read) == warm


def test_each_reader_gets_the_page_around_the_cached_body_with_their_own_name(figures):
    readers = {}
    for username in ("lanhdao", "chuyenvien"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = [client.get(reverse("units:dashboard")).content.decode() for _ in range(3)]
        readers[username] = pages
        name = str(User.objects.get(username=username))
        assert all(f'<span class="who" title="{name}' in page for page in pages)
        assert pages[1].split("<main")[1] == pages[2].split("<main")[1]
    official, clerk = readers["lanhdao"][2], readers["chuyenvien"][2]
    assert official.split("<main")[1] == clerk.split("<main")[1]  # one body for both
    assert official.split("<main")[0] != clerk.split("<main")[0]


def test_a_message_waiting_is_shown_not_hidden_by_the_cached_page(figures, client):
    for _ in range(3):
        client.get(reverse("units:dashboard"))
    saved = Message(constants.SUCCESS, "Đã lưu.")
    client.cookies["messages"] = CookieStorage(request=None)._encode([saved])
    assert "Đã lưu." in client.get(reverse("units:dashboard")).content.decode()
    assert "Đã lưu." not in client.get(reverse("units:dashboard")).content.decode()  # shown once


def test_the_year_boxes_show_the_years_applied(client, figures):
    """Left empty, the boxes show 2015 → this year, which the figures use; a
    year past today is shown as the year applied."""
    this_year = timezone.localdate().year
    page = client.get(reverse("units:dashboard")).content.decode()
    assert re.search(r'name="base"[^>]*value="2015"', page)
    assert re.search(rf'name="year"[^>]*value="{this_year}"', page)
    page = client.get(reverse("units:dashboard"), {"year": this_year + 5}).content.decode()
    assert re.search(rf'name="year"[^>]*value="{this_year}"', page)


def test_a_past_window_lists_the_areas_of_that_window(client, figures):
    """Drilling from today's Hải Phòng into 2023 lists the districts of that year
    (quận Ngô Quyền among them), not the wards of 2025."""
    hai_phong = Area.objects.get(level="province", code="31", valid_to__isnull=True)
    response = client.get(reverse("units:dashboard"), {"area": hai_phong.pk, "year": 2023})
    children = shown(response, "children")
    assert {row.area.level for row in children} == {"district"}
    assert "Quận Ngô Quyền" in {row.area.name for row in children}
    today = shown(client.get(reverse("units:dashboard"), {"area": hai_phong.pk}), "children")
    assert {row.area.level for row in today} == {"commune"}


def test_the_rounding_rule_reads_in_the_readers_numbers(client, figures):
    """The English sentence used the Vietnamese decimal comma."""
    client.cookies["django_language"] = "en"
    page = client.get(reverse("units:dashboard")).content.decode()
    assert "6 of 42 is 14.29 %, where a truncation would give 14.28 %" in page
    assert "14,29" not in page
