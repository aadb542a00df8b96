import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import AreaFactory, DistrictFactory, ServiceUnitFactory
from units.choices import AreaLevel, UnitKind
from units.models import Area, Unit

pytestmark = pytest.mark.django_db


def _fails(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_it_rejects_closed_before_established():
    _fails(ServiceUnitFactory, established_on=dt.date(2020, 1, 1), closed_on=dt.date(2019, 1, 1))


def test_it_rejects_closed_on_the_day_established():
    _fails(ServiceUnitFactory, established_on=dt.date(2020, 1, 1), closed_on=dt.date(2020, 1, 1))


def test_it_rejects_autonomy_group_on_an_agency():
    _fails(ServiceUnitFactory, kind=UnitKind.AGENCY, autonomy_group=2, sector="")


def test_it_rejects_autonomy_group_outside_1_to_4():
    _fails(ServiceUnitFactory, autonomy_group=5)


def test_it_requires_a_sector_for_service_units():
    _fails(ServiceUnitFactory, sector="")


def test_it_rejects_an_unknown_kind():
    _fails(ServiceUnitFactory, kind="company")


def test_it_rejects_duplicate_unit_codes_but_allows_many_blank():
    ServiceUnitFactory(code="X1")
    _fails(ServiceUnitFactory, code="X1")
    ServiceUnitFactory(code="")
    ServiceUnitFactory(code="")
    assert Unit.objects.filter(code="").count() == 2


def test_it_allows_a_reused_area_code_in_another_validity_period():
    old = AreaFactory(code="31", valid_to=dt.date(2025, 6, 30))
    new = AreaFactory(code="31", valid_from=dt.date(2025, 7, 1))
    assert old.code == new.code


def test_it_rejects_the_same_area_code_twice_for_one_period():
    AreaFactory(code="31", valid_from=dt.date(2025, 7, 1))
    _fails(AreaFactory, code="31", valid_from=dt.date(2025, 7, 1))


def test_it_rejects_the_same_open_ended_area_code_twice():
    AreaFactory(code="31")
    _fails(AreaFactory, code="31")


def test_it_rejects_valid_to_before_valid_from():
    _fails(AreaFactory, valid_from=dt.date(2025, 7, 1), valid_to=dt.date(2025, 1, 1))


def test_it_rejects_a_province_with_a_parent_and_a_district_without():
    _fails(AreaFactory, parent=AreaFactory())
    _fails(DistrictFactory, parent=None)


def test_active_on_excludes_the_closing_day():
    unit = ServiceUnitFactory(established_on=dt.date(2018, 1, 1), closed_on=dt.date(2023, 12, 31))
    assert unit.is_active_on(dt.date(2018, 1, 1))
    assert unit.is_active_on(dt.date(2023, 12, 30))
    assert not unit.is_active_on(dt.date(2023, 12, 31))
    assert not unit.is_active_on(dt.date(2017, 12, 31))
    ids = lambda day: set(Unit.objects.active_on(day).values_list("id", flat=True))  # noqa: E731
    assert ids(dt.date(2023, 12, 30)) == {unit.id}
    assert ids(dt.date(2023, 12, 31)) == set()


def test_it_keeps_the_folded_name_in_step_with_the_name():
    unit = ServiceUnitFactory(name="Trường Tiểu học Đằng Giang")
    assert unit.name_folded == "truong tieu hoc dang giang"
    unit.name = "Trường THCS Ngô Quyền"
    unit.save(update_fields=["name"])
    unit.refresh_from_db()
    assert unit.name_folded == "truong thcs ngo quyen"


def test_area_level_choices_match_the_database_check():
    _fails(AreaFactory, level="village")
    assert AreaFactory(level=AreaLevel.PROVINCE).pk
    assert Area.objects.count() == 1
