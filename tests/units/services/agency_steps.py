"""The property test's steps about managing bodies (issue 26): bodies merged
or consolidated with the units they manage, a body split in two with its units
shared out; and the direct counts through the bodies' lineage, walked here
without the cover tables or the snapshot's SQL."""

import datetime as dt
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F

from tests.units.services.exercised import refused, tally_applied
from units.choices import SUCCESSION
from units.choices import RestructuringKind as K
from units.models import AgencySuccession, RestructuringLink, Unit
from units.services.agency_mergers import agencies_merge
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply, restructuring_reverse


def _live(top: Unit, day: dt.date) -> list[Unit]:
    return list(Unit.objects.agencies().active_on(day).exclude(pk=top.pk).order_by("id"))


def merge_bodies(tally: Counter, admin, top: Unit, pick: int, day: dt.date, reverse: bool):
    """Two bodies merge with their units (one into the other, or both into a
    new one); a merge drawn to be reversed is reversed at once."""
    live = _live(top, day)
    if len(live) < 2:
        return
    source, target = live[pick % len(live)], live[(pick + 1) % len(live)]
    decision = Decision(f"{pick}/QĐ-SN", day, day, "UBND")
    new = NewUnit(name=f"Sở hợp nhất {pick}") if pick % 3 == 0 else None
    try:
        ending = agencies_merge(
            actor=admin,
            decision=decision,
            source_ids=[source.pk, target.pk] if new else [source.pk],
            target_id=None if new else target.pk,
            new_body=new,
        )
    except ValidationError as error:
        refused(tally, "agency merge", error)
        return
    if reverse:
        try:
            restructuring_reverse(restructuring_id=ending.pk, actor=admin, reason="Nhầm")
        except ValidationError as error:  # a new body that manages units stays
            refused(tally, "agency merge reversal", error)
            reverse = False
    tally_applied(tally, "agency merge", reverse)


def split_body(tally: Counter, admin, top: Unit, pick: int, day: dt.date):
    """A body split in two new bodies, its units shared out between them."""
    live = _live(top, day)
    if not live:
        return
    body = live[pick % len(live)]
    decision = Decision(f"{pick}/QĐ-CT", day, day, "UBND")
    try:
        with transaction.atomic():
            split = restructuring_apply(
                actor=admin,
                kind=K.SPLIT,
                decision=decision,
                source_ids=[body.pk],
                new_units=[NewUnit(name=f"Sở A {pick}"), NewUnit(name=f"Sở B {pick}")],
                children_follow=True,
            )
            heirs = [link.unit_id for link in split.links.filter(created=True).order_by("id")]
            units = list(Unit.objects.active_on(day).filter(parent=body).order_by("id"))
            for i, heir in enumerate(heirs):
                share = [u.pk for u in units[i :: len(heirs)]]
                if share:
                    restructuring_apply(
                        actor=admin,
                        kind=K.TRANSFER,
                        decision=decision,
                        source_ids=share,
                        new_parent_id=heir,
                    )
    except ValidationError as error:
        refused(tally, "agency split", error)
        return
    tally_applied(tally, "agency split")


def agency_members(scope: Unit) -> set[int]:
    """The bodies an agency scope counts: those below it and, through the
    lineage, each ended body whose single successor it counts, and theirs."""
    ending = AgencySuccession.objects.filter(predecessor__closed_by=F("restructuring"))
    only = (
        ending.values("predecessor")
        .annotate(n=Count("successor", distinct=True))
        .filter(n=1)
        .values_list("predecessor", flat=True)
    )
    continued = set(only)
    found, frontier = {scope.pk}, {scope.pk}
    while frontier:
        below = set(
            Unit.objects.agencies().filter(parent__in=frontier).values_list("pk", flat=True)
        )
        heirs = ending.filter(successor__in=frontier, predecessor__in=continued)
        frontier = (below | set(heirs.values_list("predecessor_id", flat=True))) - found
        found |= frontier
    return found


def kind_counted(link: RestructuringLink) -> str:
    """The kind a link counts under: a transfer between a body and its
    successor, on the day of the succession, is the succession's."""
    r = link.restructuring
    if r.kind != K.TRANSFER:
        return r.kind
    if link.created:
        before, after = link.copy_of.parent_id, link.unit.parent_id
    else:
        copy = RestructuringLink.objects.get(restructuring=r, copy_of=link.unit)
        before, after = link.unit.parent_id, copy.unit.parent_id
    handed = AgencySuccession.objects.filter(
        predecessor_id=before, successor_id=after, effective_on=r.effective_on
    )
    return SUCCESSION if handed.exists() else K.TRANSFER
