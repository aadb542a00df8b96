"""The rules of agency successions (issue 26, review): which successor
continues a body, what a reversal does with them, and the migration's backfill
recording what the service records."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from tests.factories import AgencyFactory, ServiceUnitFactory, UserFactory
from units.choices import RestructuringKind as K
from units.choices import Role
from units.models import AgencyCover, AgencySuccession, RestructuringLink, Unit
from units.services.agency_mergers import agencies_merge
from units.services.covers import cover_sync
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply, restructuring_reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.ADMIN])


def decide(number: str, day: dt.date) -> Decision:
    return Decision(number, day, day, "UBND")


def covered_by(scope: Unit) -> set[int]:
    cover_sync()
    return set(AgencyCover.objects.filter(scope=scope).values_list("member_id", flat=True))


def spun_off(admin, body: Unit) -> Unit:
    """A part of `body` spun off in 2018 (a succession that does not end it)."""
    spun = restructuring_apply(
        actor=admin,
        kind=K.SPIN_OFF,
        decision=decide("1/QĐ", dt.date(2018, 3, 1)),
        source_ids=[body.pk],
        new_units=[NewUnit(name="Chi cục tách ra")],
    )
    return spun.links.get(created=True).unit


def test_a_body_that_spun_off_a_part_still_continues_in_the_body_it_merges_into(admin):
    """Only the successors named by the decision that ended a body count: a
    part spun off years before does not stop its merger from continuing it."""
    top = AgencyFactory()
    body, into = AgencyFactory(parent=top, area=top.area), AgencyFactory(parent=top, area=top.area)
    part = spun_off(admin, body)
    assert AgencySuccession.objects.filter(predecessor=body, successor=part).exists()
    agencies_merge(
        actor=admin,
        decision=decide("2/QĐ", dt.date(2025, 3, 1)),
        source_ids=[body.pk],
        target_id=into.pk,
    )
    assert body.pk in covered_by(into)
    assert body.pk not in covered_by(part)


def test_a_body_dissolved_with_nothing_handed_over_continues_nowhere(admin):
    top = AgencyFactory()
    body = AgencyFactory(parent=top, area=top.area)
    part = spun_off(admin, body)
    restructuring_apply(
        actor=admin,
        kind=K.DISSOLVE,
        decision=decide("2/QĐ", dt.date(2024, 1, 1)),
        source_ids=[body.pk],
    )
    assert body.pk not in covered_by(part)


@pytest.mark.parametrize("kind", [K.CONSOLIDATE, K.TRANSFER])
def test_a_decision_that_created_a_successor_body_can_be_reversed(admin, kind):
    """The successions go before the bodies they name (they protected them)."""
    top = AgencyFactory()
    bodies = [AgencyFactory(parent=top, area=top.area) for _ in range(2)]
    day = dt.date(2024, 5, 1)
    if kind == K.CONSOLIDATE:
        args = {"source_ids": [b.pk for b in bodies], "new_units": [NewUnit(name="Sở mới")]}
    else:
        args = {"source_ids": [bodies[0].pk], "new_parent_id": bodies[1].pk}
    decision = restructuring_apply(actor=admin, kind=kind, decision=decide("1/QĐ", day), **args)
    assert decision.successions.exists()
    restructuring_reverse(restructuring_id=decision.pk, actor=admin, reason="Nhầm")
    assert not AgencySuccession.objects.exists()
    assert Unit.objects.filter(pk__in=[b.pk for b in bodies], closed_on__isnull=True).count() == 2


def test_the_transfer_behind_a_dissolution_waits_for_it(admin):
    """A dissolution's successors are the bodies its units went to that day: the
    transfer cannot be reversed while the dissolution stands."""
    top = AgencyFactory()
    body, ward = AgencyFactory(parent=top, area=top.area), AgencyFactory(parent=top, area=top.area)
    school = ServiceUnitFactory(parent=body, area=top.area)
    day = dt.date(2025, 7, 1)
    moved = restructuring_apply(
        actor=admin,
        kind=K.TRANSFER,
        decision=decide("1/QĐ", day),
        source_ids=[school.pk],
        new_parent_id=ward.pk,
    )
    ended = restructuring_apply(
        actor=admin, kind=K.DISSOLVE, decision=decide("2/QĐ", day), source_ids=[body.pk]
    )
    assert list(ended.successions.values_list("successor", flat=True)) == [ward.pk]
    with pytest.raises(ValidationError, match="2/QĐ"):
        restructuring_reverse(restructuring_id=moved.pk, actor=admin, reason="Nhầm")
    restructuring_reverse(restructuring_id=ended.pk, actor=admin, reason="Nhầm")
    restructuring_reverse(restructuring_id=moved.pk, actor=admin, reason="Nhầm")
    assert Unit.objects.get(pk=school.pk).closed_on is None


def test_the_migrations_backfill_records_what_the_service_records(demo):
    """Migration 0020 on a database the service filled before it existed: the
    same transfer pairs and the same successions (the demo has merges, a
    consolidation, dissolutions and bodies moved to a new province)."""
    backfill = __import__("units.migrations.0020_agency_lineage", fromlist=["backfill"]).backfill
    pairs = set(RestructuringLink.objects.filter(created=True).values_list("pk", "copy_of"))
    fields = ("predecessor", "successor", "restructuring", "effective_on")
    recorded = set(AgencySuccession.objects.values_list(*fields))
    assert AgencySuccession.objects.filter(restructuring__kind=K.TRANSFER).exists()
    AgencySuccession.objects.all().delete()
    RestructuringLink.objects.update(copy_of=None)
    backfill(apps, None)
    assert set(RestructuringLink.objects.filter(created=True).values_list("pk", "copy_of")) == pairs
    assert set(AgencySuccession.objects.values_list(*fields)) == recorded
