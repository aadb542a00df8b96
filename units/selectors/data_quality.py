"""Data quality (issue 23 point 4): checks that find records a clerk should
correct, each a set-based query restricted to the reader's scope (its rows as
plain value tuples, the first value the id its link opens), with a title and
a short text on how to fix it. The counts of a scope are cached for the data's
versions and the day (overdue and missed deadlines move with the date).

The registry holds the units checks (data_quality_units.py); other apps add
theirs from a `data_quality` module of their own, found through the app
registry (units never imports supervision, as `load_demo` finds other apps'
demo)."""

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.module_loading import module_has_submodule

from ..choices import Role
from ..models import User
from ..versions import AREAS, REGISTRY, STAFFING, SUPERVISION, cached, counters


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a check's rows: its heading, the value it reads, and the
    choices that label a coded value (a kind, a category)."""

    heading: object
    field: str
    choices: type | None = None


@dataclasses.dataclass(frozen=True)
class Check:
    """One data-quality check: `rows(user, today)` is the query of what it
    finds in the user's scope, as tuples of the columns' values after the id
    that `link` (a URL name) opens."""

    id: str
    title: object
    fix: object
    rows: Callable[[User, dt.date], QuerySet]
    columns: tuple[Column, ...]
    link: str
    order: int = 100

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(column.field for column in self.columns)


CHECKS: dict[str, Check] = {}
_discovered = False


def register(*found: Check) -> None:
    for check in found:
        CHECKS[check.id] = check


def checks() -> list[Check]:
    """Every check, in the page's order (other apps' modules imported once)."""
    global _discovered
    if not _discovered:
        import_module("units.selectors.data_quality_units")
        for app in apps.get_app_configs():
            if app.name != "units" and module_has_submodule(app.module, "data_quality"):
                import_module(f"{app.name}.data_quality")
        _discovered = True
    return sorted(CHECKS.values(), key=lambda check: (check.order, check.id))


def check_of(check_id: str) -> Check | None:
    return {check.id: check for check in checks()}.get(check_id)


def may_read_quality(user: User) -> bool:
    """Clerks, supervisors and admins read the data-quality checks."""
    return user.is_authenticated and (
        user.is_admin or bool({Role.CLERK, Role.SUPERVISOR} & user.roles)
    )


def _scope_name(user: User) -> str:
    """The key of what a user's checks cover: their own scope, whatever their
    role reads elsewhere (the checks are about what they keep)."""
    if user.scope_area_id:
        return f"a{user.scope_area_id}"
    return f"u{user.scope_unit_id}" if user.scope_unit_id else "all"


DEPENDS_ON = (REGISTRY, AREAS, STAFFING, SUPERVISION)


def quality_version(user: User, today: dt.date) -> str:
    """What the checks of a scope depend on: the data's versions (registry,
    areas, staffing, supervision; one cache read), the day and the scope."""
    found = counters(*DEPENDS_ON)[0]
    version = ":".join(found[key] for key in DEPENDS_ON)
    return f"data-quality:{version}:{today.isoformat()}:{_scope_name(user)}"


def check_counts(user: User, today: dt.date) -> dict[str, int]:
    """Each check's count in the user's scope, cached for `quality_version`
    (and kept as the scope's latest counts, which the landing page reads)."""
    key = quality_version(user, today)

    def compute() -> dict[str, int]:
        counts = {c.id: c.rows(user, today).count() for c in checks()}
        with contextlib.suppress(Exception):  # the cache is a courtesy
            cache.set(f"data-quality-latest:{_scope_name(user)}", counts, LATEST_FOR)
        return counts

    return cached(key, compute)


LATEST_FOR = 7 * 24 * 3600


def quality_total(user: User, today: dt.date) -> int | None:
    """What the landing page shows a clerk: the rows all checks find in their
    scope (None for anyone else). The counts of the data as it is when they
    are cached, else the scope's latest counts (a change since is counted by
    the data-quality page or the warm-up, not by the landing page)."""
    if not user.is_authenticated or Role.CLERK not in user.roles:
        return None
    key = quality_version(user, today)
    try:
        counts = cache.get(key) or cache.get(f"data-quality-latest:{_scope_name(user)}")
    except Exception:  # noqa: BLE001 - a cache error reads as a miss
        counts = None
    return sum((counts or check_counts(user, today)).values())


def quality_warm(today: dt.date) -> int:
    """Count the checks of every scope a reader of them has (what a task can
    run after each change, off the request path); returns how many scopes."""
    readers = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=[Role.CLERK, Role.SUPERVISOR, Role.ADMIN])
    )
    scopes = readers.values_list("scope_area_id", "scope_unit_id").distinct()
    for area_id, unit_id in scopes:
        check_counts(User(scope_area_id=area_id, scope_unit_id=unit_id), today)
    return len(scopes)
