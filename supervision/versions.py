"""One version counter for everything supervision writes: cached follow-up
tables and the bells read it (bumped after the write commits)."""

from django.core.cache import cache
from django.db import transaction

from reformwatch.queue import enqueue_on_commit

SUPERVISION = "version:supervision"


def _bump() -> None:
    try:
        cache.incr(SUPERVISION)
    except ValueError:
        cache.set(SUPERVISION, 1, None)


def supervision_changed() -> None:
    """Bump the version after commit, then have the national follow-up tables
    computed again (by the worker; in this process in the embedded mode)."""
    transaction.on_commit(_bump)
    # By name: supervision.tasks imports the selectors, which import this module.
    # If the broker is unreachable, readers compute the tables themselves.
    enqueue_on_commit("supervision.tasks.followup_warm")


def supervision_version() -> int:
    return cache.get(SUPERVISION) or 0


def bells_changed(user_ids) -> None:
    """Forget the unread counts of these users (after the write commits)."""
    keys = [f"bell:{pk}" for pk in set(user_ids)]
    transaction.on_commit(lambda: cache.delete_many(keys))
