"""Managing bodies merged with the units they manage (Nghị định 45/2025: Sở Lao
động - Thương binh và Xã hội into Sở Nội vụ, Sở Tài nguyên và Môi trường with Sở
Nông nghiệp và Phát triển nông thôn as Sở Nông nghiệp và Môi trường…): the
units are transferred to the successor on the effective day, and the bodies
merge into it (an existing body) or are consolidated into a new one, in one
transaction, through the restructuring service. The succession it records
makes the successor's figures start from its predecessors' (DESIGN §4.2)."""

from django.db import transaction

from ..choices import RestructuringKind as K
from ..models import Restructuring, Unit, User
from .restructuring_specs import Decision, NewUnit
from .restructurings import restructuring_apply


@transaction.atomic
def agencies_merge(
    *,
    actor: User,
    decision: Decision,
    source_ids: list[int],
    target_id: int | None = None,
    new_body: NewUnit | None = None,
) -> Restructuring:
    """Merge the bodies `source_ids` into `target_id`, or consolidate them into
    `new_body`, with the units they manage on the day; the decision that ends
    the bodies is returned. Every rule of each step holds (all or nothing)."""
    day = decision.effective_on
    ending = None
    if new_body is not None:
        # The new body first (its predecessors' units follow at once).
        ending = restructuring_apply(
            actor=actor,
            kind=K.CONSOLIDATE,
            decision=decision,
            source_ids=source_ids,
            new_units=[new_body],
            children_follow=True,
        )
        target_id = ending.links.get(created=True).unit_id
    managed = Unit.objects.active_on(day).filter(parent_id__in=source_ids).order_by("id")
    moving = list(managed.values_list("pk", flat=True))
    if moving:
        restructuring_apply(
            actor=actor,
            kind=K.TRANSFER,
            decision=decision,
            source_ids=moving,
            new_parent_id=target_id,
        )
    if ending is None:
        ending = restructuring_apply(
            actor=actor, kind=K.MERGE, decision=decision, source_ids=source_ids, target_id=target_id
        )
    return ending
