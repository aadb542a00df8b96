"""The snapshot's writes, each inside the recompute's transaction and lock:
the differential update of the marked pairs, the scopes summed again after a
cover change, and the full build (`recompute` orders them)."""

import datetime as dt

from django.db import connection

from .covers import Changed
from .snapshot_sql import (
    CELLS,
    CLAIM,
    SUBTREE,
    Cells,
    Sources,
    by_agency,
    own_select,
    rollup_select,
    subtree_statements,
)

OWN_NEW, DIFF = "figures_own_new", "figures_diff"
CHUNK = 2000
# The conflict target of each kind of scope (the snapshot's partial unique indexes).
TARGETS = {
    "areas": "scope_id, year, {key}) WHERE scope_id IS NOT NULL",
    "agencies": "agency_id, year, {key}) WHERE agency_id IS NOT NULL",
    "nation": "year, {key}) WHERE nation",
}


def _run(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        if cursor.rowcount >= 0 or connection.vendor != "sqlite":
            return max(cursor.rowcount, 0)  # DDL counts nothing
        # Python's sqlite3 does not count the rows of an INSERT … SELECT … WITH.
        cursor.execute("SELECT changes()")
        return cursor.fetchone()[0]


def _temp(name: str, select: str = "", params=(), columns: str = "") -> None:
    """A temporary table for this transaction (`unclaim` drops it: a test's
    transaction holds several runs)."""
    drop = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
    if columns:
        _run(f"CREATE TEMP TABLE {name} ({columns}){drop}")
        return
    _run(f"CREATE TEMP TABLE {name}{drop} AS {select}", params)
    _analyze(name)


def _analyze(name: str) -> None:
    """A temporary table has no statistics until analysed: planned as big, the
    claimed pairs made the planner scan the units and the staffing (1 s)."""
    if connection.vendor == "postgresql":
        _run(f"ANALYZE {name}")


def claim(pairs: list[tuple[int, int]]) -> None:
    """The pairs this run recomputes, with each year's 31/12 and the one before."""
    _temp(CLAIM, columns="area_id integer, year integer, day date, start date")
    for i in range(0, len(pairs), 500):
        chunk = pairs[i : i + 500]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [
            v
            for area, year in chunk
            for v in (area, year, dt.date(year, 12, 31), dt.date(year - 1, 12, 31))
        ]
        _run(f"INSERT INTO {CLAIM} (area_id, year, day, start) VALUES {values}", params)
    _analyze(CLAIM)


def unclaim() -> None:
    names = [CLAIM, *(f"{table}_{cells.key}" for table in (OWN_NEW, DIFF) for cells in CELLS)]
    if connection.vendor == "postgresql":
        _run(f"DROP TABLE IF EXISTS {', '.join(names)}")
        return
    for name in names:
        _run(f"DROP TABLE IF EXISTS {name}")


def differential(cells: Cells, run, touched: set) -> int:
    """Recompute the own rows of the claimed pairs, store them, and add their
    difference to each area scope covering them (in the years it counts), to
    each agency scope above their managing body, and to the nation. Cells
    that come to nothing are deleted, as a full run would not write them."""
    select, params = own_select(cells, None)
    own_new, diff = f"{OWN_NEW}_{cells.key}", f"{DIFF}_{cells.key}"
    _temp(own_new, select, params)
    k, cols = cells.key, cells.columns
    negated = ", ".join(f"-o.{m}" for m in cells.measures)
    _temp(
        diff,
        f"""SELECT area_id, agency_id, year, {k}, {cells.sums("", alias=True)} FROM (
            SELECT area_id, agency_id, year, {k}, {cols} FROM {own_new}
            UNION ALL
            SELECT o.area_id, o.agency_id, o.year, o.{k}, {negated} FROM {cells.own_table} o
            JOIN {CLAIM} c ON c.area_id = o.area_id AND c.year = o.year) d
        GROUP BY area_id, agency_id, year, {k} HAVING {cells.nonzero()}""",
    )
    own = cells.own_table
    _run(
        f"""DELETE FROM {own} WHERE EXISTS (SELECT 1 FROM {CLAIM} c
        WHERE c.area_id = {own}.area_id AND c.year = {own}.year)"""
    )
    _run(
        f"INSERT INTO {own} (area_id, agency_id, year, {k}, {cols}) "
        f"SELECT area_id, agency_id, year, {k}, {cols} FROM {own_new}"
    )
    sources = Sources(diff, diff, diff)
    rows = 0
    for target, scopes in (
        ("areas", {"areas": "all"}),
        ("agencies", {"agencies": "all"}),
        ("nation", {"nation": True}),
    ):
        rows += _add(cells, run, target, *rollup_select(cells, sources, **scopes), touched)
    return rows


def _add(cells: Cells, run, target: str, select: str, params: list, touched: set) -> int:
    """Upsert the rolled-up differences into the snapshot, then delete the cells
    left empty."""
    if not select:
        return 0
    k, cols = cells.key, cells.columns
    names = f"scope_id, agency_id, nation, year, {k}, {cols}"
    update = ", ".join(f"{m} = {cells.table}.{m} + excluded.{m}" for m in cells.measures)
    total = " + ".join(cells.measures)
    sql = f"""INSERT INTO {cells.table} ({names}, run_id)
        SELECT {names}, %s FROM ({select}) x WHERE TRUE
        ON CONFLICT ({TARGETS[target].format(key=k)}
        DO UPDATE SET {update}, run_id = excluded.run_id
        RETURNING id, scope_id, agency_id, {total}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, *params])
        written = cursor.fetchall()
    touched |= {(scope, agency) for _id, scope, agency, _n in written}
    empty = [pk for pk, _s, _a, total in written if total == 0]
    for i in range(0, len(empty), CHUNK):
        ids = empty[i : i + CHUNK]
        _run(f"DELETE FROM {cells.table} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
    return len(written)


def rebuild(cells: Cells, run, changed: Changed) -> int:
    """The rows of the scopes whose cover changed, summed again from the own
    rows (a chunk of scopes per statement)."""
    rows = 0
    own = cells.own_table
    for column, ids, kind in (
        ("scope_id", changed.areas, "areas"),
        ("agency_id", changed.agencies, "agencies"),
    ):
        ids = sorted(ids)
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            _run(f"DELETE FROM {cells.table} WHERE {column} IN ({marks})", chunk)
            select, params = rollup_select(cells, Sources(own, own, own), **{kind: chunk})
            rows += _insert(cells, run, select, params)
    return rows


def full(cells: Cells, run, years: list[int]) -> int:
    """Every own row, then the subtree sums level by level, then every scope's
    rows: the area scopes from their covers' roots, the agency scopes from the
    own rows summed per managing body, the nation from the own rows. The
    tables are empty (`snapshot_swap.fresh_tables`)."""
    k, cols = cells.key, cells.columns
    select, params = own_select(cells, years)
    _run(f"INSERT INTO {cells.own_table} (area_id, agency_id, year, {k}, {cols}) {select}", params)
    for sql, params in subtree_statements(cells):
        _run(sql, params)
    sources = Sources(SUBTREE, cells.own_table, by_agency(cells), roots=True)
    select, params = rollup_select(cells, sources, areas="all", agencies="all", nation=True)
    rows = _insert(cells, run, select, params)
    _run(f"DROP TABLE IF EXISTS {SUBTREE}")
    return rows


def _insert(cells: Cells, run, select: str, params: list) -> int:
    if not select:
        return 0
    names = f"scope_id, agency_id, nation, year, {cells.key}, {cells.columns}"
    return _run(
        f"INSERT INTO {cells.table} ({names}, run_id) SELECT {names}, %s FROM ({select}) x",
        [run.pk, *params],
    )
