import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.utils import timezone

from units.models import Area, AreaLineage, AuditEntry, Restructuring, Unit, User
from units.selectors import units as selectors
from units.selectors.areas import area_service_counts

pytestmark = pytest.mark.django_db


def counts():
    return (
        Area.objects.count(),
        AreaLineage.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )


def test_load_demo_twice_changes_nothing(demo, settings):
    settings.DEBUG = True
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first[0] > 63 + 77


def test_ngo_quyen_has_42_service_units_on_01_01_2018(demo):
    official = User.objects.get(username="lanhdao")
    ngo_quyen = Area.objects.get(code="304", level="district")
    params = QueryDict(f"area={ngo_quyen.pk}&kind=service&active_on=01/01/2018")
    filterset = selectors.unit_filterset(user=official, params=params)
    assert filterset.is_valid()
    assert filterset.qs.count() == 42
    folded = selectors.unit_filterset(user=official, params=QueryDict("q=ngo quyen"))
    accented = selectors.unit_filterset(user=official, params=QueryDict("q=Ngô Quyền"))
    assert list(folded.qs) == list(accented.qs) != []


def test_demo_users_have_their_roles_and_scopes(demo):
    clerk = User.objects.get(username="chuyenvien")
    assert clerk.roles == {"clerk"}
    # A scope that exists today: the city since 1/7/2025, which takes in the
    # areas it came from (quận Ngô Quyền among them).
    assert (clerk.scope_area.name, clerk.scope_area.valid_from) == (
        "Thành phố Hải Phòng",
        dt.date(2025, 7, 1),
    )
    assert clerk.check_password("demo12345")
    assert User.objects.get(username="admin").is_admin


def test_province_merger_lineage_is_recorded(demo):
    new = Area.objects.get(code="31", valid_from=dt.date(2025, 7, 1))
    assert set(new.predecessor_links.values_list("predecessor__name", flat=True)) == {
        "Thành phố Hải Phòng",
        "Tỉnh Hải Dương",
    }
    assert Area.objects.filter(level="province", valid_to__isnull=True).count() == 34


def test_it_refuses_demo_users_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert User.objects.count() == 0
    call_command("load_demo", "--areas-only")
    assert Area.objects.exists()
    assert User.objects.count() == 0


def test_ngo_quyen_goes_from_42_to_36_through_six_recorded_reductions(demo, settings):
    settings.DEBUG = True
    ngo_quyen = Area.objects.get(code="304", level="district")
    count = lambda day: Unit.objects.services().in_area(ngo_quyen).active_on(day).count()  # noqa: E731
    assert (count(dt.date(2018, 1, 1)), count(dt.date(2023, 12, 31))) == (42, 36)
    closed = Unit.objects.services().in_area(ngo_quyen).filter(closed_on__lt=dt.date(2025, 7, 1))
    # Six reductions: three consolidations of two (6 close, 3 new), a merger of two, a
    # dissolution.
    assert closed.count() == 9
    assert all(unit.closed_by is not None for unit in closed)
    call_command("load_demo")
    assert count(dt.date(2023, 12, 31)) == 36


def test_thanh_xuan_units_are_transferred_on_1_july_2025(demo):
    july, june = dt.date(2025, 7, 1), dt.date(2025, 6, 30)
    thanh_xuan = Area.objects.get(code="009", level="district")
    hanoi = thanh_xuan.parent
    before = Unit.objects.services().active_on(june).in_area(hanoi).count()
    assert Unit.objects.services().active_on(july).in_area(hanoi).count() == before
    assert not Unit.objects.active_on(july).in_area(thanh_xuan).exists()
    school = Unit.objects.active_on(july).get(name="Trường Tiểu học Kim Giang")
    assert school.area.name == "Phường Khương Đình"
    assert school.parent.name == "Ủy ban nhân dân phường Khương Đình"
    old = Unit.objects.get(name="Trường Tiểu học Kim Giang", closed_on=july)
    assert old.closed_by.decision_number == "1656/NQ-UBTVQH15"


def test_the_whole_registry_is_loaded(demo):
    before, after = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
    valid = Area.objects.valid_on
    assert valid(before).filter(level="province").count() == 63
    assert valid(after).filter(level="province").count() == 34
    assert valid(before).filter(level="district").count() == 696
    assert valid(after).filter(level="district").count() == 0
    assert valid(before).filter(level="commune").count() == 10_035
    assert valid(after).filter(level="commune").count() == 3_321
    ended = Area.objects.filter(level="commune", valid_to=before)
    assert not ended.filter(successor_links__isnull=True).exists()


def test_today_reconciles_after_the_2025_changes(demo):
    """Landing total = area tree total; no active unit left in an area that ended."""
    today = timezone.localdate()
    official = User.objects.get(username="lanhdao")
    headline = selectors.national_headline(today)
    counts = area_service_counts(today, official)
    provinces = Area.objects.valid_on(today).filter(level="province")
    assert sum(counts.get(p.pk, 0) for p in provinces) == headline["active_services"] > 0
    assert not Unit.objects.active_on(today).filter(area__valid_to__lt=today).exists()
    ngo_quyen = Area.objects.get(code="304", level="district")
    moved = Unit.objects.services().in_area(ngo_quyen).filter(closed_on=dt.date(2025, 7, 1))
    assert moved.count() == 36
    for unit in moved:
        copy = Unit.objects.active_on(today).get(name=unit.name)
        assert copy.area.valid_from == dt.date(2025, 7, 1)
        assert copy.area.name in {
            "Thành phố Hải Phòng",
            "Phường Ngô Quyền",
            "Phường Gia Viên",
            "Phường Lê Chân",
        }


def test_each_2025_decision_is_one_document(demo):
    """Screenshot review: the bodies established on 1/7/2025 were recorded under NQ
    202 and 1656 with another date and authority, so each showed as two decisions."""
    for number in ("Nghị quyết 202/2025/QH15", "1656/NQ-UBTVQH15"):
        parts = Restructuring.objects.filter(decision_number=number)
        kinds = set(parts.values_list("kind", flat=True))
        assert "establish" in kinds and "transfer" in kinds
        assert parts.values("authority", "decided_on", "effective_on").distinct().count() == 1
