"""Version counters in the cache that say when cached reads must be recomputed:
the shape of the area tree (loads and admin edits of areas) and the registry of
units (every restructuring applied or annulled, every unit edit), and the
staffing figures (every save, import or generated set), and the dashboards'
snapshot (every recompute swap, every target edit). Bumped after the
transaction commits; a missing counter reads as 0."""

import contextlib
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

AREAS = "version:areas"
REGISTRY = "version:registry"
STAFFING = "version:staffing"
FIGURES = "version:figures"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def areas_changed() -> None:
    transaction.on_commit(lambda: _bump(AREAS))


def registry_changed() -> None:
    transaction.on_commit(lambda: _bump(REGISTRY))


def staffing_changed() -> None:
    transaction.on_commit(lambda: _bump(STAFFING))


def figures_swapped() -> None:
    """The recompute committed new figures (called after its transaction)."""
    _bump(FIGURES)


def figures_changed() -> None:
    """What the dashboards show besides the snapshot changed (a target)."""
    transaction.on_commit(lambda: _bump(FIGURES))


FIGURES_DEPEND_ON = (FIGURES, REGISTRY, AREAS, STAFFING)


def figures_version() -> str:
    """Everything a dashboard shows depends on: the snapshot (and targets), the
    decisions behind the waterfall, the areas' names, the marks still waiting
    (set by registry and staffing writes)."""
    return _joined(cache.get_many(FIGURES_DEPEND_ON))  # one round trip


def _joined(found: dict) -> str:
    return ":".join(str(found.get(key) or 0) for key in FIGURES_DEPEND_ON)


def figures_cached(key: str, *plain: str | None) -> tuple:
    """The figures' version, what is cached under `key` for that version (None
    if nothing is), and what is cached under each `plain` key (None: not
    asked), in one cache read. A cache that cannot be read is a miss."""
    try:
        found = cache.get_many([*FIGURES_DEPEND_ON, key, *filter(None, plain)])
    except Exception:  # the cache is an accelerator
        return "", None, *(None for _key in plain)
    version, stored = _joined(found), found.get(key)
    value = stored[1] if stored and version and stored[0] == version else None
    return version, value, *(found.get(other) if other else None for other in plain)


def figures_store(key: str, version: str, value, timeout: int = 3600) -> None:
    """Keep `value` for `figures_cached` under the version it was computed at."""
    with contextlib.suppress(Exception):  # the page was answered: the cache is a courtesy
        cache.set(key, (version, value), timeout)


def staffing_version() -> int:
    return cache.get(STAFFING) or 0


def areas_version() -> int:
    return cache.get(AREAS) or 0


def registry_version() -> int:
    return cache.get(REGISTRY) or 0


def data_version() -> str:
    """Both versions: what a cached read of units or areas depends on."""
    return f"{registry_version()}:{areas_version()}"


def cached(key: str, compute: Callable[[], T], *, timeout: int = 3600) -> T:
    """`compute()`, cached under `key` (whose versions say when it is stale)."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_until_changed(name: str, compute: Callable[[], T], *, timeout: int = 3600) -> T:
    """`compute()`, cached until a unit or an area changes (both versions are in
    the key). `name` says what it is and for whom (day, scope, query)."""
    return cached(f"{name}:{data_version()}", compute, timeout=timeout)


def digest(*parts) -> str:
    """A short stable name for what a cached read depends on (a query's SQL and
    parameters, the language…)."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
