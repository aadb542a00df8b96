"""Reading the dashboards' snapshot in tests (the pages read it through
`units.selectors.dashboards`; no production code needs it by year)."""

from collections.abc import Iterable

from units.models import Area, ReductionFigure, Unit
from units.models.snapshot import figure_scope_q


def figures_of(
    scope: Area | Unit | None, years: Iterable[int], sector: str = ReductionFigure.ALL
) -> dict[int, ReductionFigure]:
    """The snapshot rows of a scope (None: the nation) by year."""
    rows = ReductionFigure.objects.filter(
        figure_scope_q(scope), year__in=list(years), sector=sector
    )
    return {row.year: row for row in rows}
