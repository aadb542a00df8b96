"""Annulling (reversing) a restructuring: what comes back, what is refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import ServiceUnitFactory
from tests.units.services.restructuring_helpers import DAY, apply, decision, state
from units.choices import RestructuringKind as K
from units.models import AuditEntry, Restructuring, Unit
from units.services.restructuring_rules import NewUnit
from units.services.restructurings import restructuring_reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_reverse_restores_the_previous_state_exactly(clerk, schools):
    before = sorted(Unit.objects.values_list("id", "name", "closed_on", "closed_by_id"))
    r = apply(
        clerk,
        K.CONSOLIDATE,
        source_ids=[schools[0].pk, schools[1].pk],
        new_units=[NewUnit(name="Mới")],
    )
    restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="Quyết định bị hủy")
    assert sorted(Unit.objects.values_list("id", "name", "closed_on", "closed_by_id")) == before
    r.refresh_from_db()
    assert r.is_reversed and r.reversal_reason == "Quyết định bị hủy"


def test_reverse_restores_a_rename(clerk, schools):
    a = schools[0]
    r = apply(clerk, K.RENAME, source_ids=[a.pk], rename={"name": "Khác", "autonomy_group": 2})
    restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="Sai tên")
    a.refresh_from_db()
    assert (a.name, a.autonomy_group) == ("Trường 0", 4)


def test_reverse_is_refused_when_a_later_decision_depends_on_it(clerk, schools):
    r = apply(
        clerk,
        K.CONSOLIDATE,
        source_ids=[schools[0].pk, schools[1].pk],
        new_units=[NewUnit(name="Mới")],
    )
    new = Unit.objects.get(name="Mới")
    apply(clerk, K.DISSOLVE, source_ids=[new.pk], decision=decision(DAY.replace(year=2022), "2"))
    before = state()
    with pytest.raises(ValidationError) as error:
        restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="x")
    assert "depends on unit Mới" in error.value.messages[0]
    assert state() == before


def test_out_of_scope_clerk_cannot_reverse(clerk, outsider_clerk, schools):
    r = apply(clerk, K.DISSOLVE, source_ids=[schools[0].pk])
    with pytest.raises(PermissionDenied):
        restructuring_reverse(restructuring_id=r.pk, actor=outsider_clerk, reason="x")
    r.refresh_from_db()
    assert not r.is_reversed


def test_a_reversal_cannot_be_reversed_twice(clerk, schools):
    r = apply(clerk, K.DISSOLVE, source_ids=[schools[0].pk])
    restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="x")
    with pytest.raises(ValidationError):
        restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="x")


def test_reversal_refuses_to_give_back_a_code_taken_since(clerk, schools, district):
    """Defect: reversing a decision whose reopened unit's code had been reused
    since raised an IntegrityError (a 500)."""
    school = schools[0]
    r = apply(clerk, K.DISSOLVE, source_ids=[school.pk])
    ServiceUnitFactory(area=district, name="Trường mới", code=school.code)
    before = state()
    with pytest.raises(ValidationError, match=f"Code {school.code} that this decision"):
        restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="Nhập nhầm")
    assert state() == before
    assert Restructuring.objects.get(pk=r.pk).reversed_at is None


def test_entries_link_every_unit_concerned(clerk, schools):
    """Defect: a unit's history never showed the decisions that created or closed it."""
    a, b = schools[:2]
    r = apply(clerk, K.CONSOLIDATE, source_ids=[a.pk, b.pk], new_units=[NewUnit(name="AB")])
    created = r.links.get(created=True).unit
    entry = AuditEntry.objects.get(action="restructuring.apply")
    assert set(entry.links.values_list("unit_id", flat=True)) == {a.pk, b.pk, created.pk}
    restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="Nhập nhầm")
    reversal = AuditEntry.objects.get(action="restructuring.reverse")
    # The created unit is gone; its area keeps the entry in its scope's log.
    assert set(reversal.links.values_list("unit_id", "area_id")) == {
        (a.pk, a.area_id),
        (b.pk, b.area_id),
    } | ({(None, created.area_id)} if created.area_id != a.area_id else set())


def test_reversal_refuses_when_an_annulled_decision_still_names_a_created_unit(
    clerk, schools, district, agency
):
    """Review: deleting a created unit that another (annulled) decision names raised
    ProtectedError, a 500."""
    establish = apply(
        clerk,
        K.ESTABLISH,
        new_units=[NewUnit(name="Phòng mới", kind="agency", area_id=district.pk, level="district")],
    )
    body = establish.links.get().unit
    later = apply(
        clerk,
        K.TRANSFER,
        source_ids=[schools[0].pk],
        new_parent_id=body.pk,
        decision=decision(DAY + dt.timedelta(days=30), "16/QĐ"),
    )
    restructuring_reverse(restructuring_id=later.pk, actor=clerk, reason="Nhập nhầm")
    before = state()
    with pytest.raises(ValidationError, match="named in decision 16/QĐ"):
        restructuring_reverse(restructuring_id=establish.pk, actor=clerk, reason="Nhập nhầm")
    assert state() == before
