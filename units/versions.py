"""Version counters in the cache that say when cached reads must be recomputed:
the shape of the area tree (loads and admin edits of areas) and the registry of
units (every restructuring applied or annulled, every unit edit). Bumped after
the transaction commits; a missing counter reads as 0."""

from django.core.cache import cache
from django.db import transaction

AREAS = "version:areas"
REGISTRY = "version:registry"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def areas_changed() -> None:
    transaction.on_commit(lambda: _bump(AREAS))


def registry_changed() -> None:
    transaction.on_commit(lambda: _bump(REGISTRY))


def areas_version() -> int:
    return cache.get(AREAS) or 0


def registry_version() -> int:
    return cache.get(REGISTRY) or 0
