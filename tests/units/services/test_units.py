import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ServiceUnitFactory
from units.models import AuditEntry, Unit
from units.services.units import unit_update

pytestmark = pytest.mark.django_db


def test_it_updates_and_audits_once(unit, clerk):
    unit_update(unit_id=unit.pk, actor=clerk, data={"autonomy_group": 3, "code": "NEW1"})
    unit.refresh_from_db()
    assert (unit.autonomy_group, unit.code) == (3, "NEW1")
    entry = AuditEntry.objects.get()
    assert entry.actor == clerk
    assert entry.action == "unit.update"
    assert entry.before["autonomy_group"] == 4
    assert entry.after == {"code": "NEW1", "sector": "education", "autonomy_group": 3}


def test_it_writes_nothing_when_nothing_changes(unit, clerk):
    unit_update(unit_id=unit.pk, actor=clerk, data={"autonomy_group": unit.autonomy_group})
    assert AuditEntry.objects.count() == 0


def test_out_of_scope_clerk_is_refused_and_nothing_changes(unit, outsider_clerk):
    with pytest.raises(PermissionDenied):
        unit_update(unit_id=unit.pk, actor=outsider_clerk, data={"autonomy_group": 1})
    unit.refresh_from_db()
    assert unit.autonomy_group == 4
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("role", ["official", "supervisor"])
def test_readers_cannot_change(request, unit, role):
    with pytest.raises(PermissionDenied):
        unit_update(unit_id=unit.pk, actor=request.getfixturevalue(role), data={"code": "Z"})


def test_invalid_data_is_refused_and_nothing_is_saved(unit, clerk):
    with pytest.raises(ValidationError):
        unit_update(unit_id=unit.pk, actor=clerk, data={"sector": ""})
    unit.refresh_from_db()
    assert unit.sector == "education"
    assert AuditEntry.objects.count() == 0


def test_name_and_dates_are_not_editable_here(unit, admin_user):
    with pytest.raises(ValidationError):
        unit_update(unit_id=unit.pk, actor=admin_user, data={"name": "Khác"})
    unit.refresh_from_db()
    assert unit.name != "Khác"


def test_the_entry_keeps_the_actor_name_and_the_unit(unit, clerk):
    clerk.full_name = "Trần Thị Chuyên"
    clerk.save()
    unit_update(unit_id=unit.pk, actor=clerk, data={"code": "NEW2"})
    entry = AuditEntry.objects.get()
    assert entry.actor_name == "Trần Thị Chuyên"
    assert list(entry.links.values_list("unit_id", "area_id")) == [(unit.pk, unit.area_id)]


def test_a_closed_unit_is_history_and_cannot_be_edited(unit, clerk):
    """Defect: the edit form accepted changes to closed units."""
    Unit.objects.filter(pk=unit.pk).update(closed_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="đã chấm dứt|closed unit"):
        unit_update(unit_id=unit.pk, actor=clerk, data={"code": "X1"})
    assert AuditEntry.objects.count() == 0


def test_an_agency_has_no_sector(agency, clerk):
    """Defect: the edit form accepted a sector on an agency."""
    with pytest.raises(ValidationError):
        unit_update(unit_id=agency.pk, actor=clerk, data={"sector": "education"})
    agency.refresh_from_db()
    assert agency.sector == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=agency.pk).update(sector="education")


def test_an_active_units_code_cannot_be_taken(unit, district, clerk):
    """Defect: the edit form accepted the code of another active unit."""
    other = ServiceUnitFactory(area=district, code="DUP-1")
    with pytest.raises(ValidationError) as error:
        unit_update(unit_id=unit.pk, actor=clerk, data={"code": "DUP-1"})
    assert "Mã này đã được dùng cho đơn vị khác." in error.value.messages
    unit.refresh_from_db()
    assert unit.code != other.code
    assert AuditEntry.objects.count() == 0
