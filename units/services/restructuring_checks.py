"""The checks a restructuring must pass, each as cheap as one query for all the
units it concerns: counts per kind, units free on the date, bodies that leave no
units behind, and new units valid where their managing body works."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext as _

from ..choices import RestructuringKind, UnitKind
from ..models import Area, Restructuring, RestructuringLink, Unit
from ..models.registry import MAX_STAFF_MOVED
from .figures import area_chain
from .restructuring_specs import NewUnit
from .unit_copies import transfer_copy

K = RestructuringKind


def date_text(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


# What a refusal is called when another decision got to the unit first (the API
# answers it with 409 Conflict).
CONFLICT = "conflict"


def fail(message: str, field: str | None = None, code: str | None = None):
    error = ValidationError(message, code=code)
    raise ValidationError({field: [error]} if field else error)


def check_counts(kind: str, n_sources: int, has_target: bool, n_new: int) -> None:
    rules = {
        K.ESTABLISH: (
            n_sources == 0 and not has_target and n_new == 1,
            _("Establishing needs no source unit and exactly one new unit."),
        ),
        K.MERGE: (
            n_sources >= 1 and has_target and n_new == 0,
            _(
                "A merger needs at least one unit to absorb and exactly one existing "
                "unit that absorbs them."
            ),
        ),
        K.CONSOLIDATE: (
            n_sources >= 2 and not has_target and n_new == 1,
            _("A consolidation needs at least two units and exactly one new unit."),
        ),
        K.SPLIT: (
            n_sources == 1 and not has_target and n_new >= 2,
            _("A split needs exactly one unit and at least two new units."),
        ),
        K.SPIN_OFF: (
            n_sources == 1 and not has_target and n_new >= 1,
            _("A spin-off needs exactly one unit and at least one new unit."),
        ),
        K.DISSOLVE: (
            n_sources >= 1 and not has_target and n_new == 0,
            _("A dissolution needs at least one unit and no result."),
        ),
        K.EQUITIZE: (
            n_sources >= 1 and not has_target and n_new == 0,
            _("An equitization needs at least one unit and no result."),
        ),
        K.TRANSFER: (
            n_sources >= 1 and not has_target and n_new == 0,
            _("A transfer needs at least one unit and its new managing body or area."),
        ),
        K.RENAME: (
            n_sources == 1 and not has_target and n_new == 0,
            _("Renaming needs exactly one unit."),
        ),
    }
    if kind not in rules:
        fail(_("Unknown kind of restructuring."), "kind")
    ok, message = rules[kind]
    if not ok:
        fail(message)


def lock_units(ids: list[int], lock: bool) -> dict[int, Unit]:
    queryset = Unit.objects.select_related("area__parent__parent", "parent")
    if lock:
        # Lock in id order so that two clerks never wait on each other in a cycle.
        queryset = queryset.select_for_update(of=("self",)).order_by("id")
    found = {u.pk: u for u in queryset.filter(pk__in=ids)}
    missing = set(ids) - set(found)
    if missing:
        fail(_("Some chosen units no longer exist."))
    return found


def later_link(unit_ids: list[int], day: dt.date, *, exclude: int | None = None):
    """The latest standing decision on or after `day` that touches one of the units.
    Being created on `day` does not count: a body established on 1/7/2025 may
    absorb others that day. A unit has few links: they are all read (through the
    index on the unit) and the latest is picked here, which stays fast when the
    day has thousands of decisions (1/7/2025) and none concerns these units."""
    links = (
        RestructuringLink.objects.filter(
            Q(restructuring__effective_on__gt=day)
            | Q(restructuring__effective_on=day, created=False),
            unit_id__in=unit_ids,
            restructuring__reversed_at__isnull=True,
        )
        .exclude(restructuring_id=exclude)
        .select_related("restructuring", "unit")
    )
    return max(links, key=lambda link: link.restructuring.effective_on, default=None)


def check_units_free(units: list[Unit], day: dt.date) -> None:
    """Each unit is active on `day` and no decision touches any of them on or after
    `day`: one query for all of them (two when one was closed meanwhile)."""
    for unit in units:
        if unit.closed_on is not None and unit.closed_on <= day:
            if unit.closed_by_id:
                # Read in a new statement: after waiting for a row lock, PostgreSQL
                # rechecks the locked row but joins come from the older snapshot.
                closer = Restructuring.objects.get(pk=unit.closed_by_id)
                fail(
                    _(
                        "Unit %(unit)s has already been restructured by decision "
                        "%(decision)s (effective %(date)s)."
                    )
                    % {
                        "unit": unit.name,
                        "decision": closer.decision_number,
                        "date": date_text(unit.closed_on),
                    },
                    code=CONFLICT,
                )
            fail(
                _("Unit %(unit)s had closed on %(date)s.")
                % {"unit": unit.name, "date": date_text(unit.closed_on)},
                code=CONFLICT,
            )
        if unit.established_on > day:
            fail(
                _("The effective date %(date)s is before unit %(unit)s was established (%(est)s).")
                % {
                    "date": date_text(day),
                    "unit": unit.name,
                    "est": date_text(unit.established_on),
                },
                "effective_on",
            )
    later = later_link([unit.pk for unit in units], day) if units else None
    if later is not None:
        fail(
            _(
                "Unit %(unit)s has already been restructured by decision %(decision)s "
                "(effective %(date)s)."
            )
            % {
                "unit": later.unit.name,
                "decision": later.restructuring.decision_number,
                "date": date_text(later.restructuring.effective_on),
            },
            code=CONFLICT,
        )


def build_result(spec: NewUnit, template: Unit | None, day: dt.date) -> Unit:
    """A new unit from its spec, blanks taken from `template`; not yet checked."""

    def pick(value, attr, fallback=None):
        if value not in ("", None):
            return value
        return getattr(template, attr) if template is not None else fallback

    unit = Unit(
        name=spec.name.strip(),
        code=spec.code.strip(),
        kind=pick(spec.kind, "kind", UnitKind.SERVICE),
        sector=pick(spec.sector, "sector", ""),
        autonomy_group=pick(spec.autonomy_group, "autonomy_group"),
        parent_id=pick(spec.parent_id, "parent_id"),
        area_id=pick(spec.area_id, "area_id"),
        level=pick(spec.level, "level"),
        established_on=day,
    )
    if unit.kind == UnitKind.AGENCY:
        unit.autonomy_group, unit.sector = None, ""
    if not unit.name:
        fail(_("Each new unit needs a name."))
    if spec.staff_moved is not None and not 0 <= spec.staff_moved <= MAX_STAFF_MOVED:
        fail(
            _("New unit %(unit)s: the staff moved must be a number from 0 to %(max)s.")
            % {
                "unit": unit.name,
                "max": formats.number_format(MAX_STAFF_MOVED, force_grouping=True),
            }
        )
    if unit.area_id is None or not unit.level:
        fail(_("New unit %(unit)s needs an area and a management level.") % {"unit": unit.name})
    return unit


def check_no_units_left_behind(ceasing: list[Unit], source_ids: list[int], day: dt.date):
    """A body that ceases must not leave units it manages under a closed record:
    they move (or cease) first, or in the same decision. One query."""
    agencies = [unit.pk for unit in ceasing if unit.kind == UnitKind.AGENCY]
    if not agencies:
        return
    left = (
        Unit.objects.active_on(day)
        .filter(parent_id__in=agencies)
        .exclude(pk__in=source_ids)
        .values("parent_id")
        .annotate(n=Count("id"))
        .order_by("parent_id")
        .first()
    )
    if left is not None:
        body = next(unit for unit in ceasing if unit.pk == left["parent_id"])
        fail(
            _(
                "%(body)s still manages %(n)s active units on that date: transfer them "
                "to another body first (or include them in this decision)."
            )
            % {"body": body.name, "n": left["n"]}
        )


def _within(area: Area, top: Area) -> bool:
    return any(a.pk == top.pk for a in area_chain(area))


def transfer_specs(
    sources: list[Unit], destinations: dict[int, tuple[int | None, int | None]], day: dt.date
) -> list[Unit]:
    """The copies a transfer creates, each under its new managing body (an agency
    active on the day; the source's own when unchanged) and in its new area (valid
    on the day; the source's when unchanged). Two queries for any number of units;
    each copy is `transfer_copy`'s, as the national generator makes it."""
    parent_ids = {p for p, _a in destinations.values() if p}
    area_ids = {a for _p, a in destinations.values() if a}
    parents = Unit.objects.agencies().active_on(day).select_related("area").in_bulk(parent_ids)
    areas = Area.objects.valid_on(day).select_related("parent__parent").in_bulk(area_ids)
    copies = []
    for source in sources:
        parent_id, area_id = destinations[source.pk]
        if parent_id is not None and parent_id not in parents:
            fail(_("The new managing body is not an agency active on the effective date."))
        if parent_id == source.pk:
            fail(_("A unit cannot be transferred to itself."))
        if area_id is not None and area_id not in areas:
            fail(_("The new area is not valid on the effective date."))
        copy = transfer_copy(
            source,
            day=day,
            parent=parents[parent_id] if parent_id else None,
            area=areas[area_id] if area_id else None,
        )
        copies.append(copy)
    return copies


def check_results(results: list[Unit]) -> None:
    """Validate the new units: their areas and managing bodies fetched once for
    all of them, then each row's own rules."""
    areas = Area.objects.select_related("parent__parent").in_bulk({u.area_id for u in results})
    parents = Unit.objects.select_related("area").in_bulk(
        {u.parent_id for u in results if u.parent_id}
    )
    for unit in results:
        if unit.area_id not in areas or (unit.parent_id and unit.parent_id not in parents):
            fail(_("Some chosen units no longer exist."))
        unit.area = areas[unit.area_id]
        if unit.parent_id:
            unit.parent = parents[unit.parent_id]
            if not _within(unit.area, unit.parent.area):
                # A new unit lies where its managing body works (a transfer,
                # which does not come here, may send one elsewhere).
                fail(
                    _("New unit %(unit)s: its area must lie within %(area)s, where %(body)s is.")
                    % {"unit": unit.name, "area": unit.parent.area.name, "body": unit.parent.name}
                )
        try:
            unit.full_clean(exclude=["closed_by", "area", "parent"])
        except ValidationError as error:
            raise ValidationError(
                [
                    _("New unit %(unit)s: %(error)s") % {"unit": unit.name, "error": m}
                    for m in error.messages
                ]
            ) from error
