import datetime as dt

import pytest
from django.http import QueryDict

from tests.factories import (
    AgencyFactory,
    CommuneFactory,
    DistrictFactory,
    ServiceUnitFactory,
    UserFactory,
)
from units.choices import ManagementLevel, Role, Sector, UnitKind
from units.selectors import areas as area_selectors
from units.selectors import units as selectors

pytestmark = pytest.mark.django_db


def names(user, query: str) -> set[str]:
    filterset = selectors.unit_filterset(user=user, params=QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("name", flat=True))


@pytest.fixture
def tree(district, other_district):
    ward = CommuneFactory(parent=district, name="Phường Máy Chai")
    return {
        "school": ServiceUnitFactory(name="Trường Mầm non Máy Chai", area=ward, autonomy_group=4),
        "road": ServiceUnitFactory(
            name="Ban Quản lý Đường bộ",
            area=district,
            sector=Sector.ECONOMIC,
            autonomy_group=2,
            level=ManagementLevel.PROVINCE,
        ),
        "closed": ServiceUnitFactory(
            name="Thư viện quận Ngô Quyền",
            area=district,
            sector=Sector.CULTURE,
            established_on=dt.date(1998, 1, 1),
            closed_on=dt.date(2020, 1, 1),
        ),
        "new": ServiceUnitFactory(
            name="Trung tâm Y tế Thanh Xuân",
            area=other_district,
            sector=Sector.HEALTH,
            established_on=dt.date(2021, 1, 1),
            autonomy_group=3,
        ),
        "agency": AgencyFactory(name="Ủy ban nhân dân quận Ngô Quyền", area=district),
    }


def test_area_filter_includes_everything_below(official, tree, district):
    assert names(official, f"area={district.pk}&status=all") == {
        "Trường Mầm non Máy Chai",
        "Ban Quản lý Đường bộ",
        "Thư viện quận Ngô Quyền",
        "Ủy ban nhân dân quận Ngô Quyền",
    }
    assert names(official, f"area={district.parent_id}&status=all") == names(
        official, f"area={district.pk}&status=all"
    )


def test_kind_filter(official, tree):
    assert names(official, "kind=agency") == {"Ủy ban nhân dân quận Ngô Quyền"}
    assert len(names(official, f"kind={UnitKind.SERVICE}&status=all")) == 4


def test_level_sector_and_autonomy_filters(official, tree):
    assert names(official, "level=province") == {"Ban Quản lý Đường bộ"}
    assert names(official, "sector=health") == {"Trung tâm Y tế Thanh Xuân"}
    assert names(official, "autonomy_group=2") == {"Ban Quản lý Đường bộ"}


def test_status_filter(official, tree):
    assert names(official, "status=closed") == {"Thư viện quận Ngô Quyền"}
    assert "Thư viện quận Ngô Quyền" not in names(official, "status=")
    assert len(names(official, "status=")) == 4
    assert len(names(official, "status=all")) == 5


def test_the_list_shows_units_active_today_unless_asked_otherwise(official, tree):
    """Defect: the list mixed closed units into the default view."""
    assert "Thư viện quận Ngô Quyền" not in names(official, "")
    # A date of its own replaces the default: what was active then, closed since or
    # not, even when the form sends its (empty) status along.
    assert "Thư viện quận Ngô Quyền" in names(official, "active_on=01/06/2019")
    assert "Thư viện quận Ngô Quyền" in names(official, "status=&active_on=01/06/2019")


def test_time_travel_shows_what_was_active_on_a_date(official, tree):
    in_2019 = names(official, "active_on=01/06/2019&kind=service")
    assert in_2019 == {"Trường Mầm non Máy Chai", "Ban Quản lý Đường bộ", "Thư viện quận Ngô Quyền"}
    assert names(official, "active_on=2022-01-01&kind=service") == {
        "Trường Mầm non Máy Chai",
        "Ban Quản lý Đường bộ",
        "Trung tâm Y tế Thanh Xuân",
    }


def test_time_travel_rejects_an_impossible_date(official, tree):
    filterset = selectors.unit_filterset(user=official, params=QueryDict("active_on=31/02/2020"))
    assert not filterset.is_valid()
    assert "active_on" in filterset.errors


def test_search_ignores_accents_and_case(official, tree):
    expected = {"Thư viện quận Ngô Quyền", "Ủy ban nhân dân quận Ngô Quyền"}
    assert names(official, "q=ngo quyen&status=all") == expected
    assert names(official, "q=Ngô Quyền&status=all") == expected
    assert names(official, "q=NGÔ quyen&status=all") == expected


def test_search_folds_d_with_stroke(official, tree):
    assert names(official, "q=duong") == {"Ban Quản lý Đường bộ"}
    assert names(official, "q=Đường") == {"Ban Quản lý Đường bộ"}
    assert names(official, "q=đuong bo") == {"Ban Quản lý Đường bộ"}


def test_search_matches_codes(official, tree):
    code = tree["school"].code
    assert names(official, f"q={code.lower()}") == {"Trường Mầm non Máy Chai"}


def test_ordering(official, tree):
    filterset = selectors.unit_filterset(user=official, params=QueryDict("o=-established_on"))
    assert filterset.is_valid()
    assert filterset.qs.first().name == "Trung tâm Y tế Thanh Xuân"


def test_officials_see_only_their_scope(tree, district):
    scoped = UserFactory(roles=[Role.OFFICIAL], scope_area=district)
    assert "Trung tâm Y tế Thanh Xuân" not in names(scoped, "")
    assert "Trường Mầm non Máy Chai" in names(scoped, "")


def test_officials_with_an_agency_scope_see_its_subtree(tree):
    top = AgencyFactory(name="Sở Y tế")
    middle = AgencyFactory(name="Bệnh viện A", parent=top)
    ServiceUnitFactory(name="Khoa B", parent=middle)
    scoped = UserFactory(roles=[Role.OFFICIAL], scope_unit=top)
    assert names(scoped, "") == {"Sở Y tế", "Bệnh viện A", "Khoa B"}


def test_area_counts_add_up_through_the_tree(tree, district, official):
    day = dt.date(2022, 1, 1)
    counts = area_selectors.area_service_counts(day, official)
    ward = tree["school"].area
    assert counts[ward.pk] == 1
    assert counts[district.pk] == 2
    assert counts[district.parent_id] == 2
    nodes = area_selectors.area_nodes(user=official, day=day, parent=district.parent)
    assert [(n.name, n.service_count, n.has_children) for n in nodes] == [(district.name, 2, True)]


def test_area_nodes_respect_validity(official):
    old = DistrictFactory(valid_to=dt.date(2025, 6, 30))
    province = old.parent
    nodes = area_selectors.area_nodes
    assert nodes(user=official, day=dt.date(2025, 6, 30), parent=province) == [old]
    assert nodes(user=official, day=dt.date(2025, 7, 1), parent=province) == []


def test_the_area_tree_of_an_official_is_their_scope(tree, district, other_district):
    """Review: a district official's area tree counted every unit in the country."""
    scoped = UserFactory(roles=[Role.OFFICIAL], scope_area=other_district)
    day = dt.date(2022, 1, 1)
    (top,) = area_selectors.area_nodes(user=scoped, day=day, parent=None)
    assert (top, top.service_count) == (other_district, 1)
    counts = area_selectors.area_service_counts(day, scoped)
    assert district.pk not in counts
