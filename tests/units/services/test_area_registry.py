"""The official area registry: loaded whole, idempotent, lineage complete, and
consistent with the official codes in units/data/areas."""

import csv
import datetime as dt

import pytest

from units.models import Area, AreaLineage, AuditEntry
from units.services.area_registry import DATA, area_registry_load

pytestmark = pytest.mark.django_db
BEFORE, AFTER = dt.date(2025, 6, 30), dt.date(2025, 7, 1)


@pytest.fixture
def registry(db):
    return area_registry_load()


def rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_loads_every_area_of_both_periods(registry):
    valid = Area.objects.valid_on
    assert valid(BEFORE).filter(level="province").count() == 63
    assert valid(BEFORE).filter(level="district").count() == 696
    assert valid(BEFORE).filter(level="commune").count() == 10_035
    assert valid(AFTER).filter(level="province").count() == 34
    assert valid(AFTER).filter(level="commune").count() == 3_321
    assert not valid(AFTER).filter(level="district").exists()
    # Districts end with no successor; every commune before the reform has one.
    assert not AreaLineage.objects.filter(predecessor__level="district", predecessor__code="304")
    orphans = valid(BEFORE).filter(level="commune", successor_links__isnull=True)
    assert not orphans.exists()
    hanoi = valid(AFTER).get(level="province", code="01")
    assert hanoi.latitude and hanoi.longitude


def test_loading_twice_changes_nothing(registry):
    assert registry["created"] > 14_000
    snapshot = (Area.objects.count(), AreaLineage.objects.count(), AuditEntry.objects.count())
    again = area_registry_load()
    assert again == {"created": 0, "updated": 0, "links_created": 0, "links_updated": 0}
    after = (Area.objects.count(), AreaLineage.objects.count(), AuditEntry.objects.count())
    assert after == snapshot


def test_a_divided_commune_keeps_all_its_links_and_one_main(registry):
    # Phường Lạc Viên's successor of 1/1/2025, Phường Gia Viên (11341), was divided
    # on 1/7/2025 between Hồng Bàng, Ngô Quyền and Gia Viên.
    gia_vien = Area.objects.get(level="commune", code="11341", valid_from=dt.date(2025, 1, 1))
    links = gia_vien.successor_links.select_related("successor")
    assert {link.successor.code for link in links} == {"11311", "11329", "11359"}
    assert [link.successor.code for link in links if link.main] == ["11359"]
    # Where a successor kept the commune's code, it is the main one.
    cau_dat = Area.objects.get(level="commune", code="11344", valid_from=None)
    main = cau_dat.successor_links.filter(main=True).get().successor
    assert main.code in {"11359", "11383"}


def test_the_corrections_replace_wrong_pairs(registry):
    # vietnamadminunits sends Phường 4 of Tân An to Tây Ninh's Phường Tân Ninh.
    tan_an_4 = Area.objects.get(level="commune", code="27691", valid_to=BEFORE)
    assert set(tan_an_4.successor_links.values_list("successor__code", flat=True)) == {"27694"}
    co_bi = Area.objects.get(level="commune", code="00553", valid_to=BEFORE)
    assert "00562" in set(co_bi.successor_links.values_list("successor__code", flat=True))


def test_the_wards_of_1_january_2025_link_to_what_absorbed_them(registry):
    may_to = Area.objects.get(level="commune", code="11332")
    assert may_to.valid_to == dt.date(2024, 12, 31)
    (link,) = may_to.successor_links.select_related("successor")
    assert (link.successor.name, link.effective_on) == ("Phường Gia Viên", dt.date(2025, 1, 1))


def test_the_official_codes_in_the_samples_are_in_the_registry(registry):
    """The registry against the statistics office's codes kept in units/data/areas
    (their names differ only in spelling: Hoà/Hòa, Thuỵ/Thụy, Đắk/Đăk)."""
    provinces = {a.code for a in Area.objects.valid_on(BEFORE).filter(level="province")}
    assert provinces == {r["code"] for r in rows("provinces_pre2025.csv")}
    new = {a.code: a.name for a in Area.objects.valid_on(AFTER).filter(level="province")}
    assert new == {r["new_code"]: r["new_name"] for r in rows("provinces_2025_merger.csv")}
    districts = set(Area.objects.filter(level="district").values_list("code", flat=True))
    assert {r["district_code"] for r in rows("districts_sample.csv")} <= districts
    wards = {
        a.code: a.name
        for a in Area.objects.valid_on(dt.date(2025, 3, 1)).filter(
            level="commune", parent__code__in=["009", "304"]
        )
    }
    assert wards == {r["ward_code"]: r["ward_name"] for r in rows("wards_sample_2025.csv")}
