"""The data-quality checks on the demo (issue 23's acceptance): each check's
set-based rows equal a plain row-by-row reading of the same rule, for the
national admin and for the demo clerk of Hải Phòng (through its lineage)."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from supervision.choices import SENT
from supervision.models import Recommendation, Session
from supervision.rules import missed_steps
from supervision.selectors.sessions import session_list
from units.models import Restructuring, StaffingFigure, Unit, User
from units.scope import area_ids, unit_in_scope
from units.selectors import data_quality as dq


def _units(user, today):
    units = Unit.objects.select_related("area", "parent").prefetch_related(
        "links__restructuring", "children"
    )
    return [u for u in units if unit_in_scope(user, u)]


def ref_services_without_establishment(user, today):
    return {
        u.pk
        for u in _units(user, today)
        if u.kind == "service"
        and u.is_active_on(today)
        and not any(
            link.created and link.restructuring.reversed_at is None for link in u.links.all()
        )
    }


def ref_units_in_ended_areas(user, today):
    return {
        u.pk
        for u in _units(user, today)
        if u.is_active_on(today) and u.area.valid_to and u.area.valid_to < today
    }


def ref_staffing_over_quota(user, today):
    return {
        (f.unit_id, f.year, f.category)
        for f in StaffingFigure.objects.select_related("unit__parent")
        if f.assigned is not None
        and f.actual is not None
        and f.actual > f.assigned
        and unit_in_scope(user, f.unit)
    }


def ref_staffing_missing(user, today):
    recorded = set(StaffingFigure.objects.values_list("unit_id", "year"))
    years = {year for _unit, year in recorded if year <= today.year}
    found = set()
    for year in range(min(years), today.year + 1) if years else ():
        day = min(dt.date(year, 12, 31), today)
        for u in _units(user, today):
            if u.is_active_on(day) and (u.pk, year) not in recorded:
                found.add((u.pk, year))
    return found


def ref_decisions_without_file(user, today):
    scoped = bool(user.scope_area_id or user.scope_unit_id)
    return {
        r.pk
        for r in Restructuring.objects.prefetch_related("links__unit__parent")
        if r.reversed_at is None
        and not r.decision_file
        and (not scoped or any(unit_in_scope(user, link.unit) for link in r.links.all()))
    }


def ref_agencies_without_units(user, today):
    return {
        u.pk
        for u in _units(user, today)
        if u.kind == "agency"
        and u.is_active_on(today)
        and not any(child.is_active_on(today) for child in u.children.all())
    }


def ref_duplicate_units(user, today):
    active = [u for u in Unit.objects.all() if u.is_active_on(today)]
    groups = Counter((u.area_id, u.name_folded) for u in active)
    return {
        u.pk
        for u in _units(user, today)
        if u.is_active_on(today) and groups[(u.area_id, u.name_folded)] > 1
    }


def ref_recommendations_overdue(user, today):
    return {
        r.pk
        for r in Recommendation.objects.select_related("session", "addressed_unit__parent")
        if r.session.status in SENT
        and r.status == "open"
        and (today - r.current_due).days > 30
        and unit_in_scope(user, r.addressed_unit)
    }


def ref_sessions_past_deadline(user, today):
    scoped = bool(user.scope_area_id)
    areas = area_ids(user.scope_area) if scoped else None
    sessions = list(session_list(Session.objects.prefetch_related("supervised_units__parent")))
    missed = missed_steps(sessions, today=today)
    return {
        s.pk
        for s in sessions
        if missed[s.pk]
        and (
            not scoped
            or s.body.area_id in areas
            or any(unit_in_scope(user, u) for u in s.supervised_units.all())
        )
    }


REFERENCES = {
    "services-without-establishment": ref_services_without_establishment,
    "units-in-ended-areas": ref_units_in_ended_areas,
    "staffing-over-quota": ref_staffing_over_quota,
    "staffing-missing": ref_staffing_missing,
    "decisions-without-file": ref_decisions_without_file,
    "agencies-without-units": ref_agencies_without_units,
    "duplicate-units": ref_duplicate_units,
    "recommendations-overdue": ref_recommendations_overdue,
    "sessions-past-deadline": ref_sessions_past_deadline,
}


def keys(check_id, rows):
    """What identifies a row: the id, with the year (and category) for staffing."""
    if check_id == "staffing-missing":
        return {(row[0], row[-1]) for row in rows}
    if check_id == "staffing-over-quota":  # unit, year, category
        return {(row[0], row[3], row[4]) for row in rows}
    return {row[0] for row in rows}


def test_every_check_has_a_reference():
    assert set(REFERENCES) == {check.id for check in dq.checks()}


@pytest.mark.parametrize("check_id", list(REFERENCES))
@pytest.mark.parametrize("username", ["admin", "chuyenvien"])
def test_each_check_on_the_demo_equals_its_row_by_row_reading(demo, check_id, username):
    user = User.objects.get(username=username)
    today = timezone.localdate()
    check = dq.check_of(check_id)
    rows = list(check.rows(user, today))
    found = keys(check_id, rows)
    expected = REFERENCES[check_id](user, today)
    print(f"{check_id} {username}: {len(rows)}")  # noqa: T201 - the demo's figure, for the log
    assert found == expected
    assert len(rows) == len(expected) == dq.check_counts(user, today)[check_id]
