"""The recompute (DESIGN §4–§5): the snapshot of the dashboards, kept from the
units and the staffing figures set-based (`snapshot_sql`).

- Incremental, one transaction: the own rows of the marked area × year pairs
  are recomputed and the difference (new − old) is added to every scope that
  covers them and to the nation (`snapshot_apply`); the scopes whose cover
  changed (an area or an agency added, moved or ended: `covers.cover_sync`)
  are summed again from the own rows.
- Full: the own rows and every scope's rows built from scratch into fresh
  tables (subtree sums level by level, each cover's roots), swapped in
  (`snapshot_swap`).
- Runs queue on an advisory lock (PostgreSQL) or on SQLite's single writer;
  readers see the old snapshot or the new one.
- Marks are claimed by id and released by compare and set on their stamp: a
  mark set again while the run works stays for the next run, whatever the
  order in which its write and the run commit. A run that dies leaves its
  marks, and the sweeper retries.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from ..models import (
    AgencySuccession,
    Area,
    AreaCover,
    AreaLineage,
    RecomputeMark,
    RecomputeRun,
    Unit,
)
from ..versions import figures_swapped
from . import snapshot_apply as apply
from .covers import Changed, cover_sync
from .figures import COVERS, figures_recompute_starting, figures_rerun
from .snapshot_sql import DELTAS, FIGURES
from .snapshot_swap import fresh_tables

FIRST_YEAR = 2014  # 31/12/2014 is the base of "since 2015"
CHUNK = 2000  # ids per statement
FIGURES_LOCK = 0x4647  # "FG": the advisory lock class of the snapshot's writes
RUN_LOCK = 0x4648  # held by each run for its life (keyed by its id)
MOST_PAIRS = 20_000  # more marked area × year pairs than this: a full run


def figure_years() -> list[int]:
    return list(range(FIRST_YEAR, timezone.localdate().year + 1))


def recompute(
    *, trigger: str, everything: bool = False, rerun_of: int | None = None
) -> RecomputeRun | None:
    """Recompute the marked area × year pairs (or everything) and record the
    run; None when there was nothing to do (the sweep every minute, a write
    whose marks an earlier run took): no run is recorded then. `rerun_of`: the
    interrupted full run this one replaces."""
    figures_recompute_starting(everything)
    # A write's run compares the covers only when a write asked (a mark of year
    # COVERS); the minute's sweep and a full run always check the fingerprint,
    # and so does every run where no sweep runs (tasks run eagerly).
    sweeping = trigger != RecomputeRun.Trigger.WRITE or settings.CELERY_TASK_ALWAYS_EAGER
    if sweeping or everything:  # even with nothing to do: a dead full run left no marks
        _close_dead_runs(full=everything)
    claimed = list(RecomputeMark.objects.values_list("id", "area_id", "year", "marked_at"))
    asked = any(year == COVERS for _i, _area, year, _t in claimed)
    fingerprint = _areas_fingerprint() if sweeping or everything or asked else ""
    covered = AreaCover.objects.exists()
    # The covers may be out of date: never built, the fingerprint moved since the
    # last run that took one, or (a write's run without a fingerprint) unknown.
    stale = not covered or (fingerprint and _areas_changed(fingerprint))
    if not (everything or claimed or (sweeping and stale)):
        return None
    run = RecomputeRun.objects.create(
        trigger=trigger, areas_fingerprint=fingerprint, full=everything, rerun_of_id=rerun_of
    )
    _hold(run, True)
    try:
        years = figure_years()
        pairs = sorted({(area, year) for _i, area, year, _t in claimed if year in years})
        if everything or len(pairs) > MOST_PAIRS or not covered:
            _full(run, years, compare=bool(stale or not fingerprint))
        else:
            _incremental(run, pairs, compare=bool(asked or stale))
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
    figures_swapped()  # then the dashboards' cache keys move on (the run is done either way)
    return run


def _incremental(run: RecomputeRun, pairs: list[tuple[int, int]], *, compare: bool) -> None:
    """One transaction: the covers brought up to date if the areas or agencies
    may have changed (`compare`), the differences of the marked pairs added,
    the scopes whose cover changed summed again."""
    with transaction.atomic():
        lock()
        changed = cover_sync() if compare else Changed()
        touched: set[tuple] = set()
        if pairs:
            apply.claim(pairs)
            for cells in (FIGURES, DELTAS):
                run.rows += apply.differential(cells, run, touched)
            apply.unclaim()
        for cells in (FIGURES, DELTAS):
            run.rows += apply.rebuild(cells, run, changed)
        run.scopes = len(touched | {(a, None) for a in changed.areas})
        run.scopes += len(changed.agencies)
        run.years = sorted({year for _area, year in pairs})
        run.save(update_fields=["rows", "scopes", "years"])


def _full(run: RecomputeRun, years: list[int], *, compare: bool) -> None:
    """One transaction: the covers brought up to date if they may have changed
    (`compare`), every own row and every scope's rows built into fresh tables,
    and swapped in."""
    run.years, run.full = years, True
    run.scopes = Area.objects.count() + 1 + Unit.objects.agencies().count()
    run.save(update_fields=["years", "scopes", "full"])
    with transaction.atomic():
        lock()
        if compare:
            cover_sync()
        _progress(run, 5)
        with fresh_tables():
            for done, cells in enumerate((FIGURES, DELTAS), 1):
                run.rows += apply.full(cells, run, years)
                _progress(run, 5 + done * 40)
        run.save(update_fields=["rows"])


def _progress(run: RecomputeRun, percent: int) -> None:
    """Shown on the jobs page while the run's transaction is open: written
    through a connection of its own (PostgreSQL; SQLite has one writer)."""
    run.progress = percent
    if connection.vendor != "postgresql":
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {RecomputeRun._meta.db_table} SET progress = %s WHERE id = %s",
                [percent, run.pk],
            )
    except Exception:  # progress is a courtesy: the run goes on without it
        pass
    finally:
        side.close()


def _hold(run: RecomputeRun, take: bool) -> None:
    """On PostgreSQL a run holds a session lock of its own while it works: the
    server drops it when the process dies, which tells a dead run from a slow
    one (`_close_dead_runs`)."""
    if connection.vendor == "postgresql":
        verb = "lock" if take else "unlock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_{verb}(%s, %s)", [RUN_LOCK, run.pk])


def _close_dead_runs(*, full: bool) -> None:
    """Runs still "running" whose process is gone (killed, machine restarted)
    are marked interrupted: on PostgreSQL as soon as their lock is free, and
    anywhere once older than the task's hard time limit. A full one is run
    again (`figures_rerun`) by the sweep that marks it (a compare and set: one
    sweep, once), unless the run asking is full itself (`full`), a full run
    started since, or it was a re-run already (killed again: an admin decides,
    never a loop)."""
    running = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING)
    limit = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    for run in [run for run in running if run.started_at < limit or _lock_free(run.pk)]:
        with transaction.atomic():
            closed = RecomputeRun.objects.filter(
                pk=run.pk, status=RecomputeRun.Status.RUNNING
            ).update(status=RecomputeRun.Status.INTERRUPTED, finished_at=timezone.now())
            later = RecomputeRun.objects.filter(full=True, pk__gt=run.pk)
            if closed and run.full and not (full or run.rerun_of_id or later.exists()):
                figures_rerun(run)


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


def lock() -> None:
    """The snapshot's writes one at a time (PostgreSQL; SQLite has one writer),
    with room for their sorts and hashes in memory (the default 4 MB spilled
    the staffing sort of one year to disk): one statement."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, 0), set_config('work_mem', '64MB', true)",
                [FIGURES_LOCK],
            )


def work_mem() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")


def _areas_fingerprint() -> str:
    """Changes when an area, a lineage link, an agency or a succession of
    agencies is added, removed, moved or ended (what the cover tables hold):
    one statement."""
    area, link, unit, heirs = (
        t._meta.db_table for t in (Area, AreaLineage, Unit, AgencySuccession)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT
            (SELECT ROW(COUNT(*), MAX(id), SUM(parent_id), COUNT(valid_to), MIN(valid_to),
                        MAX(valid_to))::text FROM {area}),
            (SELECT ROW(COUNT(*), MAX(id))::text FROM {link}),
            (SELECT ROW(COUNT(*), MAX(id), SUM(parent_id), COUNT(closed_on))::text FROM {unit}
             WHERE kind = 'agency'),
            (SELECT ROW(COUNT(*), MAX(id))::text FROM {heirs})"""
            if connection.vendor == "postgresql"
            else f"""SELECT
            (SELECT {
                _joined(
                    "COUNT(*)",
                    "MAX(id)",
                    "SUM(parent_id)",
                    "COUNT(valid_to)",
                    "MIN(valid_to)",
                    "MAX(valid_to)",
                )
            } FROM {area}),
            (SELECT {_joined("COUNT(*)", "MAX(id)")} FROM {link}),
            (SELECT {_joined("COUNT(*)", "MAX(id)", "SUM(parent_id)", "COUNT(closed_on)")}
             FROM {unit} WHERE kind = 'agency'),
            (SELECT {_joined("COUNT(*)", "MAX(id)")} FROM {heirs})"""
        )
        return hashlib.sha256(repr(cursor.fetchone()).encode()).hexdigest()


def _joined(*values: str) -> str:
    """SQLite: the values as one text, an empty one standing for NULL."""
    return " || ',' || ".join(f"COALESCE({value}, '')" for value in values)


def _areas_changed(fingerprint: str | None = None) -> bool:
    """Whether the areas, their lineage or the agencies changed since the last
    run that finished (or the cover table was never built)."""
    if fingerprint is not None:
        return fingerprint != _last_fingerprint()
    return _areas_fingerprint() != _last_fingerprint() or not AreaCover.objects.exists()


def _last_fingerprint() -> str:
    """The fingerprint of the last finished run that took one (a write's run
    that was not asked to compare the covers does not)."""
    done = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE)
    last = done.exclude(areas_fingerprint="").first()
    return last.areas_fingerprint if last else ""
