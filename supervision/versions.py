"""One version counter for everything supervision writes: cached follow-up
tables and the bells read it (bumped after the write commits)."""

import logging

from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

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
    transaction.on_commit(_warm)


def _warm() -> None:
    from .tasks import followup_warm  # tasks import selectors, which import this module

    try:
        followup_warm.delay()
    except OperationalError:  # the broker is unreachable: readers compute them
        logger.warning("The follow-up tables' warm-up could not be enqueued")


def supervision_version() -> int:
    return cache.get(SUPERVISION) or 0


def bells_changed(user_ids) -> None:
    """Forget the unread counts of these users (after the write commits)."""
    keys = [f"bell:{pk}" for pk in set(user_ids)]
    transaction.on_commit(lambda: cache.delete_many(keys))
