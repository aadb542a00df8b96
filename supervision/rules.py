"""The step deadlines of a session, from the legal rules in force on its
decision date (LegalRule: data with a period of validity)."""

import dataclasses
import datetime as dt

from django.db.models import Q

from .choices import LegalStep
from .models import LegalRule, Session


def applicable_rule(step: str, body_kind: str, on: dt.date) -> LegalRule | None:
    """The rule for `step` in force on `on`: the body kind's own rule if there
    is one, else the rule for every kind."""
    rules = LegalRule.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        valid_from__lte=on,
        step=step,
        body_kind__in=[body_kind, ""],
    )
    # The body kind's own rule sorts before the general one ("" sorts first).
    return max(rules, key=lambda rule: (rule.body_kind != "", rule.valid_from), default=None)


@dataclasses.dataclass(frozen=True)
class StepDeadline:
    step: str
    label: str
    due: dt.date | None
    rule: LegalRule | None
    # before: the step must happen `days` ahead of `due`'s anchor (a notice).
    before: bool = False


def step_deadlines(session: Session, working_dates: list[dt.date]) -> list[StepDeadline]:
    """Each legal step of the session with its date: the plan after the
    decision, the notice before the first working session, the report after
    the last one, and the answers after the report."""
    on, kind = session.decision_date, session.body.kind
    first = min(working_dates, default=None)
    last = max(working_dates, default=None)
    anchors = {
        LegalStep.PLAN_SENT: (session.decision_date, 1),
        LegalStep.SESSION_NOTICE: (first, -1),
        LegalStep.REPORT_DUE: (last, 1),
        LegalStep.RESPONSE_DUE: (session.report_date, 1),
    }
    found = []
    for step, (anchor, sign) in anchors.items():
        rule = applicable_rule(step, kind, on)
        due = anchor + dt.timedelta(days=sign * rule.days) if rule and anchor else None
        found.append(StepDeadline(step, str(LegalStep(step).label), due, rule, before=sign < 0))
    return found


def response_due(session: Session, report_date: dt.date) -> dt.date | None:
    """The default due date of the session's recommendations: the report date
    plus the days the law gives to answer."""
    rule = applicable_rule(LegalStep.RESPONSE_DUE, session.body.kind, session.decision_date)
    return report_date + dt.timedelta(days=rule.days) if rule else None
