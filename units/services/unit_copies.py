"""The copy of a unit that a transfer creates. It sits below the restructuring
checks and imports nothing from them, so that the service's plan and the
national generator can build the copy one way."""

import datetime as dt

from ..models import Area, Unit


def transfer_copy(
    source: Unit, *, day: dt.date, parent: Unit | None = None, area: Area | None = None
) -> Unit:
    """The unit as it continues from `day` under `parent` (at its level) and in
    `area`; None keeps the source's. The copy takes over the source's code and
    keeps its kind, sector and group, which already met the table's rules."""
    return Unit(
        kind=source.kind,
        name=source.name,
        name_folded=source.name_folded,
        code=source.code,
        parent=parent if parent is not None else source.parent,
        area=area if area is not None else source.area,
        level=parent.level if parent is not None else source.level,
        sector=source.sector,
        autonomy_group=source.autonomy_group,
        established_on=day,
    )
