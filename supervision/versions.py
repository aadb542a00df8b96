"""One version counter for everything supervision writes: cached follow-up
tables and the bells read it (bumped after the write commits)."""

from django.core.cache import cache
from django.db import transaction

SUPERVISION = "version:supervision"


def _bump() -> None:
    try:
        cache.incr(SUPERVISION)
    except ValueError:
        cache.set(SUPERVISION, 1, None)


def supervision_changed() -> None:
    transaction.on_commit(_bump)


def supervision_version() -> int:
    return cache.get(SUPERVISION) or 0


def bells_changed(user_ids) -> None:
    """Forget the unread counts of these users (after the write commits)."""
    keys = [f"bell:{pk}" for pk in set(user_ids)]
    transaction.on_commit(lambda: cache.delete_many(keys))
