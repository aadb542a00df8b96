"""The recompute (DESIGN §4–§5): set-based SQL that writes the snapshot of the
dashboards from the units and the staffing figures, for the scopes × years the
outbox marks as stale, or for everything.

- The SQL is in `figures_sql`: the figures, and the waterfall's deltas.
- Which areas a scope counts is the `AreaCover` table (the scope's subtree and,
  through lineage, its predecessors' subtrees), rebuilt when the areas change.
- Each chunk of scopes is swapped in one transaction (delete and insert), so a
  reader sees a scope's old figures or its new ones, never a mix; runs queue
  on an advisory lock (PostgreSQL) or on SQLite's single writer.
- Marks are claimed by id and released by compare and set on their stamp: a
  mark set again while the run works stays for the next run, whatever the
  order in which its write and the run commit. A run that dies leaves its
  marks, and the sweeper retries.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from ..models import (
    AgencyCover,
    Area,
    AreaCover,
    AreaLineage,
    RecomputeMark,
    RecomputeRun,
    ReductionDelta,
    ReductionFigure,
    Unit,
)
from ..versions import figures_swapped
from .figures import figures_recompute_starting
from .figures_sql import (
    AGENCIES,
    AREAS,
    COLUMNS,
    DELTA_COLUMNS,
    EVERY_AREA,
    Dimension,
    deltas_sql,
    figures_sql,
)

FIRST_YEAR = 2014  # 31/12/2014 is the base of "since 2015"
CHUNK = 2000  # scopes per transaction
FIGURES_LOCK = 0x4647  # "FG": the advisory lock class of the swaps
RUN_LOCK = 0x4648  # held by each run for its life (keyed by its id)


def figure_years() -> list[int]:
    return list(range(FIRST_YEAR, timezone.localdate().year + 1))


def recompute(*, trigger: str, everything: bool = False) -> RecomputeRun | None:
    """Recompute the marked scopes × years (or all of them) and record the run;
    None when there was nothing to do (the sweep every minute, a write whose
    marks an earlier run took): no run is recorded then."""
    figures_recompute_starting()
    if not (everything or RecomputeMark.objects.exists() or _areas_changed()):
        return None
    run = RecomputeRun.objects.create(trigger=trigger)
    _hold(run, True)
    try:
        _close_dead_runs(run)
        claimed = list(RecomputeMark.objects.values_list("id", "area_id", "year", "marked_at"))
        fingerprint = _areas_fingerprint()
        if _areas_changed(fingerprint):
            cover_rebuild()  # the areas or agencies changed: scopes may count others
            everything = True
        years = figure_years()
        if everything:
            work = [(AREAS, [None, EVERY_AREA]), (AGENCIES, [EVERY_AREA])]
            count = Area.objects.count() + 1 + Unit.objects.agencies().count()
        else:
            marked = {area for _i, area, _y, _t in claimed}
            first = min((year for *_x, year, _t in claimed), default=None)
            years = [y for y in years if first is not None and y >= first]
            work = [(AREAS, _area_scopes(marked)), (AGENCIES, _agency_scopes(marked))]
            count = sum(len(scopes) for _d, scopes in work)
        run.scopes, run.years, run.areas_fingerprint = count, years, fingerprint
        run.save(update_fields=["scopes", "years", "areas_fingerprint"])
        chunks = [
            (dim, scopes[i : i + CHUNK])
            for dim, scopes in work
            for i in range(0, len(scopes), CHUNK)
        ]
        for done, (dim, chunk) in enumerate(chunks, 1):
            run.rows += _swap(run, chunk, years, dim)
            run.progress = min(99, done * 100 // len(chunks))
            run.save(update_fields=["rows", "progress"])
        _release(claimed)
    except Exception as error:
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        _hold(run, False)
    run.status, run.progress, run.finished_at = RecomputeRun.Status.DONE, 100, timezone.now()
    run.save(update_fields=["status", "progress", "finished_at"])
    return run


def _area_scopes(marked: set[int]) -> list:
    """The nation and every area scope that counts a marked area."""
    if not marked:
        return []
    covered = AreaCover.objects.filter(area_id__in=marked).values_list("scope_id", flat=True)
    return [None, *sorted(set(covered))]


def _agency_scopes(marked: set[int]) -> list[int]:
    """Every agency scope above a service unit or an agency located in a
    marked area (an agency's own staff count in its scopes): a change marks
    the area of each unit it touches (and the areas above)."""
    located = Unit.objects.filter(area_id__in=marked)
    bodies = located.services().values("parent_id")
    scopes = AgencyCover.objects.filter(
        Q(member_id__in=bodies) | Q(member_id__in=located.agencies().values("pk"))
    ).values_list("scope_id", flat=True)
    return sorted(set(scopes))


def _hold(run: RecomputeRun, take: bool) -> None:
    """On PostgreSQL a run holds a session lock of its own while it works: the
    server drops it when the process dies, which tells a dead run from a slow
    one (`_close_dead_runs`)."""
    if connection.vendor == "postgresql":
        verb = "lock" if take else "unlock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_{verb}(%s, %s)", [RUN_LOCK, run.pk])


def _close_dead_runs(current: RecomputeRun) -> None:
    """Runs still "running" whose process is gone (killed, machine restarted)
    are marked interrupted: on PostgreSQL as soon as their lock is free, and
    anywhere once older than the task's hard time limit."""
    running = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).exclude(pk=current.pk)
    limit = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    dead = [run.pk for run in running if run.started_at < limit or _lock_free(run.pk)]
    if dead:
        RecomputeRun.objects.filter(pk__in=dead).update(
            status=RecomputeRun.Status.INTERRUPTED, finished_at=timezone.now()
        )


def _lock_free(pk: int) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK, pk])
        free = cursor.fetchone()[0]
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK, pk])
    return free


@transaction.atomic
def _release(claimed) -> None:
    """Delete the claimed marks whose stamp is unchanged (compare and set, by id):
    a mark set again since the claim, by a write that committed after it however
    early it stamped, has another stamp and stays for the next run; a mark the
    claim could not see was not claimed. The claimed rows are locked first, so a
    write still in flight on one is waited for and its new stamp read. Two
    statements per chunk of ids."""
    stamps = {pk: stamp for pk, *_scope, stamp in claimed}
    ids = list(stamps)
    for i in range(0, len(ids), CHUNK):
        now = RecomputeMark.objects.select_for_update().filter(pk__in=ids[i : i + CHUNK])
        unchanged = [pk for pk, stamp in now.values_list("pk", "marked_at") if stamps[pk] == stamp]
        RecomputeMark.objects.filter(pk__in=unchanged).delete()


def _swap(run: RecomputeRun, scopes: list, years: list[int], dim: Dimension) -> int:
    """Replace the figures of these scopes × years in one transaction (None is
    the nation, EVERY_AREA every scope at once: one statement, no id list)."""
    every = EVERY_AREA in scopes
    ids = [] if every else [scope for scope in scopes if scope is not None]
    nation = None in scopes
    with transaction.atomic():
        _lock()
        for model in (ReductionFigure, ReductionDelta):
            old = model.objects.filter(year__in=years)
            if dim is AGENCIES:
                old.filter(
                    **({"agency__isnull": False} if every else {"agency_id__in": ids})
                ).delete()
                continue
            if nation:
                old.filter(scope__isnull=True, agency__isnull=True).delete()
            old.filter(**({"scope__isnull": False} if every else {"scope_id__in": ids})).delete()
        rows = _insert(run, EVERY_AREA if every else ids, years, nation=nation, dim=dim)
    figures_swapped()  # the dashboards' cache keys move on
    return rows


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [FIGURES_LOCK])
        work_mem()


def work_mem() -> None:
    """Room for the recompute's sorts and hashes in memory, for this transaction
    (the default 4 MB spilled the staffing sort of one year to disk)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")


def _insert(run: RecomputeRun, scopes, years: list[int], *, nation: bool, dim: Dimension) -> int:
    """Write the figures and the waterfall's deltas, each in one INSERT … SELECT."""
    rows = 0
    for build, model, columns in (
        (figures_sql, ReductionFigure, COLUMNS),
        (deltas_sql, ReductionDelta, DELTA_COLUMNS),
    ):
        ctes, params = build(scopes, years, nation=nation, dim=dim)
        if not ctes:
            continue
        target = columns.replace("scope_id", dim.column)
        sql = f"""{ctes}
            INSERT INTO {model._meta.db_table} ({target}, run_id)
            SELECT {columns}, %s FROM result"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, run.pk])
            if model is ReductionFigure:
                rows += cursor.rowcount if cursor.rowcount >= 0 else _changes(cursor)
    return rows


def _changes(cursor) -> int:
    """Python's sqlite3 does not count the rows of an INSERT that starts WITH."""
    cursor.execute("SELECT changes()")
    return cursor.fetchone()[0]


def cover_rebuild() -> int:
    """Every scope's covered areas: ancestors-or-self of each area, then the
    successors of those through lineage, inverted into (scope, area) pairs."""
    parents = dict(Area.objects.values_list("pk", "parent_id"))
    successors: dict[int, set[int]] = {}
    for before, after in AreaLineage.objects.values_list("predecessor_id", "successor_id"):
        successors.setdefault(before, set()).add(after)
    pairs = set()
    for area in parents:
        node, chain = area, []
        while node is not None and len(chain) < 4:
            chain.append(node)
            node = parents.get(node)
        scopes, frontier = set(chain), set(chain)
        while frontier:
            frontier = {s for node in frontier for s in successors.get(node, ())} - scopes
            scopes |= frontier
        pairs |= {(scope, area) for scope in scopes}
    with transaction.atomic():
        AreaCover.objects.all().delete()
        AreaCover.objects.bulk_create(
            (AreaCover(scope_id=s, area_id=a) for s, a in pairs), batch_size=5000
        )
        return len(pairs) + _agency_cover_rebuild()


def _agency_cover_rebuild() -> int:
    """Every agency scope's members: the agencies below it, and itself."""
    parents = dict(Unit.objects.agencies().values_list("pk", "parent_id"))
    pairs = []
    for agency in parents:
        node, depth = agency, 0
        while node in parents and depth < 8:
            pairs.append(AgencyCover(scope_id=node, member_id=agency))
            node, depth = parents[node], depth + 1
    AgencyCover.objects.all().delete()
    AgencyCover.objects.bulk_create(pairs, batch_size=5000)
    return len(pairs)


def _areas_fingerprint() -> str:
    """Changes when an area, a lineage link or an agency is added, removed or
    moved (what the cover tables hold)."""
    areas = Area.objects.aggregate(n=Count("id"), top=Max("id"), parents=Sum("parent_id"))
    links = AreaLineage.objects.aggregate(n=Count("id"), top=Max("id"))
    bodies = Unit.objects.agencies().aggregate(
        n=Count("id"), top=Max("id"), parents=Sum("parent_id")
    )
    return hashlib.sha256(repr((areas, links, bodies)).encode()).hexdigest()


def _areas_changed(fingerprint: str | None = None) -> bool:
    """Whether the areas or their lineage changed since the last run (or the
    cover table was never built)."""
    fingerprint = fingerprint or _areas_fingerprint()
    return fingerprint != _last_fingerprint() or not AreaCover.objects.exists()


def _last_fingerprint() -> str:
    last = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).first()
    return last.areas_fingerprint if last else ""
