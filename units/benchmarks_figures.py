"""The figures engine's benchmark (issue 19): the full recompute against the
reference query's limit, the snapshot's size, and the incremental runs after
one consolidation, after a new managing body and after a department merged
into another (issue 26)."""

import time

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from reformwatch.benchmark import percentile

from . import benchmarks as b
from . import benchmarks_live
from .choices import AreaLevel, Role
from .models import (
    AgencyCover,
    AreaCover,
    OwnDelta,
    OwnFigure,
    RecomputeMark,
    ReductionDelta,
    ReductionFigure,
    Unit,
)
from .services import figures_sql as limit_sql
from .services import recompute as rc
from .services.agency_mergers import agencies_merge
from .services.restructuring_rules import Decision
from .services.units import unit_register


def recompute_figures(bench) -> None:
    """The full recompute as the worker runs it, committed (fresh tables built,
    indexed and swapped in), twice; the fair limit: the reference query that
    computes the same cells straight from the units, not written; and the
    snapshot's row counts."""
    if not bench.wanted("recompute"):
        return

    bench.job("recompute_full", lambda: rc.recompute(trigger="manual", everything=True), repeat=2)
    limit = 0.0
    cells = [
        (build, dim)
        for build in (limit_sql.figures_sql, limit_sql.deltas_sql)  # figures, waterfall
        for dim in (limit_sql.AREAS, limit_sql.AGENCIES)  # areas and nation, agencies
    ]
    for build, dim in cells:
        every, years = limit_sql.EVERY_AREA, rc.figure_years()
        ctes, params = build(every, years, nation=dim is limit_sql.AREAS, dim=dim)
        with transaction.atomic():
            rc.work_mem()  # the same settings as the recompute
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(f"{ctes} SELECT COUNT(*) FROM result", params)
            limit += (time.perf_counter() - started) * 1000
    bench.add("recompute_limit_query", limit, "ms", "the same cells, computed and not written")
    full_ms = next(f.value for f in reversed(bench.figures) if f.name == "recompute_full.p50")
    bench.add("recompute_full_ratio", full_ms / max(limit, 1), "×", "full run ÷ limit query")
    for model in (ReductionFigure, ReductionDelta, OwnFigure, OwnDelta, AreaCover, AgencyCover):
        name = model._meta.model_name
        bench.add(f"snapshot_rows.{name}", model.objects.count(), "rows", "after a full run")
    bench.add("snapshot_rows.nation", ReductionFigure.objects.filter(nation=True).count(), "rows")
    recompute_one_scope(bench)
    recompute_agency_established(bench)
    recompute_agency_merged(bench)


def recompute_one_scope(bench) -> None:
    """The recompute after one consolidation in one province, as the worker runs
    it once the change commits (from a snapshot with nothing else waiting; the
    first run on a seeded database is a committed full one, the state a running
    portal is in). Each repetition is rolled back."""
    if rc._areas_changed() or not rc.RecomputeRun.objects.filter(status="done").exists():
        rc.recompute(trigger="manual", everything=True)
    today = timezone.localdate()
    found = benchmarks_live.two_siblings(today, level=AreaLevel.COMMUNE)
    if found is None:
        bench.out("# recompute_one_scope: no two units to consolidate")
        return
    sources = found[1]
    actor = b.bench_user("bench-admin", Role.ADMIN)
    decision = Decision("2/QĐ-BENCH", today, today, "Benchmark")
    times, scopes = [], 0
    for _ in range(bench.repeat):
        with b.rolled_back():
            RecomputeMark.objects.all().delete()  # nothing else waits
            b._consolidate(actor, decision, sources)
            started = time.perf_counter()
            run = rc.recompute(trigger="write")
            times.append(time.perf_counter() - started)
            scopes = run.scopes
    note = f"{scopes} scopes × years since {today.year}"
    times = [t * 1000 for t in times]
    bench.add("recompute_one_scope.p50", percentile(times, 0.5), "ms", note)
    bench.add("recompute_one_scope.p95", percentile(times, 0.95), "ms", note)


def recompute_agency_established(bench) -> None:
    """A new managing body under the busiest province's People's Committee,
    then the run that brings the covers and figures up to date (no full run),
    rolled back."""
    body = (
        Unit.objects.agencies()
        .filter(parent__isnull=True)
        .annotate(n=Count("children"))
        .order_by("-n")
        .first()
    )
    if body is None:
        return
    actor = b.bench_user("bench-admin", Role.ADMIN)
    today = timezone.localdate()
    times, rows = [], 0
    for n in range(max(bench.repeat // 4, 3)):
        with b.rolled_back():
            RecomputeMark.objects.all().delete()
            data = {"kind": "agency", "name": f"Sở thử {n}", "parent": body, "area": body.area}
            unit_register(actor=actor, data={**data, "level": body.level, "established_on": today})
            started = time.perf_counter()
            run = rc.recompute(trigger="write")
            times.append((time.perf_counter() - started) * 1000)
            rows = run.rows
            assert run.scopes < 100, run.scopes  # the body's scopes, not a full run
    note = f"under {body.name}; {rows} rows"
    bench.add("recompute_agency_established.p50", percentile(times, 0.5), "ms", note)
    bench.add("recompute_agency_established.p95", percentile(times, 0.95), "ms", note)


def merged_department(province) -> Unit | None:
    """The province's Sở Nội vụ of today: it continues the department of the
    same name and, through it, Sở Lao động - Thương binh và Xã hội."""
    bodies = Unit.objects.agencies().filter(area=province, closed_on__isnull=True)
    return bodies.filter(name__startswith="Sở Nội vụ").order_by("id").first()


def recompute_agency_merged(bench) -> None:
    """A department merged into another with the units it manages (the
    service of Nghị định 45/2025's mergers), then the run that brings the
    covers, the handed-over units' cells and the figures up to date, rolled
    back: a succession is a local change, not a full run."""
    today = timezone.localdate()
    live = Unit.objects.agencies().filter(closed_on__isnull=True, name__startswith="Sở ")
    finance = live.filter(name__startswith="Sở Tài chính").annotate(n=Count("children"))
    finance = finance.order_by("-n", "id").first()
    building = finance and live.filter(area=finance.area, name__startswith="Sở Xây dựng").first()
    if building is None:
        bench.out("# recompute_agency_merged: no two departments to merge")
        return
    actor = b.bench_user("bench-admin", Role.ADMIN)
    decision = Decision("3/QĐ-BENCH", today, today, "Benchmark")
    times, scopes = [], 0
    for _ in range(max(bench.repeat // 4, 3)):
        with b.rolled_back():
            RecomputeMark.objects.all().delete()
            agencies_merge(
                actor=actor, decision=decision, source_ids=[finance.pk], target_id=building.pk
            )
            started = time.perf_counter()
            run = rc.recompute(trigger="write")
            times.append((time.perf_counter() - started) * 1000)
            scopes = run.scopes
            assert run.scopes < 1000, run.scopes  # the bodies' scopes, not a full run
    note = f"{finance.name} into {building.name}; {scopes} scopes × years"
    bench.add("recompute_agency_merged.p50", percentile(times, 0.5), "ms", note)
    bench.add("recompute_agency_merged.p95", percentile(times, 0.95), "ms", note)
