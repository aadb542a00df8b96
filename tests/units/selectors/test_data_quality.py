"""The data-quality checks (issue 23 point 4): each one's rows and count on
small factory data, in a district clerk's scope and nationally."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from supervision.choices import SessionStatus
from supervision.models import (
    LegalRule,
    Recommendation,
    Session,
    SupervisoryBody,
    WorkingSession,
)
from supervision.rules import missed_steps
from supervision.selectors.sessions import session_list
from tests.factories import AgencyFactory, CommuneFactory, ServiceUnitFactory, UserFactory
from units.choices import Role, StaffingCategory
from units.models import Restructuring, RestructuringLink, StaffingFigure
from units.selectors import data_quality as dq
from units.selectors import data_quality_units as dqu

TODAY = dt.date(2026, 6, 1)
S = SessionStatus


@pytest.fixture
def national(db):
    return UserFactory(username="national-clerk", roles=[Role.CLERK])


def found(check_id, user, today=TODAY) -> set[int]:
    """The ids a check finds for `user`, after checking its count agrees."""
    rows = list(dq.check_of(check_id).rows(user, today))
    assert dq.check_of(check_id).rows(user, today).count() == len(rows)
    return {row[0] for row in rows}


def decision(*units, created=True, reversed_=False, file="", kind="establish"):
    part = Restructuring.objects.create(
        kind=kind,
        decision_number=f"{Restructuring.objects.count() + 1}/QĐ-UBND",
        decided_on=dt.date(2020, 1, 1),
        effective_on=dt.date(2020, 1, 1),
        authority="UBND",
        decision_file=file,
        reversed_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC) if reversed_ else None,
    )
    for unit in units:
        RestructuringLink.objects.create(
            restructuring=part, unit=unit, role="result", created=created
        )
    return part


def test_the_registry_holds_every_check_of_the_issue():
    assert [check.id for check in dq.checks()] == [
        "services-without-establishment",
        "units-in-ended-areas",
        "staffing-over-quota",
        "staffing-missing",
        "decisions-without-file",
        "agencies-without-units",
        "duplicate-units",
        "recommendations-overdue",
        "sessions-past-deadline",
    ]
    assert dq.check_of("nope") is None
    assert all(check.fix and check.title and check.columns for check in dq.checks())


def test_services_without_establishment(clerk, national, district, other_district):
    bare = ServiceUnitFactory(area=district)
    established = ServiceUnitFactory(area=district)
    decision(established)
    annulled = ServiceUnitFactory(area=district)
    decision(annulled, reversed_=True)
    named_not_created = ServiceUnitFactory(area=district)  # a rename's result
    decision(named_not_created, created=False, kind="rename")
    ServiceUnitFactory(area=district, closed_on=dt.date(2024, 1, 1))
    ServiceUnitFactory(area=district, established_on=dt.date(2027, 1, 1))  # not yet active
    AgencyFactory(area=district)
    outside = ServiceUnitFactory(area=other_district)
    assert found("services-without-establishment", clerk) == {
        bare.pk,
        annulled.pk,
        named_not_created.pk,
    }
    assert found("services-without-establishment", national) == {
        bare.pk,
        annulled.pk,
        named_not_created.pk,
        outside.pk,
    }


def test_units_in_ended_areas(clerk, national, district, other_district):
    ended = CommuneFactory(parent=district, valid_to=dt.date(2025, 6, 30))
    current = CommuneFactory(parent=district)
    left_behind = ServiceUnitFactory(area=ended)
    agency = AgencyFactory(area=ended)
    ServiceUnitFactory(area=ended, closed_on=dt.date(2025, 7, 1))  # closed with its area
    ServiceUnitFactory(area=current)
    ended_elsewhere = CommuneFactory(parent=other_district, valid_to=dt.date(2025, 6, 30))
    outside = ServiceUnitFactory(area=ended_elsewhere)
    assert found("units-in-ended-areas", clerk) == {left_behind.pk, agency.pk}
    assert found("units-in-ended-areas", national) == {left_behind.pk, agency.pk, outside.pk}
    # The day the area still stood, nothing is wrong.
    assert found("units-in-ended-areas", national, dt.date(2025, 6, 30)) == set()


def figure(unit, year, assigned, actual, category=StaffingCategory.BUDGET_EMPLOYEE):
    return StaffingFigure.objects.create(
        unit=unit, year=year, category=category, assigned=assigned, actual=actual
    )


def test_staffing_over_quota(clerk, national, district, other_district):
    unit, other = ServiceUnitFactory(area=district), ServiceUnitFactory(area=other_district)
    over = figure(unit, 2024, 10, 12)
    figure(unit, 2025, 10, 10)
    figure(unit, 2026, None, 5)
    figure(unit, 2023, 10, None)
    figure(other, 2024, 3, 4)
    rows = list(dqu.staffing_over_quota(clerk, TODAY))
    assert [(row[0], row[3], row[5], row[6]) for row in rows] == [(unit.pk, over.year, 10, 12)]
    assert dqu.staffing_over_quota(national, TODAY).count() == 2


def test_staffing_missing_for_a_year_a_unit_was_active(clerk, national, district, other_district):
    complete = ServiceUnitFactory(area=district)
    for year in (2024, 2025, 2026):
        figure(complete, year, 10, 10)
    gaps = ServiceUnitFactory(area=district)
    figure(gaps, 2024, 10, 10)
    new = ServiceUnitFactory(area=district, established_on=dt.date(2025, 3, 1))
    closed = ServiceUnitFactory(area=district, closed_on=dt.date(2025, 6, 1))
    figure(closed, 2024, 5, 5)
    ServiceUnitFactory(area=district, established_on=dt.date(2026, 7, 1))  # not yet
    agency = AgencyFactory(area=district, established_on=dt.date(2026, 1, 1))
    figure(agency, 2026, 4, 4, StaffingCategory.CIVIL_SERVANT)
    outside = ServiceUnitFactory(area=other_district)
    rows = list(dqu.staffing_missing(clerk, TODAY))
    assert {(row[0], row[-1]) for row in rows} == {
        (gaps.pk, 2025),
        (gaps.pk, 2026),
        (new.pk, 2025),
        (new.pk, 2026),
    }
    assert [row[-1] for row in rows] == sorted((row[-1] for row in rows), reverse=True)
    assert dqu.staffing_missing(clerk, TODAY).count() == 4
    national_rows = {(row[0], row[-1]) for row in dqu.staffing_missing(national, TODAY)}
    assert national_rows - {(row[0], row[-1]) for row in rows} == {
        (outside.pk, 2024),
        (outside.pk, 2025),
        (outside.pk, 2026),
    }
    # A page of the united rows reads like any queryset's.
    assert len(dqu.staffing_missing(national, TODAY)[2:5]) == 3


def test_staffing_missing_is_empty_before_any_figure(clerk, district):
    ServiceUnitFactory(area=district)
    assert dqu.staffing_missing(clerk, TODAY).count() == 0


def test_decisions_without_file(clerk, national, district, other_district):
    inside, outside = ServiceUnitFactory(area=district), ServiceUnitFactory(area=other_district)
    bare = decision(inside)
    decision(inside, file="decisions/2020/qd-1.pdf")
    decision(inside, reversed_=True)
    far = decision(outside)
    assert found("decisions-without-file", clerk) == {bare.pk}
    assert found("decisions-without-file", national) == {bare.pk, far.pk}


def test_agencies_without_units(clerk, national, district, other_district):
    managing = AgencyFactory(area=district)
    ServiceUnitFactory(area=district, parent=managing)
    above = AgencyFactory(area=district)
    AgencyFactory(area=district, parent=above)  # manages an agency: not empty
    emptied = AgencyFactory(area=district)
    ServiceUnitFactory(area=district, parent=emptied, closed_on=dt.date(2025, 1, 1))
    empty = AgencyFactory(area=district)
    AgencyFactory(area=district, closed_on=dt.date(2025, 1, 1))
    outside = AgencyFactory(area=other_district)
    below = above.children.get()  # manages nothing itself
    assert found("agencies-without-units", clerk) == {emptied.pk, empty.pk, below.pk}
    assert found("agencies-without-units", national) == {
        emptied.pk,
        empty.pk,
        below.pk,
        outside.pk,
    }


def test_duplicate_units_share_a_folded_name_in_one_area(clerk, national, district):
    commune, neighbour = CommuneFactory(parent=district), CommuneFactory(parent=district)
    first = ServiceUnitFactory(area=commune, name="Trường Mầm non Hoa Sen")
    second = ServiceUnitFactory(area=commune, name="TRƯỜNG MẦM NON  HOA SEN")
    ServiceUnitFactory(area=neighbour, name="Truong Mam non Hoa Sen")  # another commune
    ServiceUnitFactory(area=commune, name="Trường Mầm non Hoa Mai")
    gone = ServiceUnitFactory(area=commune, name="Trạm Y tế", closed_on=dt.date(2025, 1, 1))
    ServiceUnitFactory(area=commune, name="Trạm y tế")  # its successor: not a duplicate
    assert gone and found("duplicate-units", clerk) == {first.pk, second.pk}
    assert found("duplicate-units", national) == {first.pk, second.pk}


@pytest.fixture
def body(district):
    return SupervisoryBody.objects.create(
        name="Đoàn ĐBQH thử", kind="na_delegation", level="province", area=district.parent
    )


def session(body, units, *, status=S.PLANNED, decided=dt.date(2026, 1, 5), working=()):
    made = Session.objects.create(
        body=body,
        decision_number=f"{Session.objects.count() + 1}/KH-ĐĐBQH",
        decision_date=decided,
        topic="Sắp xếp đơn vị sự nghiệp",
        period_from=2018,
        period_to=2023,
        status=status,
    )
    made.supervised_units.set(units)
    for day in working:
        WorkingSession.objects.create(session=made, unit=units[0], date=day)
    return made


def recommendation(made, unit, due, status="open"):
    return Recommendation.objects.create(
        session=made,
        addressed_unit=unit,
        text="Gửi báo cáo giải trình bổ sung.",
        original_due=due,
        current_due=due,
        status=status,
    )


def test_recommendations_overdue_by_more_than_30_days(
    clerk, national, district, other_district, body
):
    inside, outside = ServiceUnitFactory(area=district), ServiceUnitFactory(area=other_district)
    sent = session(body, [inside, outside], status=S.REPORT_FILED, decided=dt.date(2026, 1, 2))
    late = recommendation(sent, inside, TODAY - dt.timedelta(days=31))
    recommendation(sent, inside, TODAY - dt.timedelta(days=30))  # exactly 30: not more
    recommendation(sent, inside, TODAY - dt.timedelta(days=90), status="responded")
    far = recommendation(sent, outside, TODAY - dt.timedelta(days=60))
    draft = session(body, [inside], status=S.IN_PROGRESS, decided=dt.date(2026, 1, 3))
    recommendation(draft, inside, TODAY - dt.timedelta(days=90))  # not sent yet
    assert found("recommendations-overdue", clerk) == {late.pk}
    assert found("recommendations-overdue", national) == {late.pk, far.pk}


def test_sessions_past_a_legal_step_deadline(clerk, national, district, other_district, body):
    inside, outside = ServiceUnitFactory(area=district), ServiceUnitFactory(area=other_district)
    # Luật 87/2015 for a National Assembly delegation: plan 20 days after the
    # decision, notice 10 days before the first working day, report 15 days after the last.
    plan_missed = session(body, [inside], decided=TODAY - dt.timedelta(days=21))
    session(body, [inside], decided=TODAY - dt.timedelta(days=20))  # due today
    notice_missed = session(
        body, [inside], decided=TODAY - dt.timedelta(days=5), working=[TODAY + dt.timedelta(9)]
    )
    report_missed = session(
        body,
        [inside],
        status=S.IN_PROGRESS,
        decided=dt.date(2026, 1, 10),
        working=[dt.date(2026, 2, 1), dt.date(2026, 2, 10)],
    )
    session(body, [inside], status=S.CLOSED, decided=dt.date(2026, 1, 11), working=[TODAY])
    other_body = SupervisoryBody.objects.create(
        name="HĐND tỉnh khác", kind="council", level="province", area=other_district.parent
    )
    # A council has 15 days for its plan (the general rule): 16 days is late.
    far = session(other_body, [outside], decided=TODAY - dt.timedelta(days=16))
    session(other_body, [outside], decided=TODAY - dt.timedelta(days=15))
    expected = {plan_missed.pk, notice_missed.pk, report_missed.pk}
    assert found("sessions-past-deadline", clerk) == expected
    assert found("sessions-past-deadline", national) == expected | {far.pk}
    # The same sessions as the session pages' own rule, session by session.
    missed = missed_steps(list(session_list()), today=TODAY)
    assert {pk for pk, steps in missed.items() if steps} == expected | {far.pk}


def test_without_legal_rules_no_session_is_past_a_deadline(national, body, unit):
    """A database without the legal rules (the national dataset's) has no
    deadline to miss: the check counts none instead of failing."""
    session(body, [unit], decided=TODAY - dt.timedelta(days=400))
    LegalRule.objects.all().delete()
    assert found("sessions-past-deadline", national) == set()


def test_sessions_under_each_law_follow_the_rule_of_their_decision_date(national, body, unit):
    # Decided under Luật 87/2015 (until 28/02/2026) and under Luật 121/2025.
    dates = [dt.date(2026, 2, 1), dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 5, 1)]
    made = [session(body, [unit], decided=day) for day in dates]
    Session.objects.filter(pk=made[1].pk).update(status=S.NOTIFIED)
    for today in (dt.date(2026, 3, 15), TODAY, dt.date(2027, 1, 1)):
        missed = missed_steps(list(session_list()), today=today)
        assert found("sessions-past-deadline", national, today) == {
            pk for pk, steps in missed.items() if steps
        }


def test_counts_per_scope_and_the_landing_total(clerk, national, district, other_district):
    ServiceUnitFactory(area=district)
    ServiceUnitFactory(area=other_district)
    counts = dq.check_counts(clerk, TODAY)
    assert counts["services-without-establishment"] == 1
    assert dq.check_counts(national, TODAY)["services-without-establishment"] == 2
    assert dq.quality_total(clerk, TODAY) == sum(counts.values())
    official = UserFactory(roles=[Role.OFFICIAL])
    assert dq.quality_total(official, TODAY) is None
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    assert dq.may_read_quality(supervisor) and dq.quality_total(supervisor, TODAY) is None
    assert dq.quality_total(AnonymousUser(), TODAY) is None


def test_counts_are_cached_until_the_registry_changes(
    clerk, district, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from units.versions import registry_changed

    ServiceUnitFactory(area=district)
    assert dq.check_counts(clerk, TODAY)["services-without-establishment"] == 1
    with django_assert_max_num_queries(0):
        dq.check_counts(clerk, TODAY)
    ServiceUnitFactory(area=district)
    with django_capture_on_commit_callbacks(execute=True):
        registry_changed()
    assert dq.check_counts(clerk, TODAY)["services-without-establishment"] == 2


def test_warming_counts_every_readers_scope(clerk, national, official, district, other_district):
    ServiceUnitFactory(area=district)
    outsider = UserFactory(roles=[Role.SUPERVISOR], scope_area=other_district)
    assert dq.quality_warm(TODAY) == 3  # the district, the nation, the other district
    cache_keys = [dq.quality_version(user, TODAY) for user in (clerk, national, outsider)]
    assert all(cache.get(key) is not None for key in cache_keys)
    assert cache.get(dq.quality_version(clerk, TODAY))["services-without-establishment"] == 1


def test_the_landing_total_reads_the_latest_counts_after_a_change(
    clerk, district, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from units.versions import registry_changed

    ServiceUnitFactory(area=district)
    first = dq.quality_total(clerk, TODAY)  # nothing cached yet: counted
    ServiceUnitFactory(area=district)
    with django_capture_on_commit_callbacks(execute=True):
        registry_changed()
    with django_assert_max_num_queries(0):  # the landing page never counts again
        assert dq.quality_total(clerk, TODAY) == first
    assert dq.check_counts(clerk, TODAY)["services-without-establishment"] == 2
    assert dq.quality_total(clerk, TODAY) == first + 1
