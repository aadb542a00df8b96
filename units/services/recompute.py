"""The recompute (DESIGN §4–§5): set-based SQL that writes the snapshot of the
dashboards from the units and the staffing figures, for the scopes × years the
outbox marks as stale, or for everything.

- Which areas a scope counts is the `AreaCover` table (the scope's subtree and,
  through lineage, its predecessors' subtrees), rebuilt when the areas change.
- Each chunk of scopes is swapped in one transaction (delete and insert), so a
  reader sees a scope's old figures or its new ones, never a mix; runs queue
  on an advisory lock (PostgreSQL) or on SQLite's single writer.
- Marks are claimed by their time: a mark set again while the run works stays
  for the next run. A run that dies leaves its marks, and the sweeper retries.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from ..choices import StaffingCategory as C
from ..models import (
    Area,
    AreaCover,
    AreaLineage,
    RecomputeMark,
    RecomputeRun,
    ReductionFigure,
    StaffingFigure,
    Unit,
)

QUOTA = (C.CIVIL_SERVANT, C.BUDGET_EMPLOYEE)
FIRST_YEAR = 2014  # 31/12/2014 is the base of "since 2015"
CHUNK = 2000  # scopes per transaction
EVERY_AREA = "every area"  # a full run: one statement, no list of ids
FIGURES_LOCK = 0x4647  # "FG": the advisory lock class of recompute runs


def figure_years() -> list[int]:
    return list(range(FIRST_YEAR, timezone.localdate().year + 1))


def recompute(*, trigger: str, everything: bool = False) -> RecomputeRun:
    """Recompute the marked scopes × years (or all of them) and record the run."""
    run = RecomputeRun.objects.create(trigger=trigger)
    try:
        claimed = list(RecomputeMark.objects.values_list("id", "area_id", "year", "marked_at"))
        fingerprint = _areas_fingerprint()
        if fingerprint != _last_fingerprint() or not AreaCover.objects.exists():
            cover_rebuild()  # the areas changed: every scope may count others
            everything = True
        years = figure_years()
        if everything:
            scopes: list = [None, EVERY_AREA]
        else:
            marked = {area for _i, area, _y, _t in claimed}
            first = min((year for *_x, year, _t in claimed), default=None)
            years = [y for y in years if first is not None and y >= first]
            covered = AreaCover.objects.filter(area_id__in=marked).values_list(
                "scope_id", flat=True
            )
            scopes = [None, *sorted(set(covered))] if marked else []
        count = Area.objects.count() + 1 if everything else len(scopes)
        run.scopes, run.years, run.areas_fingerprint = count, years, fingerprint
        run.save(update_fields=["scopes", "years", "areas_fingerprint"])
        for start in range(0, len(scopes), CHUNK):
            run.rows += _swap(run, scopes[start : start + CHUNK], years)
            run.progress = min(99, (start + CHUNK) * 100 // max(len(scopes), 1))
            run.save(update_fields=["rows", "progress"])
        _release(claimed)
    except Exception as error:
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        raise
    run.status, run.progress, run.finished_at = RecomputeRun.Status.DONE, 100, timezone.now()
    run.save(update_fields=["status", "progress", "finished_at"])
    return run


def _release(claimed) -> None:
    """Delete the claimed marks that were not set again during the run."""
    with transaction.atomic():
        for mark_id, _area, _year, marked_at in claimed:
            RecomputeMark.objects.filter(pk=mark_id, marked_at=marked_at).delete()


def _swap(run: RecomputeRun, scopes: list, years: list[int]) -> int:
    """Replace the figures of these scopes × years in one transaction (None is
    the nation, EVERY_AREA every area at once: one statement, no id list)."""
    every = EVERY_AREA in scopes
    areas = [] if every else [scope for scope in scopes if scope is not None]
    with transaction.atomic():
        _lock()
        old = ReductionFigure.objects.filter(year__in=years)
        if every:
            (old if None in scopes else old.filter(scope__isnull=False)).delete()
        else:
            if None in scopes:
                old.filter(scope__isnull=True).delete()
            old.filter(scope_id__in=areas).delete()
        rows = _insert(run, EVERY_AREA if every else areas, years, nation=None in scopes)
    return rows


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [FIGURES_LOCK])


def _insert(run: RecomputeRun, areas, years: list[int], *, nation: bool) -> int:
    """INSERT … SELECT of the units and staff per scope × year × sector, then the
    all-sector totals summed from them, in one statement."""
    days = ", ".join(["(%s, %s)"] * len(years))
    params = [value for year in years for value in (year, dt.date(year, 12, 31))]
    parts = []
    if areas == EVERY_AREA:
        parts += [_units_sql(0), _staff_sql(0)]
        params += [*QUOTA]
    elif areas:
        parts += [_units_sql(len(areas)), _staff_sql(len(areas))]
        params += [*areas, *QUOTA, *areas]
    if nation:
        parts += [_units_sql(None), _staff_sql(None)]
        params += [*QUOTA]
    if not parts:
        return 0
    columns = (
        "scope_id, year, sector, units, autonomous, staff_assigned, staff_actual, staff_vacancy"
    )
    sql = f"""
        WITH y(year, day) AS (VALUES {days}),
        parts({columns}) AS ({" UNION ALL ".join(parts)}),
        per_sector AS (
            SELECT scope_id, year, sector, SUM(units) AS units, SUM(autonomous) AS autonomous,
                   SUM(staff_assigned) AS staff_assigned, SUM(staff_actual) AS staff_actual,
                   SUM(staff_vacancy) AS staff_vacancy
            FROM parts GROUP BY scope_id, year, sector),
        result AS (
            SELECT {columns} FROM per_sector
            UNION ALL
            SELECT scope_id, year, %s, SUM(units), SUM(autonomous), SUM(staff_assigned),
                   SUM(staff_actual), SUM(staff_vacancy)
            FROM per_sector GROUP BY scope_id, year)
        INSERT INTO {ReductionFigure._meta.db_table} ({columns}, run_id)
        SELECT {columns}, %s FROM result"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ReductionFigure.ALL, run.pk])
        if cursor.rowcount >= 0:
            return cursor.rowcount
        # Python's sqlite3 does not count the rows of an INSERT that starts WITH.
        cursor.execute("SELECT changes()")
        return cursor.fetchone()[0]


# A scope counts only in the years it existed, except today's areas, which are
# compared with their predecessors (lineage) in any year.
_EXISTED = """(s.valid_to IS NULL OR (s.valid_to >= y.day
    AND (s.valid_from IS NULL OR s.valid_from <= y.day)))"""


def _scoped(scopes: int | None) -> tuple[str, str, str]:
    """The scope column, joins and filter of a part: None for the nation, 0 for
    every area, n for n area ids given as parameters."""
    if scopes is None:
        return "NULL", "", ""
    t = _tables()
    join = f"""JOIN {t["cover"]} c ON c.area_id = u.area_id
               JOIN {t["area"]} s ON s.id = c.scope_id"""
    where = f"AND {_EXISTED}"
    if scopes:
        where += f" AND c.scope_id IN ({', '.join(['%s'] * scopes)})"
    return "c.scope_id", join, where


def _units_sql(scopes: int | None) -> str:
    """Service units active on 31/12 (and those in autonomy groups 1–2) per scope,
    year and sector."""
    t = _tables()
    scope, join, where = _scoped(scopes)
    return f"""
        SELECT {scope}, y.year, u.sector, COUNT(*),
               SUM(CASE WHEN u.autonomy_group IN (1, 2) THEN 1 ELSE 0 END), 0, 0, 0
        FROM {t["unit"]} u {join}
        JOIN y ON u.established_on <= y.day AND (u.closed_on IS NULL OR u.closed_on > y.day)
        WHERE u.kind = 'service' {where}
        GROUP BY {"" if scopes is None else "c.scope_id, "}y.year, u.sector"""


def _staff_sql(scopes: int | None) -> str:
    """The state's quota staff (civil servants and budget-paid employees, as the
    staffing overview counts them) assigned, actual and vacant — summed unit by
    unit — per scope, year and sector (the two categories are the first
    parameters, then the scope ids)."""
    t = _tables()
    scope, join, where = _scoped(scopes)
    return f"""
        SELECT {scope}, f.year, u.sector, 0, 0, SUM(COALESCE(f.assigned, 0)),
               SUM(COALESCE(f.actual, 0)),
               SUM(CASE WHEN f.assigned > f.actual THEN f.assigned - f.actual ELSE 0 END)
        FROM {t["staffing"]} f JOIN {t["unit"]} u ON u.id = f.unit_id {join}
        JOIN y ON y.year = f.year
        WHERE f.category IN (%s, %s) {where}
        GROUP BY {"" if scopes is None else "c.scope_id, "}f.year, u.sector"""


def _tables() -> dict[str, str]:
    return {
        "unit": Unit._meta.db_table,
        "cover": AreaCover._meta.db_table,
        "area": Area._meta.db_table,
        "staffing": StaffingFigure._meta.db_table,
        "figure": ReductionFigure._meta.db_table,
    }


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
    return len(pairs)


def _areas_fingerprint() -> str:
    """Changes when an area or a lineage link is added, removed or moved."""
    areas = Area.objects.aggregate(n=Count("id"), top=Max("id"), parents=Sum("parent_id"))
    links = AreaLineage.objects.aggregate(n=Count("id"), top=Max("id"))
    return hashlib.sha256(repr((areas, links)).encode()).hexdigest()


def _last_fingerprint() -> str:
    last = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).first()
    return last.areas_fingerprint if last else ""


def figures_of(scope: Area | None, years: Iterable[int], sector: str = ReductionFigure.ALL):
    """The snapshot rows of a scope (None: the nation) by year."""
    rows = ReductionFigure.objects.filter(year__in=list(years), sector=sector)
    rows = rows.filter(scope__isnull=True) if scope is None else rows.filter(scope=scope)
    return {row.year: row for row in rows}
