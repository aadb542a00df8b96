"""The staffing service: all or nothing, per-row messages, scope, audit, marks."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import AgencyFactory, ServiceUnitFactory
from units.choices import StaffingCategory as C
from units.models import AuditEntry, RecomputeMark, StaffingFigure
from units.services.staffing import StaffingRow, staffing_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def wards(district, agency):
    """Thanh Xuân 2022 in small: ward committees with civil servants."""
    return [
        AgencyFactory(name=f"Ủy ban nhân dân phường {n}", area=district, parent=agency)
        for n in ("Hạ Đình", "Kim Giang", "Khương Mai")
    ]


def rows(wards, assigned=(15, 15, 15), actual=(14, 13, 15)):
    return [
        StaffingRow(w.pk, C.CIVIL_SERVANT, assigned=a, actual=b, decision_number="12/QĐ-UBND")
        for w, a, b in zip(wards, assigned, actual, strict=True)
    ]


def test_a_save_creates_the_figures_audits_once_and_marks_the_year(clerk, agency, wards):
    result = staffing_save(actor=clerk, year=2022, rows=rows(wards), about=agency)
    assert result == {"created": 3, "changed": 0, "unchanged": 0}
    figures = StaffingFigure.objects.filter(year=2022).order_by("unit_id")
    assert [(f.assigned, f.actual, f.vacancy, f.over_quota) for f in figures] == [
        (15, 14, 1, 0),
        (15, 13, 2, 0),
        (15, 15, 0, 0),
    ]
    (entry,) = AuditEntry.objects.filter(action="staffing.save")
    assert entry.before == {"year": 2022, "figures": {}}
    assert len(entry.after["figures"]) == 3
    assert set(entry.links.values_list("unit_id", flat=True)) == {w.pk for w in wards}
    assert RecomputeMark.objects.filter(area=wards[0].area, year=2022).exists()


def test_saving_again_changes_only_what_changed(clerk, agency, wards):
    staffing_save(actor=clerk, year=2022, rows=rows(wards), about=agency)
    again = rows(wards, actual=(14, 13, 16))
    assert staffing_save(actor=clerk, year=2022, rows=again, about=agency) == {
        "created": 0,
        "changed": 1,
        "unchanged": 2,
    }
    latest = AuditEntry.objects.filter(action="staffing.save").latest("id")
    key = f"{wards[2].pk}:{C.CIVIL_SERVANT}"
    assert latest.before["figures"][key]["actual"] == 15
    assert latest.after["figures"][key]["actual"] == 16
    assert StaffingFigure.objects.get(unit=wards[2]).over_quota == 1
    # Nothing new: no write, no audit entry.
    staffing_save(actor=clerk, year=2022, rows=again, about=agency)
    assert AuditEntry.objects.filter(action="staffing.save").count() == 2


def test_every_wrong_row_is_reported_and_nothing_is_written(clerk, agency, wards, district):
    school = ServiceUnitFactory(area=district, parent=agency)
    closed = AgencyFactory(area=district, parent=agency, closed_on=dt.date(2020, 1, 1))
    bad = [
        StaffingRow(wards[0].pk, C.CIVIL_SERVANT, assigned=-1),
        StaffingRow(wards[1].pk, C.CIVIL_SERVANT, actual=2.5),
        StaffingRow(school.pk, C.CIVIL_SERVANT, assigned=3),  # schools have employees
        StaffingRow(closed.pk, C.CIVIL_SERVANT, assigned=3),
        StaffingRow(wards[2].pk, C.CONTRACT, actual=1),
        StaffingRow(wards[2].pk, C.CONTRACT, actual=2),
        StaffingRow(999_999, C.CIVIL_SERVANT, assigned=1),
        StaffingRow(10**21, C.CIVIL_SERVANT, assigned=1),  # overflowed the query (a 500)
    ]
    with pytest.raises(ValidationError) as raised, translation.override("vi"):
        staffing_save(actor=clerk, year=2022, rows=bad, about=agency)
    errors = raised.value.message_dict
    assert set(errors) == {
        "0.assigned",
        "1.actual",
        "2.category",
        "3.unit",
        "5.category",
        "6.unit",
        "7.unit",
    }
    assert errors["0.assigned"] == ["Nhập số người là số nguyên, từ 0 trở lên."]
    assert not StaffingFigure.objects.exists()
    assert not AuditEntry.objects.filter(action="staffing.save").exists()


def test_a_clerk_outside_the_scope_is_refused_and_nothing_changes(outsider_clerk, agency, wards):
    with pytest.raises(PermissionDenied):
        staffing_save(actor=outsider_clerk, year=2022, rows=rows(wards), about=agency)
    assert not StaffingFigure.objects.exists()


@pytest.mark.parametrize("who", ["official", "supervisor"])
def test_officials_and_supervisors_cannot_write(request, who, agency, wards):
    with pytest.raises(PermissionDenied):
        staffing_save(actor=request.getfixturevalue(who), year=2022, rows=rows(wards), about=agency)
    assert not StaffingFigure.objects.exists()


def test_the_database_keeps_one_row_per_key_and_no_negative_figure(wards):
    StaffingFigure.objects.create(unit=wards[0], year=2022, category=C.CIVIL_SERVANT)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffingFigure.objects.create(unit=wards[0], year=2022, category=C.CIVIL_SERVANT)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffingFigure.objects.create(
            unit=wards[1], year=2022, category=C.CIVIL_SERVANT, assigned=-3
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffingFigure.objects.create(unit=wards[1], year=1899, category=C.CIVIL_SERVANT)
