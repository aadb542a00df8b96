"""DESIGN §5: after any sequence of restructurings, reversals and staffing saves,
the snapshot recomputed incrementally (from the marks each write leaves) equals
the one recomputed from scratch, and both equal counting the units directly."""

import datetime as dt
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Sum

from tests.factories import AgencyFactory, CommuneFactory, ServiceUnitFactory, UserFactory
from tests.units.figures import figures_of
from tests.units.services.agency_steps import agency_members, kind_counted, merge_bodies, split_body
from tests.units.services.exercised import assert_exercised, tally_applied
from tests.units.services.histories import apply_drawn, drawn_kwargs, four_wards, histories, picked
from units.choices import RestructuringKind as K
from units.choices import Role
from units.choices import StaffingCategory as C
from units.models import (
    Area,
    AreaLineage,
    ReductionDelta,
    ReductionFigure,
    RestructuringLink,
    StaffingFigure,
    Unit,
)
from units.models.snapshot import figure_scope_q
from units.scope import area_ids
from units.services import recompute as rc
from units.services.figures import area_chain, figures_mark_stale
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply
from units.services.staffing import StaffingRow, staffing_save
from units.services.units import unit_register

pytestmark = pytest.mark.django_db
KINDS = [
    K.CONSOLIDATE,
    K.SPLIT,
    K.DISSOLVE,
    K.TRANSFER,
    K.ESTABLISH,
    "staffing",
    "agency",
    "area",
    "agency merge",
    "agency split",
]


def snapshot() -> set[tuple]:
    fields = ("scope_id", "agency_id", "year", "sector", "units", "staff_assigned", "staff_vacancy")
    deltas = ReductionDelta.objects.values_list(
        "scope_id", "agency_id", "year", "kind", "created", "ceased"
    )
    return set(ReductionFigure.objects.values_list(*fields)) | {("Δ", *row) for row in deltas}


def within(scope, prefix: str = "") -> dict:
    """The units a scope counts, walked here without the cover tables: an
    area's (through lineage), or those an agency or the agencies below it manage."""
    if isinstance(scope, Unit):
        found = agency_members(scope)
        if prefix:  # staffing: the agencies' own rows too
            return {
                f"{prefix}pk__in": Unit.objects.filter(
                    Q(parent_id__in=found) | Q(pk__in=found, kind="agency")
                )
            }
        return {f"{prefix}parent_id__in": found}
    return {f"{prefix}area_id__in": area_ids(scope)}


def deltas_direct(scope, year: int) -> dict[str, tuple[int, int]]:
    """The waterfall's cells counted from the decisions' links themselves."""
    links = RestructuringLink.objects.filter(
        unit__kind="service",
        restructuring__reversed_at__isnull=True,
        restructuring__effective_on__gt=dt.date(year - 1, 12, 31),
        restructuring__effective_on__lte=dt.date(year, 12, 31),
    )
    if scope is not None:
        links = links.filter(**within(scope, "unit__"))
    cells: Counter[tuple[str, str]] = Counter()
    for link in links.filter(Q(created=True) | Q(ceases=True)).select_related(
        "restructuring", "unit", "copy_of"
    ):
        cells[kind_counted(link), "created" if link.created else "ceased"] += 1
    kinds = {kind for kind, _side in cells}
    return {kind: (cells[kind, "created"], cells[kind, "ceased"]) for kind in kinds}


EXAMPLES = 25
TALLY: Counter[str] = Counter()


def test_incremental_equals_full_equals_direct_counts():
    """Over random histories that applied decisions of most kinds and saved
    staffing (a run that only saw refusals proves nothing)."""
    TALLY.clear()
    explore()
    assert_exercised(TALLY, EXAMPLES, kinds=4)
    assert TALLY["applied staffing"] > 0, dict(TALLY)
    assert TALLY["applied agency"] > 0, dict(TALLY)
    assert TALLY["applied area"] > 0, dict(TALLY)
    assert TALLY["applied agency merge"] > 0, dict(TALLY)
    assert TALLY["applied agency split"] > 0, dict(TALLY)


def merged_ward(admin, wards: list[Area], pick: int, day: dt.date) -> Area:
    """A ward ends the day before `day` and a new ward of its district succeeds
    it (the area covers change); its active units are transferred there, and
    the areas marked as the admin's area form marks them."""
    live = [w for w in wards if w.valid_to is None]
    ward = live[pick % len(live)]
    ward.valid_to = day - dt.timedelta(days=1)
    ward.save(update_fields=["valid_to"])
    new = CommuneFactory(parent=ward.parent, valid_from=day)
    AreaLineage.objects.create(predecessor=ward, successor=new, effective_on=day)
    moving = Unit.objects.services().active_on(day).filter(area=ward)
    if moving:
        restructuring_apply(
            actor=admin,
            kind=K.TRANSFER,
            decision=Decision(f"{pick}/QĐ-ĐVHC", day, day, "UBND"),
            source_ids=[u.pk for u in moving],
            new_area_id=new.pk,
        )
    with transaction.atomic():
        chains = [*area_chain(ward), *area_chain(new)]  # as the admin's area form marks them
        figures_mark_stale(areas=chains, since=dt.date(2015, 1, 1), covers=True)
    cache.clear()  # the areas' version moves on commit, which an example never reaches
    tally_applied(TALLY, "area")
    return new


def new_body(admin, bodies: list[Unit], wards, pick: int, day: dt.date, chosen: list[int]):
    """A managing body registered under one of the bodies (the agency covers
    change), and the chosen units transferred to it."""
    parent = bodies[pick % len(bodies)]
    body = unit_register(
        actor=admin,
        data={
            "kind": "agency",
            "name": f"Sở mới {pick}",
            "parent": parent,
            "area": wards[pick % len(wards)].parent,
            "level": "province",
            "established_on": day,
        },
    )
    bodies.append(body)
    if chosen:
        decision = Decision(f"{pick}/QĐ-CQ", day, day, "UBND")
        restructuring_apply(
            actor=admin,
            kind=K.TRANSFER,
            decision=decision,
            source_ids=sorted(set(chosen)),
            new_parent_id=body.pk,
        )
    tally_applied(TALLY, "agency")


@histories(examples=EXAMPLES, kinds=KINDS, units=(2, 8), most=6, gap=500)
def explore(layout, operations):
    wards = four_wards()
    top = AgencyFactory(area=wards[0].parent)
    bodies = [AgencyFactory(area=wards[0].parent, parent=top), AgencyFactory(area=wards[2].parent)]
    parent = bodies[0]
    for i, w in enumerate(layout):
        body = bodies[i % 2]
        ServiceUnitFactory(area=wards[w], parent=body, established_on=dt.date(2010, 1, i + 1))
    admin = UserFactory(roles=[Role.ADMIN])
    rc.recompute(trigger="manual", everything=True)
    day = dt.date(2015, 1, 1)
    for n, (kind, pick, how_many, gap, reverse) in enumerate(operations):
        day = min(day + dt.timedelta(days=gap), dt.date(2025, 6, 1))
        active = list(Unit.objects.services().active_on(day).order_by("id"))
        chosen = picked(active, pick, how_many)
        if kind == "staffing":
            if active:
                row = StaffingRow(chosen[0], C.BUDGET_EMPLOYEE, assigned=pick % 50, actual=how_many)
                # An agency's own civil servants count in its own scopes too.
                body = bodies[pick % 2] if pick % 3 else top
                body.refresh_from_db()
                body = body if body.is_active_on(day) else top  # merged away
                own = StaffingRow(body.pk, C.CIVIL_SERVANT, assigned=pick % 40, actual=how_many)
                staffing_save(actor=admin, year=day.year, rows=[row, own], about=parent)
                tally_applied(TALLY, "staffing")
            rc.recompute(trigger="write")
            continue
        if kind == "agency":  # the covers change: a new body, then units moved to it
            new_body(admin, [top, *bodies], wards, pick, day, chosen)
            rc.recompute(trigger="write")
            continue
        if kind == "agency merge":  # the bodies' lineage: covers and kinds change
            merge_bodies(TALLY, admin, top, pick, day, reverse)
            rc.recompute(trigger="write")
            continue
        if kind == "agency split":
            split_body(TALLY, admin, top, pick, day)
            rc.recompute(trigger="write")
            continue
        if kind == "area":  # a ward merged into a new one: lineage, end date, moves
            wards.append(merged_ward(admin, wards, pick, day))
            rc.recompute(trigger="write")
            continue
        kwargs = drawn_kwargs(kind, n, pick, how_many, active=active, wards=wards, distinct=True)
        applied = apply_drawn(
            TALLY, actor=admin, kind=kind, n=n, day=day, reverse=reverse, **kwargs
        )
        if applied is not None:
            rc.recompute(trigger="write")
    incremental = snapshot()
    rc.recompute(trigger="manual", everything=True)
    assert snapshot() == incremental
    scopes = [None, *wards, *{w.parent for w in wards}, *{w.parent.parent for w in wards}]
    scopes += [top, *Unit.objects.agencies()]
    for year in range(2014, 2026):
        end = dt.date(year, 12, 31)
        for scope in scopes:
            if isinstance(scope, Area) and scope.valid_to and not scope.is_valid_on(end):
                continue  # an ended ward counts only in the years it saw a 31/12
            units = Unit.objects.services().active_on(end)
            figures = StaffingFigure.objects.filter(
                year=year, category__in=[C.CIVIL_SERVANT, C.BUDGET_EMPLOYEE]
            )
            if scope is not None:
                units = units.filter(**within(scope))
                figures = figures.filter(**within(scope, "unit__"))
            row = figures_of(scope, [year]).get(year)
            assert (row.units if row else 0) == units.count(), (scope, year)
            staff = figures.aggregate(n=Sum("assigned"))["n"] or 0
            assert (row.staff_assigned if row else 0) == staff, (scope, year)
            deltas = ReductionDelta.objects.filter(figure_scope_q(scope), year=year)
            stored = {d.kind: (d.created, d.ceased) for d in deltas if d.created or d.ceased}
            assert stored == deltas_direct(scope, year), (scope, year)
