"""The step deadlines of a session, from the legal rules in force on its
decision date (LegalRule: data with a period of validity)."""

import dataclasses
import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .choices import SENT, LegalStep, SessionStatus
from .models import LegalRule, Session


def applicable_rule(
    step: str, body_kind: str, on: dt.date, rules: list[LegalRule] | None = None
) -> LegalRule | None:
    """The rule for `step` in force on `on`: the body kind's own rule if there
    is one, else the rule for every kind. From `rules` when given (a list
    page reads the few rules once), else from the database."""
    if rules is None:
        rules = LegalRule.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            valid_from__lte=on,
            step=step,
            body_kind__in=[body_kind, ""],
        )
    else:
        rules = [
            rule
            for rule in rules
            if rule.step == step and rule.body_kind in (body_kind, "") and rule.applies_on(on)
        ]
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
    # done, late (done after its date), missed (not done, its date passed), or
    # "" (not due yet, or not something the portal can tell).
    state: str = ""


def step_state(session: Session, step: str, due: dt.date | None, today: dt.date) -> str:
    """Whether the session kept a step's deadline. The plan and the notice are
    sent once the session is notified; the report is filed with its date. The
    answers are followed per recommendation (overdue), not here."""
    if due is None or step == LegalStep.RESPONSE_DUE:
        return ""
    if step == LegalStep.REPORT_DUE:
        done, done_on = session.status in SENT, session.report_date
    else:
        done, done_on = session.status != SessionStatus.PLANNED, None
    if done:
        return "late" if done_on and done_on > due else "done"
    return "missed" if today > due else ""


def step_deadlines(
    session: Session,
    working_dates: list[dt.date],
    *,
    today: dt.date | None = None,
    rules: list[LegalRule] | None = None,
) -> list[StepDeadline]:
    """Each legal step of the session with its date and whether it was kept:
    the plan after the decision, the notice before the first working session,
    the report after the last one, and the answers after the report."""
    today = today or timezone.localdate()
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
        rule = applicable_rule(step, kind, on, rules)
        due = anchor + dt.timedelta(days=sign * rule.days) if rule and anchor else None
        label = str(LegalStep(step).label)
        state = step_state(session, step, due, today)
        found.append(StepDeadline(step, label, due, rule, before=sign < 0, state=state))
    return found


def missed_steps(sessions: list[Session], today: dt.date | None = None) -> dict[int, list[str]]:
    """The steps each session of a list page missed, by session id: from the
    sessions' first and last working dates (annotated `first_working` and
    `last_working`) and the rules read once."""
    rules = list(LegalRule.objects.all())
    found = {}
    for session in sessions:
        dates = [d for d in (session.first_working, session.last_working) if d]
        deadlines = step_deadlines(session, dates, today=today, rules=rules)
        found[session.pk] = [d.label for d in deadlines if d.state == "missed"]
    return found


def response_due(session: Session, report_date: dt.date) -> dt.date | None:
    """The default due date of the session's recommendations: the report date
    plus the days the law gives to answer."""
    rule = applicable_rule(LegalStep.RESPONSE_DUE, session.body.kind, session.decision_date)
    return report_date + dt.timedelta(days=rule.days) if rule else None
