"""Applying and reversing restructurings (DESIGN §3–§4): one service for every
kind, validated by `restructuring_plan` and written in one transaction under row
locks, audited once, with the affected scopes × years marked for recompute."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..audit import audit_record, audit_save
from ..choices import LinkRole, UnitKind
from ..models import AgencySuccession, Restructuring, RestructuringLink, Unit, User
from ..models.staffing import QUOTA_OF_KIND, quota_year
from ..versions import registry_changed
from .agency_lineage import handover_areas, succession_relying_on
from .decision_files import decision_file_check, decision_file_delete, decision_file_store
from .figures import areas_of, figures_mark_stale
from .restructuring_checks import date_text, fail, later_link, lock_units
from .restructuring_rows import (
    DecisionRows,
    restructuring_audit_rows,
    restructuring_rows,
    restructuring_summary,
)
from .restructuring_rules import (
    RENAMEABLE,
    can_restructure,
    restructuring_plan,
    reversal_allowed,
)
from .staffing import staffing_assign

ALREADY_RECORDED = gettext_lazy(
    "This form has already been confirmed; the decision is recorded only once."
)


def restructuring_apply(
    *,
    actor: User,
    decision_file: UploadedFile | None = None,
    submission_key: str | None = None,
    quotas: dict[str, int] | None = None,
    **plan_kwargs,
) -> Restructuring:
    """Apply a restructuring of any kind: validate under row locks, close the
    sources, create the results, audit once and mark the scopes for recompute.
    A decision file is stored only if everything else holds, and removed again if
    the transaction does not commit (so it must be the outermost one). A form
    confirmed twice (`submission_key`) records once: the second gets an error."""
    rows = restructuring_apply_rows(
        actor=actor,
        decision_file=decision_file,
        submission_key=submission_key,
        quotas=quotas,
        **plan_kwargs,
    )
    return rows.restructuring


def restructuring_apply_rows(
    *,
    actor: User,
    decision_file: UploadedFile | None = None,
    submission_key: str | None = None,
    quotas: dict[str, int] | None = None,
    **plan_kwargs,
) -> DecisionRows:
    """`restructuring_apply`, returning every row it wrote: the bulk area changes
    map each unit to the copy that continues it (`results`, in source order)."""
    if decision_file is not None:
        decision_file_check(decision_file)
    stored: list[str] = []
    try:
        with transaction.atomic(durable=decision_file is not None):
            rows = _apply(actor, decision_file, stored, submission_key, plan_kwargs)
            if quotas:
                _assign_quotas(actor, rows, quotas)
            return rows
    except BaseException as error:
        for name in stored:
            decision_file_delete(name)
        if (
            isinstance(error, IntegrityError)
            and submission_key
            and Restructuring.objects.filter(submission_key=submission_key).exists()
        ):
            # The same form confirmed at the same moment: the other one won.
            raise ValidationError(ALREADY_RECORDED, code="already_recorded") from error
        raise


def _apply(actor, decision_file, stored: list[str], submission_key, plan_kwargs) -> DecisionRows:
    """Validate under locks, then save the rows `restructuring_rows` builds (the
    national generator writes the same rows in bulk)."""
    if submission_key and Restructuring.objects.filter(submission_key=submission_key).exists():
        raise ValidationError(ALREADY_RECORDED, code="already_recorded")
    plan = restructuring_plan(lock=True, **plan_kwargs)
    if not can_restructure(actor, plan):
        raise PermissionDenied
    rows = restructuring_rows(plan=plan, actor=actor, submission_key=submission_key)
    restructuring = rows.restructuring
    # The plan checked the kind and the dates (the table's rules), and the key's
    # uniqueness is the database's to enforce: no query per check here.
    restructuring.full_clean(
        exclude=["created_by", "reversed_by", "decision_file"],
        validate_unique=False,
        validate_constraints=False,
    )
    if decision_file is not None:
        restructuring.decision_file = decision_file_store(restructuring, decision_file)
        stored.append(restructuring.decision_file.name)
    restructuring.save()
    # One statement for every unit that ceases (a bulk transfer closes thousands).
    Unit.objects.filter(pk__in=[unit.pk for unit in rows.closed]).update(
        closed_on=restructuring.effective_on, closed_by=restructuring
    )
    for unit in rows.closed:
        unit.closed_by = restructuring  # again, now that the decision has its id
    for unit in rows.renamed:
        unit.full_clean(exclude=["closed_by"])
        unit.save(update_fields=list(plan.renamed))
    Unit.objects.bulk_create(rows.results, batch_size=1000)
    RestructuringLink.objects.bulk_create(rows.links, batch_size=1000)
    AgencySuccession.objects.bulk_create(rows.successions)
    _mark(restructuring, rows.areas, [link.unit for link in rows.links], rows.successions)
    registry_changed()
    audit_save(
        *restructuring_audit_rows(restructuring=restructuring, links=rows.links, actor=actor)
    )
    return rows


def _mark(restructuring: Restructuring, areas, units, successions) -> None:
    """Mark the figures the decision moves: the areas of its units and, where
    it records or removes successions, of the units handed over between the
    bodies that day; the covers too when it names a managing body."""
    day = restructuring.effective_on
    pairs = [(s.predecessor, s.successor) for s in successions]
    areas = {area.pk: area for area in [*areas, *handover_areas(pairs, day)]}
    agencies = any(unit.kind == UnitKind.AGENCY for unit in units)
    figures_mark_stale(areas=areas.values(), since=day, covers=agencies)


def _assign_quotas(actor: User, rows: DecisionRows, quotas: dict[str, int]) -> None:
    """The quotas the clerk confirmed with the decision (keys "r0", the first unit
    created; "u12", an existing unit it leaves), through the staffing service."""
    units = {f"r{i}": unit for i, unit in enumerate(rows.results)}
    units |= {f"u{link.unit.pk}": link.unit for link in rows.links if not link.created}
    chosen = {}
    for key, assigned in quotas.items():
        unit = units.get(key)
        if unit is None or unit.kind not in QUOTA_OF_KIND:
            raise ValidationError(_("A quota was given for a unit this decision does not leave."))
        chosen[(unit.pk, QUOTA_OF_KIND[unit.kind])] = assigned
    restructuring = rows.restructuring
    year = quota_year(restructuring.effective_on)
    staffing_assign(actor=actor, year=year, quotas=chosen, about=restructuring)


def _summary(restructuring: Restructuring) -> dict:
    """The audit log's description of a recorded decision, read with its links."""
    links = restructuring.links.select_related("unit").order_by("id")
    return restructuring_summary(restructuring, links)


def reversal_blocker(restructuring: Restructuring, links: list[RestructuringLink]) -> str | None:
    """Why the decision cannot be reversed now, or None: a later decision that
    depends on its units, a unit it created that is in use, or a code that
    another unit took since."""
    unit_ids = [link.unit_id for link in links]
    later = later_link(unit_ids, restructuring.effective_on, exclude=restructuring.pk)
    if later is not None:
        return _(
            "Decision %(later)s (effective %(date)s) depends on unit %(unit)s; reverse it first."
        ) % {
            "later": later.restructuring.decision_number,
            "date": date_text(later.restructuring.effective_on),
            "unit": later.unit.name,
        }
    created = [link.unit for link in links if link.created]
    for unit in created:
        if unit.children.exists() or User.objects.filter(scope_unit=unit).exists():
            return _(
                "Unit %(unit)s created by this decision is used elsewhere (it manages "
                "units or is a user's scope)."
            ) % {"unit": unit.name}
    # Annulled decisions keep their rows, and those may still name a created unit.
    elsewhere = (
        Restructuring.objects.filter(Q(links__unit__in=created) | Q(new_parent__in=created))
        .exclude(pk=restructuring.pk)
        .order_by("effective_on")
        .first()
    )
    if elsewhere is not None:
        return _(
            "A unit created by this decision is named in decision %(decision)s; "
            "that record must stay, so this decision cannot be annulled."
        ) % {"decision": elsewhere.decision_number}
    handed = succession_relying_on(restructuring, links)
    if handed is not None:
        return _(
            "Decision %(later)s records that %(body)s handed its units over by this "
            "transfer; reverse it first."
        ) % {"later": handed.restructuring.decision_number, "body": handed.predecessor.name}
    reopened = [link.unit for link in links if link.ceases and link.unit.code]
    taken = (
        Unit.objects.filter(code__in=[u.code for u in reopened], closed_on__isnull=True)
        .exclude(pk__in=[u.pk for u in created])
        .order_by("code")
        .first()
    )
    if taken is not None:
        return _(
            "Code %(code)s that this decision would give back is now used by %(unit)s; "
            "change that unit's code first."
        ) % {"code": taken.code, "unit": taken.name}
    return None


@transaction.atomic
def restructuring_reverse(*, restructuring_id: int, actor: User, reason: str) -> Restructuring:
    """Undo a restructuring that no later decision depends on: re-open its sources,
    restore renamed fields, delete the units it created; the row stays, marked."""
    restructuring = Restructuring.objects.select_for_update().get(pk=restructuring_id)
    links = list(restructuring.links.all())
    units = lock_units([link.unit_id for link in links], lock=True)
    for link in links:
        link.unit = units[link.unit_id]
    # Who may act first: a clerk outside the scope learns nothing of its state.
    if not reversal_allowed(actor, restructuring, links):
        raise PermissionDenied
    if restructuring.is_reversed:
        fail(_("This decision has already been reversed."))
    if not reason.strip():
        fail(_("Give the reason for the reversal."), "reason")
    blocker = reversal_blocker(restructuring, links)
    if blocker:
        fail(blocker)
    before = _summary(restructuring)
    created = [link.unit for link in links if link.created]
    kept = [link.unit for link in links if not link.created]
    touched_areas = areas_of(units.values())
    # The successions go first (they name the bodies it created), then the
    # created units: a transferred copy holds the code its source gets back.
    successions = list(restructuring.successions.select_related("predecessor", "successor"))
    restructuring.successions.all().delete()
    RestructuringLink.objects.filter(restructuring=restructuring, created=True).delete()
    try:
        Unit.objects.filter(pk__in=[u.pk for u in created]).delete()
    except ProtectedError:
        fail(_("A unit created by this decision is still referred to; it cannot be annulled."))
    for link in links:
        if link.role != LinkRole.SOURCE:
            continue
        unit = link.unit
        restore = {k: v for k, v in (link.before or {}).items() if k in RENAMEABLE}
        for field, value in restore.items():
            setattr(unit, field, value)
        if link.ceases:
            unit.closed_on, unit.closed_by = None, None
        unit.save(update_fields=[*restore, "closed_on", "closed_by"])
    restructuring.reversed_at = timezone.now()
    restructuring.reversed_by = actor
    restructuring.reversal_reason = reason.strip()
    restructuring.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    _mark(restructuring, touched_areas, list(units.values()), successions)
    registry_changed()
    audit_record(
        actor=actor,
        action="restructuring.reverse",
        obj=restructuring,
        before=before,
        after=_summary(restructuring),
        units=kept,
        areas=[unit.area for unit in created],
    )
    return restructuring
