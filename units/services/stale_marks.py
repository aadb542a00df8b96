"""Which figures a write makes stale: the area × year pairs of the outbox
(DESIGN §5), worked out without a query so that the service and the bulk
generator mark the same pairs (`figures_mark_stale` writes them one change at a
time)."""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from ..models import Area


def stale_pairs(
    *, areas: Iterable[Area], since: dt.date, today: dt.date | None = None
) -> list[tuple[int, int]]:
    """(area id, year) for each area and every year from `since` to this year: a
    change dated in the past moves every figure computed since."""
    this_year = (today or timezone.localdate()).year
    years = range(since.year, max(since.year, this_year) + 1)
    return [(area.pk, year) for area in areas for year in years]
