"""The reference query of the snapshot (DESIGN §4–§5): common table expressions
that count every cell straight from the units, for the chosen scopes (area
ids, or every area at once) and the nation. Each builder returns SQL ending in
a CTE `result` and its parameters. The recompute no longer runs it (it keeps
own rows and sums them: `snapshot_sql`); the benchmark times it as the limit a
full run is compared with, and a test checks the snapshot holds its cells."""

import dataclasses
import datetime as dt

from ..choices import StaffingCategory as C
from ..models import (
    AgencyCover,
    Area,
    AreaCover,
    ReductionFigure,
    StaffingFigure,
    Unit,
)
from .snapshot_sql import DELTA_KIND, DELTA_LINKS

QUOTA = (C.CIVIL_SERVANT, C.BUDGET_EMPLOYEE)
EVERY_AREA = "every area"  # a full run: one statement, no list of ids
COLUMNS = "scope_id, year, sector, units, autonomous, staff_assigned, staff_actual, staff_vacancy"
DELTA_COLUMNS = "scope_id, year, kind, created, ceased"

# A scope counts only in the years it existed, except today's areas, which are
# compared with their predecessors (lineage) in any year.
_EXISTED = """(s.valid_to IS NULL OR (s.valid_to >= b.day
    AND (s.valid_from IS NULL OR s.valid_from <= b.day)))"""


@dataclasses.dataclass(frozen=True)
class Dimension:
    """What the scopes are: areas (their units by location, each scope only in
    the years it existed, and the nation) or agencies (their units by managing
    body, every year)."""

    key: str  # the units' column the base is grouped by
    cover: str  # the table of each scope's members
    member: str  # its column matched against the key
    column: str  # the snapshot's column that holds the scope
    staff_key: str  # the key of a staffing row's unit (an agency's own staff: itself)

    @property
    def areas(self) -> bool:
        return self.cover == "cover"


AREAS = Dimension("u.area_id", "cover", "area_id", "scope_id", "u.area_id")
AGENCIES = Dimension(
    "u.parent_id",
    "agency_cover",
    "member_id",
    "agency_id",
    "CASE WHEN u.kind = 'agency' THEN u.id ELSE u.parent_id END",
)


def tables() -> dict[str, str]:
    models = {
        "unit": Unit,
        "cover": AreaCover,
        "agency_cover": AgencyCover,
        "area": Area,
        "staffing": StaffingFigure,
        "figure": ReductionFigure,
    }
    return {name: model._meta.db_table for name, model in models.items()}


def _years(years: list[int]) -> tuple[str, list]:
    """`y(year, day, start)`: each year's 31/12 and the 31/12 before it."""
    rows = ", ".join(["(%s, %s, %s)"] * len(years))
    params = [
        value
        for year in years
        for value in (year, dt.date(year, 12, 31), dt.date(year - 1, 12, 31))
    ]
    return f"y(year, day, start) AS (VALUES {rows})", params


def _limit(scopes, nation: bool, dim: Dimension, key: str = "") -> tuple[str, list]:
    """Only the units the chosen scopes cover, unless every scope (or the
    nation, which needs them all) is recomputed. The covered ids are listed
    (not a subquery), so that the planner sees how few they are and reads the
    units and their staffing by index (a subquery was planned as a scan of
    every unit: 330 ms for a handful of agencies)."""
    if scopes == EVERY_AREA or not scopes or nation:
        return "", []
    cover = AgencyCover if dim is AGENCIES else AreaCover
    members = cover.objects.filter(scope_id__in=scopes).values_list(dim.member, flat=True)
    members = sorted(set(members)) or [0]
    return f"AND {key or dim.key} IN ({', '.join(['%s'] * len(members))})", members


def _rollup(scopes, nation: bool, dim: Dimension, keys: str, sums: str) -> tuple[list, list]:
    """The SELECTs that roll `base` (one row per key × year × keys) up to the
    scopes through their cover table (an area only in the years it existed)
    and to the nation."""
    parts, params = [], []
    if scopes:
        scope_in = ""
        if scopes != EVERY_AREA:
            scope_in = f"AND c.scope_id IN ({', '.join(['%s'] * len(scopes))})"
            params += list(scopes)
        existed = ""
        if dim.areas:
            existed = f"JOIN {tables()['area']} s ON s.id = c.scope_id AND {_EXISTED}"
        parts.append(
            f"""SELECT c.scope_id, b.year, {keys}, {sums}
            FROM base b JOIN {tables()[dim.cover]} c ON c.{dim.member} = b.key_id {existed}
            WHERE 1 = 1 {scope_in}
            GROUP BY c.scope_id, b.year, {keys}"""
        )
    if nation:
        parts.append(f"SELECT NULL, b.year, {keys}, {sums} FROM base b GROUP BY b.year, {keys}")
    return parts, params


def _sums(prefix: str, names) -> str:
    return ", ".join(f"SUM({prefix}{name})" for name in names)


def figures_sql(
    areas, years: list[int], *, nation: bool, dim: Dimension = AREAS
) -> tuple[str, list]:
    """The figures of the scopes and the nation (COLUMNS): the units and staff
    of each area × year × sector counted once (`base`), rolled up to the
    scopes, and the all-sector totals added."""
    names = ("units", "autonomous", "staff_assigned", "staff_actual", "staff_vacancy")
    parts, rollup_params = _rollup(areas, nation, dim, "b.sector", _sums("b.", names))
    if not parts:
        return "", []
    t = tables()
    y, params = _years(years)
    limit, limit_params = _limit(areas, nation, dim)
    staff_limit, staff_params = _limit(areas, nation, dim, dim.staff_key)
    params += [*limit_params, *QUOTA, *staff_params, *rollup_params, ReductionFigure.ALL]
    sql = f"""
        WITH {y},
        base(key_id, year, day, sector, units, autonomous, staff_assigned, staff_actual,
             staff_vacancy) AS (
            SELECT {dim.key}, y.year, y.day, u.sector, COUNT(*),
                   SUM(CASE WHEN u.autonomy_group IN (1, 2) THEN 1 ELSE 0 END), 0, 0, 0
            FROM {t["unit"]} u
            JOIN y ON u.established_on <= y.day AND (u.closed_on IS NULL OR u.closed_on > y.day)
            WHERE u.kind = 'service' {limit}
            GROUP BY {dim.key}, y.year, y.day, u.sector
            UNION ALL
            SELECT {dim.staff_key}, f.year, y.day, u.sector, 0, 0, SUM(COALESCE(f.assigned, 0)),
                   SUM(COALESCE(f.actual, 0)),
                   SUM(CASE WHEN f.assigned > f.actual THEN f.assigned - f.actual ELSE 0 END)
            FROM {t["staffing"]} f JOIN {t["unit"]} u ON u.id = f.unit_id
            JOIN y ON y.year = f.year
            WHERE f.category IN (%s, %s) {staff_limit}
            GROUP BY {dim.staff_key}, f.year, y.day, u.sector),
        per_sector({COLUMNS}) AS ({" UNION ALL ".join(parts)}),
        result AS (
            SELECT {COLUMNS} FROM per_sector
            UNION ALL
            SELECT scope_id, year, %s, {_sums("", names)} FROM per_sector
            GROUP BY scope_id, year)"""
    return sql, params


def deltas_sql(
    areas, years: list[int], *, nation: bool, dim: Dimension = AREAS
) -> tuple[str, list]:
    """The waterfall's cells (DELTA_COLUMNS): for each scope, year and kind of
    restructuring, the service units that decisions in force that year (and
    not reversed) created and ended, counted at each unit's area."""
    parts, rollup_params = _rollup(areas, nation, dim, "b.kind", _sums("b.", ("created", "ceased")))
    if not parts:
        return "", []
    y, params = _years(years)
    limit, limit_params = _limit(areas, nation, dim)
    params += [*limit_params, *rollup_params]
    sql = f"""
        WITH {y},
        base(key_id, year, day, kind, created, ceased) AS (
            SELECT key_id, year, day, kind, SUM(created), SUM(ceased) FROM (
                SELECT {dim.key} AS key_id, y.year, y.day, {DELTA_KIND} AS kind,
                       CASE WHEN l.created THEN 1 ELSE 0 END AS created,
                       CASE WHEN l.ceases THEN 1 ELSE 0 END AS ceased
                FROM {DELTA_LINKS}
                JOIN y ON r.effective_on > y.start AND r.effective_on <= y.day
                WHERE u.kind = 'service' AND r.reversed_at IS NULL AND (l.created OR l.ceases)
                    {limit}) per_link
            GROUP BY key_id, year, day, kind),
        result({DELTA_COLUMNS}) AS ({" UNION ALL ".join(parts)})"""
    return sql, params
