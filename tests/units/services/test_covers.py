"""The covers follow the agencies and areas (issue 19, point 3): a write that
adds an agency leaves a mark asking the next run to compare the covers, and
only the scopes whose cover changed are summed again; a change made behind the
services' back is found by the minute's sweep (its fingerprint), not by a
write's run, where a sweep runs (a broker)."""

import datetime as dt

import pytest
from django.test import override_settings

from tests.factories import AgencyFactory, ServiceUnitFactory
from tests.units.figures import figures_of
from units.models import AgencyCover, RecomputeMark, Unit
from units.services.figures import COVERS, figures_mark_stale
from units.services.recompute import recompute
from units.services.units import unit_register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("broker")]
DAY = dt.date(2020, 3, 1)


@pytest.fixture
def broker():
    """Tasks go to a broker and a beat sweeps every minute (not run here)."""
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        yield


def members(agency) -> set[int]:
    return set(AgencyCover.objects.filter(scope=agency).values_list("member_id", flat=True))


def test_a_new_body_asks_the_next_write_run_to_compare_the_covers(admin_user, agency, district):
    ServiceUnitFactory(area=district, parent=agency, established_on=dt.date(2010, 1, 1))
    recompute(trigger="manual", everything=True)
    data = {"kind": "agency", "name": "Sở mới", "parent": agency, "area": district}
    body = unit_register(
        actor=admin_user, data={**data, "level": "district", "established_on": DAY}
    )
    assert RecomputeMark.objects.filter(year=COVERS).exists()
    run = recompute(trigger="write")
    assert members(agency) == {agency.pk, body.pk}
    assert run.scopes < 10 and not RecomputeMark.objects.exists()


def test_a_change_behind_the_services_back_waits_for_the_sweep(agency, district):
    other = AgencyFactory(area=district)
    body = AgencyFactory(area=district, parent=agency)
    ServiceUnitFactory(area=district, parent=body, established_on=dt.date(2010, 1, 1))
    recompute(trigger="manual", everything=True)
    assert figures_of(agency, [2020])[2020].units == 1
    Unit.objects.filter(pk=body.pk).update(parent=other)  # no service, no mark
    figures_mark_stale(areas=[district], since=DAY)  # a write elsewhere in the district
    recompute(trigger="write")
    assert body.pk in members(agency)  # a write's run did not look
    recompute(trigger="schedule")  # the sweep: the fingerprint moved
    assert body.pk not in members(agency) and body.pk in members(other)
    assert figures_of(other, [2020])[2020].units == 1
    assert figures_of(agency, [2020]).get(2020) is None
