"""Load the supervision demo through the same services supervisors and clerks
use (so every write is validated and audited)."""

import datetime as dt

from django.db import transaction

from units.models import Area, Unit, User

from ..choices import SessionStatus
from ..models import Plan, Session, SupervisoryBody
from ..services.plans import TaskRow, plan_save
from ..services.report import FindingRow, RecommendationRow, report_file
from ..services.sessions import (
    SessionData,
    session_create,
    session_publish,
    session_transition,
    working_session_add,
)
from .data import BODIES, PLANS, SESSIONS

ORDER = list(SessionStatus)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _area(key: str) -> Area:
    level = {"p": "province", "d": "district"}[key[0]]
    return Area.objects.get(level=level, code=key[1:], valid_from=None)


def _unit(code: str) -> Unit:
    return Unit.objects.filter(code=code).order_by("established_on", "id").first()


def _ward_committees() -> list[Unit]:
    wards = Area.objects.filter(parent=_area("d009"), valid_from=None).values("code")
    codes = [f"01{code}" for code in wards.values_list("code", flat=True)]
    return sorted((_unit(code) for code in codes if _unit(code)), key=lambda u: u.code)


def load_bodies() -> dict[str, SupervisoryBody]:
    bodies = {}
    for key, name, kind, level, area, members in BODIES:
        body, _created = SupervisoryBody.objects.get_or_create(
            name=name, defaults={"kind": kind, "level": level, "area": _area(area)}
        )
        body.members.add(*User.objects.filter(username__in=members))
        bodies[key] = body
    return bodies


def load_session(spec: dict, body: SupervisoryBody, actor: User) -> None:
    if Session.objects.filter(body=body, decision_number=spec["decision_number"]).exists():
        return
    units = [_unit(code) for code in spec["units"] if code != "wards"]
    wards = _ward_committees() if "wards" in spec["units"] else []
    data = SessionData(
        body_id=body.pk,
        decision_number=spec["decision_number"],
        decision_date=_day(spec["decision_date"]),
        topic=spec["topic"][0].upper() + spec["topic"][1:],
        kind="thematic",
        period_from=spec["period"][0],
        period_to=spec["period"][1],
        unit_ids=[unit.pk for unit in [*units, *wards]],
        lead_id=body.members.values_list("pk", flat=True).first(),
        member_ids=list(body.members.values_list("pk", flat=True)),
    )
    session = session_create(actor=actor, data=data)
    for code, day, place in spec["working"]:
        working_session_add(
            actor=actor, session_id=session.pk, unit_id=_unit(code).pk, date=_day(day), place=place
        )
    days = spec.get("ward_days", [])
    for i, ward in enumerate(wards):
        day = _day(days[min(i * len(days) // max(len(wards), 1), len(days) - 1)])
        working_session_add(
            actor=actor, session_id=session.pk, unit_id=ward.pk, date=day, place=ward.name
        )
    for status in (SessionStatus.NOTIFIED, SessionStatus.IN_PROGRESS):
        session_transition(actor=actor, session_id=session.pk, target=status)
    report = dict(spec["report"], report_date=_day(spec["report"]["report_date"]))
    report_file(
        actor=actor,
        session_id=session.pk,
        header=report,
        findings=[FindingRow(kind=kind, text=text) for kind, text in spec["findings"]],
        recommendations=[
            RecommendationRow(unit_id=_unit(code).pk, text=text, due=_day(due), priority=priority)
            for code, text, due, priority in spec["recommendations"]
        ],
    )
    target = ORDER.index(SessionStatus(spec["status"]))
    for status in ORDER[ORDER.index(SessionStatus.REPORT_FILED) : target + 1]:
        session_transition(actor=actor, session_id=session.pk, target=status)
    session_publish(actor=actor, session_id=session.pk, publish=True)


def load_plans(actor: User) -> None:
    for spec in PLANS:
        area = _area(spec["area"])
        if Plan.objects.filter(area=area, number=spec["number"]).exists():
            continue
        data = {
            "number": spec["number"],
            "date": _day(spec["date"]),
            "issuer": spec["issuer"],
            "title": spec["title"],
            "implements": spec["implements"],
            "area": area,
        }
        tasks = [
            TaskRow(
                title=title,
                responsible_unit_id=_unit(code).pk,
                due_on=_day(due),
                progress=progress,
                status=status,
                weight=weight,
            )
            for title, code, due, progress, status, weight in spec["tasks"]
        ]
        plan_save(actor=actor, plan_id=None, data=data, tasks=tasks)


@transaction.atomic
def load_demo() -> None:
    """The bodies, the three sessions of the articles and the two plans."""
    admin = User.objects.get(username="admin")
    bodies = load_bodies()
    for spec in SESSIONS:
        body = bodies[spec["body"]]
        actor = body.members.first() or admin
        load_session(spec, body, actor)
    load_plans(admin)
