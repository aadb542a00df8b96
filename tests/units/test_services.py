import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from units.models import AuditEntry
from units.services import unit_update

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
    with pytest.raises(ValueError):
        unit_update(unit_id=unit.pk, actor=admin_user, data={"name": "Khác"})
