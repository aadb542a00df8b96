"""A transfer between two units of a scope moves nothing in or out of it: the
scope's waterfall shows only the net of its transfers."""

import datetime as dt

import pytest

from tests.factories import AgencyFactory, CommuneFactory, ServiceUnitFactory, UserFactory
from units.choices import RestructuringKind as K
from units.choices import Role
from units.selectors.dashboards import dashboard
from units.services.recompute import recompute
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

pytestmark = pytest.mark.django_db


def kinds(area) -> dict[str, int]:
    bars = dashboard(area=area, year=2021, base_year=2019, sector="*")["waterfall"]
    return {bar.kind: bar.value for bar in bars[1:-1]}


def test_a_transfer_inside_a_district_is_no_bar_of_it():
    admin = UserFactory(roles=[Role.ADMIN])
    east = CommuneFactory()
    west = CommuneFactory(parent=east.parent)
    body_east, body_west = AgencyFactory(area=east), AgencyFactory(area=west)
    school = ServiceUnitFactory(parent=body_east, area=east)
    ServiceUnitFactory(parent=body_west, area=west)
    day = dt.date(2020, 6, 1)
    restructuring_apply(
        actor=admin,
        kind=K.TRANSFER,
        decision=Decision("7/QĐ-UBND", day, day, "UBND quận"),
        source_ids=[school.pk],
        new_parent_id=body_west.pk,
        new_area_id=west.pk,
    )
    recompute(trigger="manual", everything=True)
    assert K.TRANSFER not in kinds(east.parent)  # in +1 and out −1 cancel
    assert kinds(east)[K.TRANSFER] == -1 and kinds(west)[K.TRANSFER] == 1
