"""Version counters in the cache that say when cached reads must be recomputed:
the shape of the area tree (loads and admin edits of areas) and the registry of
units (every restructuring applied or annulled, every unit edit), and the
staffing figures (every save, import or generated set), and the dashboards'
snapshot (every recompute swap, every target edit), and supervision's writes.
Bumped after the transaction commits.

Redis is an accelerator (DESIGN §6), so the counters never make an error nor a
stale read of their own:
- a counter that cannot be read is unknown: the read is computed, and its key
  is one nothing was ever cached under (for a few seconds after, the process
  does not ask again);
- a counter that is missing (Redis restarted empty, or evicted it) starts at a
  new epoch (the time in microseconds), never at a value used before;
- a bump that cannot be written is logged and owed, in the database (a
  `Heartbeat` row named `cache-versions`): the process's first successful
  cache read after it, and the sweeper every minute (`units.tasks`), bump every
  counter once the cache answers again. The sweeper also bumps every counter
  when Redis restarted (its run id changed): a restart from an older snapshot
  loses the bumps made since."""

import contextlib
import hashlib
import logging
import socket
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import Heartbeat

T = TypeVar("T")
logger = logging.getLogger(__name__)

AREAS = "version:areas"
REGISTRY = "version:registry"
STAFFING = "version:staffing"
FIGURES = "version:figures"
SUPERVISION = "version:supervision"  # supervision/versions.py's
COUNTERS = (AREAS, REGISTRY, STAFFING, FIGURES, SUPERVISION)
OWED = "cache-versions"  # the Heartbeat row of a bump owed: when it failed, where
SERVER = "version:server"  # the Redis run id the sweeper saw last

# After the cache failed to answer, this process takes the counters as unknown
# for a few seconds without asking: a Redis that hangs costs each command its
# timeout, and a page reads the counters several times.
DOWN_FOR = 5.0
_down_until = 0.0
_owed = False  # this process failed a bump since it last settled


def _down() -> bool:
    return time.monotonic() < _down_until


def _went_down() -> None:
    global _down_until
    _down_until = time.monotonic() + DOWN_FOR


def bump(key: str) -> None:
    """Move `key` on (after a commit). Never raises: the write it follows has
    committed. A bump the cache refuses is logged and owed."""
    try:
        done = not _down() and _incr(key)
    except Exception:  # any cache error: the write stands
        logger.warning("%s not bumped: the cache failed", key, exc_info=True)
        done = False
    if not done:
        _went_down()
        _owe(key)


def _incr(key: str) -> bool:
    """Whether the cache took the bump (django-redis answers None when it could
    not reach Redis, IGNORE_EXCEPTIONS)."""
    try:
        return cache.incr(key) is not None
    except ValueError:  # missing: a new epoch
        added = cache.add(key, _epoch(), None)
        if added is None:
            return False
        return added or cache.incr(key) is not None  # or set meanwhile: moved on


def _leap(key: str) -> bool:
    """Move `key` on to now's epoch at least: past any value it had before a
    restart from a snapshot lost its last bumps (a bump that comes meanwhile
    adds to it)."""
    current = cache.get(key)
    if not isinstance(current, int):
        return _incr(key)
    return cache.incr(key, max(1, _epoch() - current)) is not None


def _epoch() -> int:
    """Microseconds now: above any value a counter of an earlier epoch reached
    (one bump per committed write)."""
    return time.time_ns() // 1000


def _owe(key: str) -> None:
    global _owed
    _owed = True
    logger.warning("%s not bumped: owed until the cache answers (the sweeper catches up)", key)
    try:
        Heartbeat.objects.update_or_create(
            name=OWED,
            defaults={"last_run_at": timezone.now(), "hostname": socket.gethostname()[:120]},
        )
    except Exception:  # the database is gone too: nothing to answer for
        logger.exception("The owed bump of %s could not be recorded", key)


def versions_owed_since():
    """When a bump that is still owed failed (None: none is)."""
    return Heartbeat.objects.filter(name=OWED).values_list("last_run_at", flat=True).first()


def versions_settle() -> bool:
    """Bump every counter if a bump is owed or Redis restarted, when the cache
    answers; True when nothing is owed any more. The sweeper runs it every
    minute; a process that failed a bump, at its first successful read. Never
    raises."""
    try:
        return _settle()
    except Exception:  # the database or the cache failed in between: next time
        logger.warning("The cache versions could not be settled", exc_info=True)
        return False


def _settle() -> bool:
    global _owed
    owed = versions_owed_since()
    if owed is None and not _restarted():
        _owed = False
        return True
    if not all(_leap(key) for key in COUNTERS):
        return False
    if owed is not None:  # a bump that failed after this read stays owed
        Heartbeat.objects.filter(name=OWED, last_run_at=owed).delete()
        logger.warning("Every cache version bumped: bumps owed since %s", owed)
    _owed = False
    return True


def _restarted() -> bool:
    """Redis's run id changed since the last sweep saw it (django-redis only)."""
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    if get_client is None:
        return False
    try:
        run_id = get_client(write=True).info("server")["run_id"]
    except Exception:  # noqa: BLE001 - unreachable: nothing to settle yet
        return False
    seen = cache.get(SERVER)
    if seen == run_id:
        return False
    cache.set(SERVER, run_id, None)
    if seen is not None:
        logger.warning("Redis restarted (run id %s, was %s): every version bumped", run_id, seen)
    return True


def counters(*keys: str, also: tuple = ()) -> tuple[dict[str, str], dict]:
    """The counters' values as strings, and what the cache holds under the
    keys `also`, in one round trip. An unknown counter (the cache cannot be
    read) reads as a value of its own that nothing was cached under."""
    found = None if _down() else _read([*keys, *also])
    if found is None:
        return _unknown(keys), {}
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        for key in missing:
            if cache.add(key, _epoch(), None) is None:
                _went_down()
                return _unknown(keys), {}
        found |= _read(missing) or {}
        if any(found.get(key) is None for key in missing):
            return _unknown(keys), {}
    if _owed:  # this process owes a bump: the values read are behind
        if not versions_settle():
            return _unknown(keys), {}
        return counters(*keys, also=also)
    return {key: str(found[key]) for key in keys}, found


def _read(keys: list[str]) -> dict | None:
    try:
        return cache.get_many(keys)
    except Exception:  # noqa: BLE001 - another backend's error: unknown
        _went_down()
        return None


def _unknown(keys) -> dict[str, str]:
    return {key: f"?{uuid.uuid4().hex[:12]}" for key in keys}


def known(version: str) -> bool:
    return "?" not in version


def areas_changed() -> None:
    transaction.on_commit(lambda: bump(AREAS), robust=True)


def registry_changed() -> None:
    transaction.on_commit(lambda: bump(REGISTRY), robust=True)


def staffing_changed() -> None:
    transaction.on_commit(lambda: bump(STAFFING), robust=True)


def figures_swapped() -> None:
    """The recompute committed new figures (called after its transaction)."""
    bump(FIGURES)


def figures_changed() -> None:
    """What the dashboards show besides the snapshot changed (a target)."""
    transaction.on_commit(lambda: bump(FIGURES), robust=True)


FIGURES_DEPEND_ON = (FIGURES, REGISTRY, AREAS, STAFFING)


def figures_version() -> str:
    """Everything a dashboard shows depends on: the snapshot (and targets), the
    decisions behind the waterfall, the areas' names, the marks still waiting
    (set by registry and staffing writes)."""
    return _joined(counters(*FIGURES_DEPEND_ON)[0])  # one round trip


def _joined(found: dict) -> str:
    return ":".join(found[key] for key in FIGURES_DEPEND_ON)


def figures_cached(key: str, *plain: str | None) -> tuple:
    """The figures' version, what is cached under `key` for that version (None
    if nothing is), and what is cached under each `plain` key (None: not
    asked), in one cache read. A cache that cannot be read is a miss, and its
    version "" (nothing is stored under it)."""
    values, found = counters(*FIGURES_DEPEND_ON, also=(key, *filter(None, plain)))
    version = _joined(values)
    if not known(version):
        return "", None, *(None for _key in plain)
    stored = found.get(key)
    value = stored[1] if stored and stored[0] == version else None
    return version, value, *(found.get(other) if other else None for other in plain)


def figures_store(key: str, version: str, value, timeout: int = 3600) -> None:
    """Keep `value` for `figures_cached` under the version it was computed at."""
    if not version:
        return
    with contextlib.suppress(Exception):  # the page was answered: the cache is a courtesy
        cache.set(key, (version, value), timeout)


def staffing_version() -> str:
    return counters(STAFFING)[0][STAFFING]


def areas_version() -> str:
    return counters(AREAS)[0][AREAS]


def registry_version() -> str:
    return counters(REGISTRY)[0][REGISTRY]


def supervision_version() -> str:
    return counters(SUPERVISION)[0][SUPERVISION]


def data_version() -> str:
    """Both versions: what a cached read of units or areas depends on."""
    found = counters(REGISTRY, AREAS)[0]  # one round trip
    return f"{found[REGISTRY]}:{found[AREAS]}"


def cached(key: str, compute: Callable[[], T], *, timeout: int = 3600) -> T:
    """`compute()`, cached under `key` (whose versions say when it is stale);
    computed alone when a version in the key is unknown."""
    if not known(key):
        return compute()
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
