"""One reading rule for scoped readers (issue 21, point 15): plans follow an
official's scope like sessions and recommendations do, and the session form's
unit type-ahead offers only the units of the supervisor's scope (a unit posted
from outside it is refused)."""

import pytest
from django.urls import reverse

from supervision.models import Plan
from supervision.services.plans import plan_save
from tests.factories import ServiceUnitFactory, UserFactory
from units.choices import Role

from ..conftest import make_session, plan_data, plan_task


@pytest.fixture
def plans(admin_user, district, other_district):
    """A plan of each district."""
    ours = plan_save(actor=admin_user, plan_id=None, data=plan_data(district), tasks=[])
    theirs = plan_save(
        actor=admin_user,
        plan_id=None,
        data=plan_data(other_district) | {"number": "93-KH/QU"},
        tasks=[plan_task(50, 1)],
    )
    return ours, theirs


def test_a_scoped_official_reads_only_the_plans_of_the_scope(client, district, plans):
    ours, theirs = plans
    client.force_login(UserFactory(roles=[Role.OFFICIAL], scope_area=district))
    listing = client.get(reverse("supervision:plans")).content.decode()
    assert ours.number in listing and theirs.number not in listing
    assert client.get(reverse("supervision:plan_detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("supervision:plan_detail", args=[theirs.pk])).status_code == 404


def test_a_national_official_and_clerks_read_every_plan(client, official, clerk, plans):
    for user in (official, clerk):
        client.force_login(user)
        listing = client.get(reverse("supervision:plans")).content.decode()
        assert all(plan.number in listing for plan in plans)
        assert Plan.objects.count() == 2


@pytest.fixture
def scoped_supervisor(district, body):
    user = UserFactory(username="hp_supervisor", roles=[Role.SUPERVISOR], scope_area=district)
    body.members.add(user)
    return user


def test_the_type_ahead_lists_only_the_units_of_the_supervisors_scope(
    client, scoped_supervisor, supervisor, unit, other_district
):
    outside = ServiceUnitFactory(name="Trường Mầm non Khương Đình", area=other_district)
    url = reverse("supervision:unit_pick")
    client.force_login(scoped_supervisor)
    page = client.get(url, {"q": "truong mam non"}).content.decode()
    assert unit.name in page and outside.name not in page
    client.force_login(supervisor)  # national
    page = client.get(url, {"q": "truong mam non"}).content.decode()
    assert unit.name in page and outside.name in page


def test_a_unit_outside_the_scope_posted_to_the_session_form_is_refused(
    client, scoped_supervisor, body, unit, other_district
):
    outside = ServiceUnitFactory(name="Trường Mầm non Khương Đình", area=other_district)
    session = make_session(body, scoped_supervisor, [unit])
    client.force_login(scoped_supervisor)
    data = {
        "body": body.pk,
        "decision_number": session.decision_number,
        "decision_date": "02/02/2024",
        "topic": session.topic,
        "kind": "thematic",
        "period_from": "2018",
        "period_to": "2023",
        "units": [unit.pk, outside.pk],
    }
    response = client.post(reverse("supervision:session_edit", args=[session.pk]), data)
    assert response.status_code == 200
    assert list(session.supervised_units.all()) == [unit]
