"""The recompute of the dashboards' snapshot: the demo's published figures, the
incremental run equal to the full one and to counting units directly, marks
released only when not set again, and a failed run that keeps the old snapshot
and its marks."""

import datetime as dt

import pytest
from django.db import connection
from kombu.exceptions import OperationalError

from tests.units.figures import figures_of
from units import tasks
from units.models import (
    Area,
    OwnFigure,
    RecomputeMark,
    RecomputeRun,
    ReductionDelta,
    ReductionFigure,
    Unit,
    User,
)
from units.services import recompute as rc
from units.services import snapshot_apply
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply

pytestmark = pytest.mark.django_db


def snapshot() -> set[tuple]:
    """Every figure, each column but its id and the run that wrote it."""
    fields = ReductionFigure._meta.concrete_fields
    columns = [f.attname for f in fields if f.name not in ("id", "run")]
    return set(ReductionFigure.objects.values_list(*columns))


def units_on(area: Area | None, day: dt.date) -> int:
    from units.scope import area_ids

    units = Unit.objects.services().active_on(day)
    return units.filter(area_id__in=area_ids(area)).count() if area else units.count()


def test_the_demo_figures_ngo_quyen_42_to_36_and_thanh_xuan_staff(demo):
    rc.recompute(trigger="manual", everything=True)
    ngo_quyen = Area.objects.get(level="district", code="304", valid_to__isnull=False)
    figures = figures_of(ngo_quyen, [2017, 2023])
    assert (figures[2017].units, figures[2023].units) == (42, 36)
    thanh_xuan = figures_of(Area.objects.get(level="district", code="009"), [2022])[2022]
    assert (thanh_xuan.staff_assigned, thanh_xuan.staff_actual) == (165, 152)
    assert thanh_xuan.staff_vacancy == 13


def test_incremental_runs_equal_a_full_one_and_direct_counts(demo):
    rc.recompute(trigger="write")  # the demo's own marks
    assert not RecomputeMark.objects.exists()
    incremental = snapshot()
    rc.recompute(trigger="manual", everything=True)
    assert snapshot() == incremental
    # One more consolidation, recomputed from its marks only.
    admin = User.objects.get(username="admin")
    day = dt.date(2026, 3, 1)
    sources = list(Unit.objects.services().active_on(day).filter(sector="education")[:2])
    restructuring_apply(
        actor=admin,
        kind="consolidate",
        decision=Decision("9/QĐ-TEST", day, day, "UBND"),
        source_ids=[u.pk for u in sources],
        new_units=[NewUnit(name="Trường hợp nhất")],
    )
    run = rc.recompute(trigger="write")
    assert 0 < run.scopes < Area.objects.count() and run.years == [2026]
    incremental = snapshot()
    rc.recompute(trigger="manual", everything=True)
    assert snapshot() == incremental
    end = dt.date(2026, 12, 31)
    for area in [None, sources[0].area, *Area.objects.filter(level="province")[:5]]:
        row = figures_of(area, [2026]).get(2026)
        assert (row.units if row else 0) == units_on(area, end), area


def test_a_mark_set_again_during_a_run_stays_for_the_next(demo):
    mark = RecomputeMark.objects.first()
    claimed = [(mark.pk, mark.area_id, mark.year, mark.marked_at)]
    RecomputeMark.objects.filter(pk=mark.pk).update(marked_at=mark.marked_at + dt.timedelta(1))
    rc._release(claimed)
    assert RecomputeMark.objects.filter(pk=mark.pk).exists()


def test_a_mark_stamped_before_the_claim_but_committed_after_it_stays(demo):
    """GIVEN a run that claimed the marks it could see
    WHEN a write that stamped its marks before the claim commits after it (its
    own mark on a scope the run also claimed, and a new one it could not see)
    THEN releasing the claimed marks keeps both: they were stamped earlier than
    the latest claimed mark, which is what the release compared (issue 19)."""
    marks = list(RecomputeMark.objects.order_by("marked_at")[:2])
    claimed = [(m.pk, m.area_id, m.year, m.marked_at) for m in RecomputeMark.objects.all()]
    earlier = marks[0].marked_at - dt.timedelta(seconds=1)
    RecomputeMark.objects.filter(pk=marks[1].pk).update(marked_at=earlier)  # set again
    area = Area.objects.exclude(pk__in=RecomputeMark.objects.values("area")).first()
    unseen = RecomputeMark.objects.create(area=area, year=2016)
    RecomputeMark.objects.filter(pk=unseen.pk).update(marked_at=earlier)
    rc._release(claimed)
    left = set(RecomputeMark.objects.values_list("pk", flat=True))
    assert left == {marks[1].pk, unseen.pk}


@pytest.mark.parametrize("everything", [False, True], ids=["incremental", "full"])
def test_a_run_failing_halfway_keeps_the_old_snapshot_and_its_marks(demo, monkeypatch, everything):
    """The run's writes are one transaction: a failure after the own rows and
    the first scopes were written leaves none of them."""
    rc.recompute(trigger="manual", everything=True)
    before = snapshot()
    own = set(OwnFigure.objects.values_list("area_id", "agency_id", "year", "sector", "units"))
    unit = Unit.objects.services().active_on(dt.date(2024, 12, 31)).first()
    Unit.objects.filter(pk=unit.pk).update(closed_on=dt.date(2024, 6, 1))
    RecomputeMark.objects.create(area=unit.area, year=2024)
    real, calls = (snapshot_apply.full, snapshot_apply._add)[not everything], []

    def halfway(*args, **kwargs):
        if calls:
            raise RuntimeError("killed")
        calls.append(real(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(snapshot_apply, real.__name__, halfway)
    with pytest.raises(RuntimeError):
        rc.recompute(trigger="write", everything=everything)
    assert calls, "the run failed before writing anything"
    assert RecomputeRun.objects.first().status == RecomputeRun.Status.FAILED
    assert snapshot() == before and RecomputeMark.objects.exists()
    assert (
        set(OwnFigure.objects.values_list("area_id", "agency_id", "year", "sector", "units")) == own
    )


def test_a_broker_down_at_commit_leaves_the_change_and_its_marks_for_the_sweeper(
    monkeypatch, caplog, django_capture_on_commit_callbacks, unit, admin_user
):
    """GIVEN a broker that refuses connections
    WHEN a decision commits (its recompute cannot be enqueued)
    THEN the decision stands, a warning says so, its marks wait, and the sweep
    that runs next computes them and releases the marks."""
    sent = []

    def down(*args, **kwargs):
        sent.append(args)
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.figures_recompute, "delay", down)
    decision = Decision("7/QĐ-UBND", dt.date(2024, 3, 1), dt.date(2024, 3, 1), "UBND quận")
    with django_capture_on_commit_callbacks(execute=True):
        restructuring_apply(
            actor=admin_user, kind="dissolve", decision=decision, source_ids=[unit.pk]
        )
    assert sent == [("write",)]  # the enqueue was tried, and failed
    assert "not enqueued: the broker is unreachable" in caplog.text
    unit.refresh_from_db()
    assert unit.closed_on == dt.date(2024, 3, 1)
    marked = set(RecomputeMark.objects.values_list("area_id", "year"))
    assert (unit.area_id, 2024) in marked and (unit.area.parent_id, 2024) in marked
    assert rc.recompute(trigger="schedule").status == "done"
    assert not RecomputeMark.objects.exists()
    swept = snapshot()
    rc.recompute(trigger="manual", everything=True)
    assert swept == snapshot()  # what the lost enqueue would have computed
    after = figures_of(unit.area, [2024]).get(2024)
    assert after is None or after.units == 0


def test_a_sweep_with_nothing_to_do_records_no_run(demo):
    rc.recompute(trigger="write")
    runs = RecomputeRun.objects.count()
    assert rc.recompute(trigger="schedule") is None  # every minute: no noise on the jobs page
    assert RecomputeRun.objects.count() == runs
    RecomputeMark.objects.create(area=Area.objects.first(), year=2020)
    assert rc.recompute(trigger="schedule").status == "done"
    assert rc.recompute(trigger="manual", everything=True) is not None


def reference_cells(build, columns: str) -> set[tuple]:
    """The cells the reference query (the benchmark's limit) computes, none all
    zero, keyed like the snapshot: (area, agency, nation?, year, key, …)."""
    from units.services import figures_sql as ref

    found = set()
    for dim in (ref.AREAS, ref.AGENCIES):
        ctes, params = build(ref.EVERY_AREA, rc.figure_years(), nation=dim is ref.AREAS, dim=dim)
        with connection.cursor() as cursor:
            cursor.execute(f"{ctes} SELECT {columns} FROM result", params)
            for scope, *rest in cursor.fetchall():
                if any(rest[2:]):
                    area, agency = (scope, None) if dim is ref.AREAS else (None, scope)
                    found.add((area, agency, scope is None and dim is ref.AREAS, *rest))
    return found


def test_the_snapshot_holds_the_reference_querys_cells(demo_figures):
    """The engine (own rows, subtree sums, roots) and the reference query that
    counts each cell straight from the units agree cell for cell."""
    from units.services import figures_sql as ref

    measures = "units, autonomous, staff_assigned, staff_actual, staff_vacancy"
    figures = ReductionFigure.objects.values_list(
        "scope_id", "agency_id", "nation", "year", "sector", *measures.split(", ")
    )
    assert set(figures) == reference_cells(ref.figures_sql, f"scope_id, year, sector, {measures}")
    deltas = ReductionDelta.objects.values_list(
        "scope_id", "agency_id", "nation", "year", "kind", "created", "ceased"
    )
    assert set(deltas) == reference_cells(ref.deltas_sql, ref.DELTA_COLUMNS)


def test_a_run_whose_cache_bump_fails_is_still_recorded_done(unit, monkeypatch):
    """The snapshot was committed: the jobs page says so, whatever the cache,
    and the bump is owed (issue 22: the failed bump was raised to the caller)."""
    from units import versions

    def down(*args, **kwargs):
        raise ConnectionError("Redis is gone")

    monkeypatch.setattr(versions.cache, "incr", down)
    run = rc.recompute(trigger="manual", everything=True)
    assert run.status == RecomputeRun.Status.DONE
    assert RecomputeRun.objects.get().status == RecomputeRun.Status.DONE
    assert versions.versions_owed_since() is not None
