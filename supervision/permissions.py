"""Who may do what in supervision: a body's members (supervisors) edit its
sessions and judge the answers; clerks whose scope holds the addressed unit
answer; plans are kept by the clerks of their area. Everyone signed in reads."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from units.choices import Role
from units.models import Unit, User
from units.scope import area_ids, reads_own_scope_only, scope_q, unit_in_scope

from .models import Plan, Recommendation, Session, SupervisoryBody


def is_body_supervisor(user: User, body_id: int) -> bool:
    """Admins, and supervisors who are members of the body."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return Role.SUPERVISOR in user.roles and user.supervisory_bodies.filter(pk=body_id).exists()


def bodies_of(user: User):
    """The bodies whose sessions the user may create: all for admins, their own
    for supervisors, none for others."""
    if user.is_authenticated and user.is_admin:
        return SupervisoryBody.objects.all()
    if not user.is_authenticated or Role.SUPERVISOR not in user.roles:
        return SupervisoryBody.objects.none()
    return user.supervisory_bodies.all()


def may_edit_session(user: User, session: Session) -> bool:
    return is_body_supervisor(user, session.body_id)


def may_respond(user: User, recommendation: Recommendation) -> bool:
    """Clerks whose scope holds the addressed unit, and admins."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return Role.CLERK in user.roles and unit_in_scope(user, recommendation.addressed_unit)


def _official_in_scope(user: User) -> bool:
    """An official with a scope: reads only what concerns it."""
    return reads_own_scope_only(user) and bool(user.scope_area_id or user.scope_unit_id)


def visible_sessions(user: User, queryset: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions a user reads: all, or for an official with a scope those of a
    body of that scope or at a unit inside it."""
    if not _official_in_scope(user):
        return queryset
    at_units = Session.supervised_units.through.objects.filter(
        session=OuterRef("pk"), unit__in=Unit.objects.filter(scope_q(user))
    )
    of_body = Q(body__area_id__in=area_ids(user.scope_area)) if user.scope_area_id else Q()
    if not user.scope_area_id:
        return queryset.filter(Exists(at_units))
    return queryset.filter(Exists(at_units) | of_body)


def may_read_session(user: User, session: Session) -> bool:
    if not user.is_authenticated:
        return False
    return visible_sessions(user, Session.objects.filter(pk=session.pk)).exists()


def may_read_recommendation(user: User, recommendation: Recommendation) -> bool:
    """Everyone signed in but an official outside the addressed unit's scope."""
    if not user.is_authenticated:
        return False
    if not _official_in_scope(user):
        return True
    return unit_in_scope(user, recommendation.addressed_unit)


def may_read_attachment(user: User, recommendation: Recommendation) -> bool:
    """An answer's attachment: the addressee's clerks, the body's supervisors,
    officials of the scope and admins."""
    if not user.is_authenticated:
        return False
    if may_respond(user, recommendation) or is_body_supervisor(
        user, recommendation.session.body_id
    ):
        return True
    return Role.OFFICIAL in user.roles and unit_in_scope(user, recommendation.addressed_unit)


def may_create_plan(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or Role.CLERK in user.roles)


def may_edit_plan(user: User, plan: Plan) -> bool:
    """Clerks whose scope covers the plan's area (national clerks all), and admins."""
    if not may_create_plan(user):
        return False
    if user.is_admin or not (user.scope_area_id or user.scope_unit_id):
        return True
    if user.scope_area_id:
        return plan.area_id in area_ids(user.scope_area)
    return plan.area_id == user.scope_unit.area_id


def pickable_units(user: User, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units a user may put on a session: admins any, others those of their
    scope (all for a national scope)."""
    if user.is_authenticated and user.is_admin:
        return queryset
    return queryset.filter(scope_q(user))
