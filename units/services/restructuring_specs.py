"""What a restructuring is asked to do, as plain values: the decision and the
units it creates. The rules (`restructuring_rules`) and the checks
(`restructuring_checks`) both read them, so they live below both."""

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class Decision:
    """The legal decision: its number, dates and issuing authority."""

    number: str
    decided_on: dt.date
    effective_on: dt.date
    authority: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class NewUnit:
    """A unit the restructuring creates; blank fields are taken from the sources."""

    name: str
    code: str = ""
    kind: str = ""
    sector: str = ""
    autonomy_group: int | None = None
    parent_id: int | None = None
    area_id: int | None = None
    level: str = ""
    staff_moved: int | None = None
