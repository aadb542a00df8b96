"""The models' own rules: overdue derived from the date, and two legal rules
for one step never in force at once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from supervision.models import LegalRule, Recommendation

TODAY = dt.date(2024, 3, 10)


@pytest.fixture
def rec(filed):
    """The filed report's recommendation, due 04/03/2024."""
    return filed.recommendations.get()


def test_overdue_is_derived_from_the_date(rec):
    assert rec.is_overdue(dt.date(2024, 3, 5))
    assert rec.days_overdue(TODAY) == 6
    assert not rec.is_overdue(dt.date(2024, 3, 4))  # due that day: not yet late
    assert list(Recommendation.objects.overdue(dt.date(2024, 3, 5))) == [rec]
    assert not Recommendation.objects.overdue(dt.date(2024, 3, 4)).exists()
    rec.status = "responded"
    assert not rec.is_overdue(TODAY)


def test_two_rules_for_one_step_never_overlap(db):
    rule = LegalRule(
        law="x",
        law_title="x",
        valid_from=dt.date(2026, 6, 1),
        step="response_due",
        body_kind="",
        days=5,
    )
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.body_kind = "front"
    rule.full_clean()  # a rule of its own for one kind of body is fine
