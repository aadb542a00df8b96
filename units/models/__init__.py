"""Models by domain: areas, the registry of units and restructurings, figures
bookkeeping, staffing, accounts and the audit log."""

from .accounts import User
from .areas import Area, AreaLineage
from .audit import AuditChainHead, AuditEntry, AuditLink, Heartbeat
from .figures import (
    AgencyCover,
    AreaCover,
    RecomputeMark,
    RecomputeRun,
    Target,
)
from .lineage import AgencySuccession
from .registry import Restructuring, RestructuringLink, Unit, UnitQuerySet
from .snapshot import OwnDelta, OwnFigure, ReductionDelta, ReductionFigure
from .staffing import StaffingFigure, StaffingImport
from .tokens import ApiToken

__all__ = [
    "AgencyCover",
    "AgencySuccession",
    "ApiToken",
    "Area",
    "AreaCover",
    "AreaLineage",
    "AuditChainHead",
    "AuditEntry",
    "AuditLink",
    "Heartbeat",
    "OwnDelta",
    "OwnFigure",
    "RecomputeMark",
    "RecomputeRun",
    "ReductionDelta",
    "ReductionFigure",
    "Restructuring",
    "RestructuringLink",
    "StaffingFigure",
    "StaffingImport",
    "Target",
    "Unit",
    "UnitQuerySet",
    "User",
]
