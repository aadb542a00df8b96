"""One version counter for everything supervision writes: cached follow-up
tables and the bells read it (bumped after the write commits; units/versions.py
keeps the counters, and owes a bump the cache refuses)."""

from django.core.cache import cache
from django.db import transaction

from reformwatch.queue import enqueue_on_commit
from units.versions import SUPERVISION, bump, supervision_version

__all__ = ["SUPERVISION", "bells_changed", "supervision_changed", "supervision_version"]


def supervision_changed() -> None:
    """Bump the version after commit, then have the national follow-up tables
    computed again (by the worker; in this process in the embedded mode)."""
    transaction.on_commit(lambda: bump(SUPERVISION), robust=True)
    # By name: supervision.tasks imports the selectors, which import this module.
    # If the broker is unreachable, readers compute the tables themselves.
    enqueue_on_commit("supervision.tasks.followup_warm")


def bells_changed(user_ids) -> None:
    """Forget the unread counts of these users (after the write commits). A
    cache that refuses is no error: the bells' stamps hold the supervision
    version, which moves on when the cache is back."""
    keys = [f"bell:{pk}" for pk in set(user_ids)]
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
