"""Marking figures stale: the outbox of scopes × years that the recompute reads,
written in the transaction of the change (DESIGN §5)."""

import contextlib
import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from reformwatch.queue import after_commit, enqueue

from ..audit import audit_bulk
from ..audit_chain import chain_lock
from ..models import Area, RecomputeMark, RecomputeRun, Unit, User
from .stale_marks import stale_pairs

# By its registered name: units.tasks imports the services (a cycle otherwise).
FIGURES_RECOMPUTE = "units.tasks.figures_recompute"
# Up while a write-triggered recompute (or an admin's full one) is queued:
# `recompute` lowers it as it starts; it expires in case the queued task is
# lost (the sweep catches up with marks; an admin may ask again).
RECOMPUTE_QUEUED = "figures:recompute-queued"
FULL_QUEUED = "figures:recompute-all-queued"
QUEUED_FOR = 300
# The year of a mark that asks the next run to compare the covers: a write
# that adds, moves or ends an area, a lineage link or an agency leaves one
# (the minute's sweep compares them anyway, for a change made elsewhere).
COVERS = 0


def area_chain(area: Area) -> list[Area]:
    """The area and the areas above it, nearest first."""
    chain = [area]
    while chain[-1].parent_id is not None and len(chain) < 3:
        chain.append(chain[-1].parent)
    return chain


def areas_of(units: Iterable[Unit]) -> list[Area]:
    """Every area a change of these units touches: theirs and those above."""
    found: dict[int, Area] = {}
    for unit in units:
        for area in area_chain(unit.area):
            found[area.pk] = area
    return list(found.values())


def figures_mark_stale(*, areas: Iterable[Area], since: dt.date, covers: bool = False) -> None:
    """Mark the areas' figures of every year from `since` to this year as stale
    (an area named twice is marked once: PostgreSQL refuses an upsert that
    would touch a row twice); `covers`: the change added, moved or ended an
    area, a lineage link or an agency, so the next run compares the covers
    (a mark of year `COVERS`)."""
    areas = list(areas)
    pairs = stale_pairs(areas=areas, since=since)
    if covers:
        pairs += [(area.pk, COVERS) for area in areas]
    # The audit chain's head first: every writer that marks audits in the same
    # transaction, before or after. One lock order (head, then marks): a
    # decision that marked then audited and a staffing save that audited then
    # marked, on the same area at once, deadlocked and one was answered 503.
    with transaction.atomic(savepoint=False):
        chain_lock()
        RecomputeMark.objects.bulk_create(
            [RecomputeMark(area_id=area, year=year) for area, year in dict.fromkeys(pairs)],
            update_conflicts=True,
            unique_fields=["area", "year"],
            update_fields=["marked_at"],
        )
    after_commit(_request_recompute)


def _request_recompute(everything: bool = False, rerun_of: int | None = None) -> None:
    """Enqueue one recompute for any number of writes: while one is queued (the
    flag is up until a run starts and takes the marks), a write's marks wait for
    it; an admin's full run likewise. If the broker cannot be reached the change
    stands and the marks wait for the sweeper (DESIGN §5); a cache that cannot
    be read enqueues anyway (django-redis answers None then). `rerun_of`: the
    sweeper's full run in place of that interrupted one (`figures_rerun`)."""
    try:
        added = cache.add(FULL_QUEUED if everything else RECOMPUTE_QUEUED, True, QUEUED_FOR)
    except Exception:  # the cache is an accelerator: an error reads as a miss
        added = None
    first = added is not False
    if first:
        if rerun_of is not None:
            enqueue(FIGURES_RECOMPUTE, "schedule", True, rerun_of)
        else:
            enqueue(FIGURES_RECOMPUTE, *(("manual", True) if everything else ("write",)))


def figures_recompute_starting(everything: bool = False) -> None:
    """A run is starting and will take every mark there is: lower its flag (a
    full run lowers both), so that a request from now on asks for a run of its
    own."""
    with contextlib.suppress(Exception):  # the cache is down: the flag expires
        cache.delete_many([RECOMPUTE_QUEUED, FULL_QUEUED] if everything else [RECOMPUTE_QUEUED])


def figures_recompute_all(*, actor: User) -> None:
    """An admin's full recompute: audited, and enqueued once the request commits
    (run at once where tasks are eager). Refused to anyone else."""
    if not actor.is_admin:
        raise PermissionDenied
    audit_bulk(
        actor=actor,
        action="figures.recompute_all",
        object_type="units.recomputerun",
        label=str(_("Full recompute of the figures")),
        after={},
    )
    after_commit(lambda: _request_recompute(everything=True))


def figures_rerun(interrupted: RecomputeRun) -> None:
    """The system's full recompute in place of a full run whose process died
    (the sweeper's, `recompute._close_dead_runs`): audited with no actor, and
    requested like an admin's (none more while a full run is queued) once the
    sweeper's transaction commits."""
    audit_bulk(
        actor=None,
        action="figures.rerun",
        object_type="units.recomputerun",
        label=str(_("Full recompute of the figures")),
        after={"interrupted": interrupted.pk},
    )
    after_commit(lambda: _request_recompute(everything=True, rerun_of=interrupted.pk))
