"""The snapshot's SQL (DESIGN §4–§5), set-based and the same on PostgreSQL and
SQLite:

- own rows: what the units of an area under a managing body add to a year's
  cells (`own_select`), for every area or for the claimed area × year pairs
  (the temporary table `figures_claim`);
- roll-ups: own rows (or their differences) summed to the area scopes through
  the cover table, to the nation, and to the agency scopes (`rollup_select`);
- subtree sums: the full rebuild rolls the own rows up level by level and
  joins only each cover's roots (`subtree_build`).
"""

import dataclasses
import datetime as dt

from ..choices import SUCCESSION, AreaLevel
from ..choices import StaffingCategory as C
from ..models import (
    AgencyCover,
    AgencySuccession,
    Area,
    AreaCover,
    OwnDelta,
    OwnFigure,
    ReductionDelta,
    ReductionFigure,
    Restructuring,
    RestructuringLink,
    StaffingFigure,
    Unit,
)

QUOTA = (C.CIVIL_SERVANT, C.BUDGET_EMPLOYEE)
CLAIM = "figures_claim"  # (area_id, year, day, start): the pairs a run recomputes
SUBTREE = "figures_subtree"


@dataclasses.dataclass(frozen=True)
class Cells:
    """The figures or the waterfall's cells: their table, their own rows, the
    column a cell is keyed by beside its scope and year, and what it sums."""

    model: type
    own: type
    key: str
    measures: tuple[str, ...]
    all_key: str | None  # the key of the row that sums the others (figures only)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def own_table(self) -> str:
        return self.own._meta.db_table

    def sums(self, prefix: str = "s.", alias: bool = False) -> str:
        return ", ".join(f"SUM({prefix}{m})" + (f" AS {m}" if alias else "") for m in self.measures)

    def nonzero(self, prefix: str = "") -> str:
        return " OR ".join(f"SUM({prefix}{m}) <> 0" for m in self.measures)

    @property
    def columns(self) -> str:
        return ", ".join(self.measures)


FIGURES = Cells(
    ReductionFigure,
    OwnFigure,
    "sector",
    ("units", "autonomous", "staff_assigned", "staff_actual", "staff_vacancy"),
    ReductionFigure.ALL,
)
DELTAS = Cells(ReductionDelta, OwnDelta, "kind", ("created", "ceased"), None)
CELLS = (FIGURES, DELTAS)


def t(model) -> str:
    return model._meta.db_table


def years_values(years: list[int]) -> tuple[str, list]:
    """`y(year, day, start)`: each year's 31/12 and the 31/12 before it."""
    rows = ", ".join(["(%s, %s, %s)"] * len(years))
    params = [v for year in years for v in (year, dt.date(year, 12, 31), dt.date(year - 1, 12, 31))]
    return f"y(year, day, start) AS (VALUES {rows})", params


# The links that created or ended units (`l`), with their decision (`r`), their
# unit (`u`) and, for a transfer, the unit at the other end (`other`: the copy
# of a source, the source of a copy).
DELTA_LINKS = f"""{t(RestructuringLink)} l
    JOIN {t(Restructuring)} r ON r.id = l.restructuring_id
    JOIN {t(Unit)} u ON u.id = l.unit_id
    LEFT JOIN {t(RestructuringLink)} pair ON r.kind = 'transfer' AND l.ceases
        AND pair.restructuring_id = l.restructuring_id AND pair.copy_of_id = l.unit_id
    LEFT JOIN {t(Unit)} other ON other.id = COALESCE(l.copy_of_id, pair.unit_id)"""
# The kind a link counts under in the waterfall: a transfer from a body to its
# successor on the day of the succession is the succession's, not a transfer
# (DESIGN §4.4): a merged department does not "receive" its predecessor's units.
DELTA_KIND = f"""CASE WHEN r.kind = 'transfer' AND EXISTS (
        SELECT 1 FROM {t(AgencySuccession)} s WHERE s.effective_on = r.effective_on
        AND s.predecessor_id = CASE WHEN l.created THEN other.parent_id ELSE u.parent_id END
        AND s.successor_id = CASE WHEN l.created THEN u.parent_id ELSE other.parent_id END)
    THEN '{SUCCESSION}' ELSE r.kind END"""


def own_select(cells: Cells, years: list[int] | None) -> tuple[str, list]:
    """The own rows (area_id, agency_id, year, key, measures…), none of them
    all zero: for these years in every area, or (years None) for the pairs of
    `figures_claim`."""
    if years is None:
        with_y, params = "", []
        y = CLAIM
        at = "AND y.area_id = u.area_id"
    else:
        with_y, params = years_values(years)
        with_y, y, at = f"WITH {with_y}", "y", ""
    if cells is FIGURES:
        parts = f"""
            SELECT u.area_id, u.parent_id, y.year, u.sector, COUNT(*) AS units,
                   SUM(CASE WHEN u.autonomy_group IN (1, 2) THEN 1 ELSE 0 END) AS autonomous,
                   0 AS staff_assigned, 0 AS staff_actual, 0 AS staff_vacancy
            FROM {t(Unit)} u
            JOIN {y} y ON u.established_on <= y.day
                AND (u.closed_on IS NULL OR u.closed_on > y.day) {at}
            WHERE u.kind = 'service'
            GROUP BY u.area_id, u.parent_id, y.year, u.sector
            UNION ALL
            SELECT u.area_id, CASE WHEN u.kind = 'agency' THEN u.id ELSE u.parent_id END,
                   f.year, u.sector, 0, 0, SUM(COALESCE(f.assigned, 0)),
                   SUM(COALESCE(f.actual, 0)),
                   SUM(CASE WHEN f.assigned > f.actual THEN f.assigned - f.actual ELSE 0 END)
            FROM {t(StaffingFigure)} f JOIN {t(Unit)} u ON u.id = f.unit_id
            JOIN {y} y ON y.year = f.year {at}
            WHERE f.category IN (%s, %s)
            GROUP BY u.area_id, CASE WHEN u.kind = 'agency' THEN u.id ELSE u.parent_id END,
                     f.year, u.sector"""
        params += list(QUOTA)
    else:
        # One row per link here (its kind needs the pair of a transfer); the
        # grouping below sums them.
        parts = f"""
            SELECT u.area_id, u.parent_id, y.year, {DELTA_KIND} AS kind,
                   CASE WHEN l.created THEN 1 ELSE 0 END AS created,
                   CASE WHEN l.ceases THEN 1 ELSE 0 END AS ceased
            FROM {DELTA_LINKS}
            JOIN {y} y ON r.effective_on > y.start AND r.effective_on <= y.day {at}
            WHERE u.kind = 'service' AND r.reversed_at IS NULL AND (l.created OR l.ceases)"""
    sql = f"""{with_y}
        SELECT area_id, parent_id AS agency_id, year, {cells.key}, {cells.sums("", alias=True)}
        FROM ({parts}) own
        GROUP BY area_id, parent_id, year, {cells.key}
        HAVING {cells.nonzero()}"""
    return sql, params


def _in(column: str, ids) -> tuple[str, list]:
    if ids is None:
        return "", []
    ids = sorted(ids) or [0]
    return f"AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


NONE = "CAST(NULL AS BIGINT)"  # typed, for PostgreSQL's UNION
COUNTS = """(c.last_year IS NULL OR (c.last_year >= s.year
    AND (c.first_year IS NULL OR c.first_year <= s.year)))"""


@dataclasses.dataclass(frozen=True)
class Sources:
    """Where a roll-up reads its rows (area_id, agency_id, year, key, measures):
    for the area scopes (through every cover row, or through the roots only
    when it holds subtree sums), the nation and the agency scopes."""

    areas: str
    nation: str
    agencies: str
    roots: bool = False


def rollup_select(
    cells: Cells, sources: Sources, *, areas=None, agencies=None, nation: bool = False
) -> tuple[str, list]:
    """SELECT scope_id, agency_id, nation, year, key, measures…: the rows summed
    to the area scopes (`areas`: "all" or ids), to the agency scopes (the same)
    and to the nation, with each scope's all-sector row."""
    parts, params = [], []
    k, sums = cells.key, cells.sums()
    if areas is not None:
        where, ids = _in("c.scope_id", None if areas == "all" else areas)
        root = "AND c.root" if sources.roots else ""
        parts.append(f"""
            SELECT c.scope_id, {NONE}, FALSE, s.year, s.{k}, {sums}
            FROM {sources.areas} s JOIN {t(AreaCover)} c ON c.area_id = s.area_id {root}
            WHERE {COUNTS} {where}
            GROUP BY c.scope_id, s.year, s.{k}""")
        params += ids
    if nation:
        parts.append(f"""
            SELECT {NONE}, {NONE}, TRUE, s.year, s.{k}, {sums} FROM {sources.nation} s
            GROUP BY s.year, s.{k}""")
    if agencies is not None:
        where, ids = _in("c.scope_id", None if agencies == "all" else agencies)
        parts.append(f"""
            SELECT {NONE}, c.scope_id, FALSE, s.year, s.{k}, {sums}
            FROM {sources.agencies} s JOIN {t(AgencyCover)} c ON c.member_id = s.agency_id
            WHERE 1 = 1 {where}
            GROUP BY c.scope_id, s.year, s.{k}""")
        params += ids
    if not parts:
        return "", []
    cols = f"scope_id, agency_id, nation, year, {k}, {cells.columns}"
    sql = f"WITH per_key ({cols}) AS ({' UNION ALL '.join(parts)}) SELECT {cols} FROM per_key"
    if cells.all_key:
        sql += f"""
            UNION ALL
            SELECT scope_id, agency_id, nation, year, %s, {cells.sums("", alias=True)}
            FROM per_key GROUP BY scope_id, agency_id, nation, year"""
        params.append(cells.all_key)
    return sql, params


def by_agency(cells: Cells) -> str:
    """The own rows summed per managing body (the agency roll-up's source)."""
    return f"""(SELECT agency_id, year, {cells.key}, {cells.sums("", alias=True)}
        FROM {cells.own_table}
        WHERE agency_id IS NOT NULL GROUP BY agency_id, year, {cells.key})"""


def subtree_statements(cells: Cells) -> list[tuple[str, list]]:
    """Fill `figures_subtree` with each area's subtree sums, level by level:
    each area's own rows, then each commune's rows added to its parent, then
    each district's (own and its communes') to its province. Rows of one area
    are summed when they are read."""
    k, cols = cells.key, cells.columns
    area = t(Area)
    statements = [
        (f"DROP TABLE IF EXISTS {SUBTREE}", []),
        (
            f"""CREATE TEMP TABLE {SUBTREE} AS
            SELECT area_id, year, {k}, {cells.sums("", alias=True)} FROM {cells.own_table}
            GROUP BY area_id, year, {k}""",
            [],
        ),
    ]
    for level in (AreaLevel.COMMUNE, AreaLevel.DISTRICT):
        statements.append(
            (
                f"""INSERT INTO {SUBTREE} (area_id, year, {k}, {cols})
            SELECT a.parent_id, s.year, s.{k}, {cells.sums()} FROM {SUBTREE} s
            JOIN {area} a ON a.id = s.area_id
            WHERE a.level = %s AND a.parent_id IS NOT NULL
            GROUP BY a.parent_id, s.year, s.{k}""",
                [level],
            )
        )
    return statements
