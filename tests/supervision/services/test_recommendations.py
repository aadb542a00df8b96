"""Recommendations: due dates that never move without a reason, answers and
judgements, each audited once; a settled one keeps its date."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.choices import SessionStatus
from supervision.models import DeadlineChange
from supervision.services import recommendations as services
from tests.supervision.conftest import make_session
from units.models import AuditEntry

TODAY = dt.date(2024, 3, 10)


@pytest.fixture
def rec(filed):
    """The filed report's recommendation, due 04/03/2024."""
    return filed.recommendations.get()


def test_a_due_date_never_moves_without_a_reason(rec, clerk, supervisor):
    for call, actor in ((services.deadline_propose, clerk), (services.deadline_move, supervisor)):
        with pytest.raises(ValidationError) as refused:
            call(actor=actor, recommendation_id=rec.pk, new_due=dt.date(2024, 4, 1), reason="  ")
        assert "reason" in refused.value.message_dict
    rec.refresh_from_db()
    assert rec.current_due == dt.date(2024, 3, 4)
    assert not DeadlineChange.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineChange.objects.create(
            recommendation=rec,
            old_due=rec.current_due,
            new_due=dt.date(2024, 4, 1),
            reason="",
            status="accepted",
            proposed_by=supervisor,
        )


def test_a_proposed_date_moves_the_due_date_once_accepted(rec, clerk, supervisor):
    change = services.deadline_propose(
        actor=clerk, recommendation_id=rec.pk, new_due=dt.date(2024, 4, 1), reason="Chờ số liệu"
    )
    rec.refresh_from_db()
    assert rec.current_due == dt.date(2024, 3, 4)  # not before the supervisors decide
    with pytest.raises(PermissionDenied):
        services.deadline_decide(actor=clerk, change_id=change.pk, accept=True)
    services.deadline_decide(actor=supervisor, change_id=change.pk, accept=True)
    rec.refresh_from_db()
    assert (rec.original_due, rec.current_due) == (dt.date(2024, 3, 4), dt.date(2024, 4, 1))
    assert rec.was_moved
    with pytest.raises(ValidationError):
        services.deadline_decide(actor=supervisor, change_id=change.pk, accept=True)


def test_a_refused_date_leaves_the_due_date(rec, clerk, supervisor):
    change = services.deadline_propose(
        actor=clerk, recommendation_id=rec.pk, new_due=dt.date(2024, 4, 1), reason="Chờ số liệu"
    )
    services.deadline_decide(actor=supervisor, change_id=change.pk, accept=False)
    rec.refresh_from_db()
    assert rec.current_due == dt.date(2024, 3, 4)
    assert DeadlineChange.objects.get().status == "rejected"


def test_only_clerks_in_scope_answer(rec, outsider_clerk, supervisor, official):
    for intruder in (outsider_clerk, supervisor, official):
        with pytest.raises(PermissionDenied):
            services.response_record(
                actor=intruder, recommendation_id=rec.pk, date=TODAY, text="Đã gửi báo cáo"
            )
    rec.refresh_from_db()
    assert rec.status == "open"
    assert not rec.responses.exists()


def test_an_answer_then_a_judgement_settle_the_recommendation(rec, clerk, supervisor):
    before = AuditEntry.objects.count()
    services.response_record(
        actor=clerk, recommendation_id=rec.pk, date=timezone.localdate(), text="Đã gửi báo cáo"
    )
    rec.refresh_from_db()
    assert rec.status == "responded"
    services.recommendation_assess(actor=supervisor, recommendation_id=rec.pk, outcome="partly")
    rec.refresh_from_db()
    assert rec.status == "partly" and rec.settled_on == timezone.localdate()
    assert AuditEntry.objects.count() == before + 2
    with pytest.raises(ValidationError):
        services.response_record(
            actor=clerk, recommendation_id=rec.pk, date=timezone.localdate(), text="Lần nữa"
        )


def test_nothing_can_be_answered_before_the_report_is_filed(body, supervisor, unit, clerk):
    session = make_session(body, supervisor, [unit], status=SessionStatus.REPORT_FILED)
    rec = session.recommendations.get()
    session.status = SessionStatus.IN_PROGRESS
    session.save()
    with pytest.raises(ValidationError):
        services.response_record(
            actor=clerk, recommendation_id=rec.pk, date=timezone.localdate(), text="Trả lời"
        )


def test_an_escalation_is_recorded_by_the_supervisors_only(rec, clerk, supervisor):
    with pytest.raises(PermissionDenied):
        services.escalation_record(
            actor=clerk, recommendation_id=rec.pk, kind="reminder", date=TODAY, note=""
        )
    services.escalation_record(
        actor=supervisor, recommendation_id=rec.pk, kind="reminder", date=TODAY, note="Nhắc"
    )
    assert rec.escalations.get().kind == "reminder"


def test_a_settled_recommendation_keeps_its_date(filed, clerk, supervisor):
    rec = filed.recommendations.get()
    change = services.deadline_propose(
        actor=clerk, recommendation_id=rec.pk, new_due=dt.date(2031, 1, 1), reason="Chờ"
    )
    services.recommendation_assess(
        actor=supervisor, recommendation_id=rec.pk, outcome="implemented"
    )
    change.refresh_from_db()
    assert change.status == "rejected"  # the waiting proposal goes with the judgement
    with pytest.raises(ValidationError):
        services.deadline_decide(actor=supervisor, change_id=change.pk, accept=True)
    rec.refresh_from_db()
    assert rec.current_due == dt.date(2024, 3, 4)
