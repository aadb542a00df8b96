"""The 2025 area changes: district abolition and commune mergers as transfers."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    AgencyFactory,
    AreaFactory,
    CommuneFactory,
    DistrictFactory,
    ServiceUnitFactory,
)
from units.choices import RestructuringKind, Sector
from units.models import AreaLineage, AuditEntry, Restructuring, Unit
from units.services.area_changes import apply_area_changes, plan_area_changes
from units.services.restructuring_rules import Decision

pytestmark = pytest.mark.django_db

JULY = dt.date(2025, 7, 1)
END = dt.date(2025, 6, 30)
DECISION = Decision("72/2025/QH15", dt.date(2025, 6, 16), JULY, "Quốc hội")


@pytest.fixture
def world(db):
    province = AreaFactory(name="Thành phố Thử", code="90")
    district = DistrictFactory(name="Quận Cũ", code="901", parent=province, valid_to=END)
    old_ward = CommuneFactory(name="Phường Cũ", code="90101", parent=district, valid_to=END)
    new_ward = CommuneFactory(name="Phường Mới", code="90101", parent=province, valid_from=JULY)
    AreaLineage.objects.create(predecessor=old_ward, successor=new_ward, effective_on=JULY)
    city = AgencyFactory(name="Ủy ban nhân dân thành phố Thử", area=province, level="province")
    kw = {"parent": city, "area": province, "level": "province"}
    bodies = {
        "city": city,
        "education_dept": AgencyFactory(name="Sở Giáo dục và Đào tạo thành phố Thử", **kw),
        "health_dept": AgencyFactory(name="Sở Y tế thành phố Thử", **kw),
        "district": AgencyFactory(name="Ủy ban nhân dân quận Cũ", parent=city, area=district),
        "new_ward": AgencyFactory(
            name="Ủy ban nhân dân phường Mới",
            parent=city,
            area=new_ward,
            level="commune",
            established_on=JULY,
        ),
    }
    bodies["old_ward"] = AgencyFactory(
        name="Ủy ban nhân dân phường Cũ", parent=bodies["district"], area=old_ward, level="commune"
    )
    d = {"parent": bodies["district"], "area": district}
    units = {
        "school": ServiceUnitFactory(name="Trường Mầm non Hoa Mai", **{**d, "area": old_ward}),
        "vocational": ServiceUnitFactory(
            name="Trung tâm GDNN - GDTX quận Cũ", sector=Sector.VOCATIONAL, **d
        ),
        "health": ServiceUnitFactory(name="Trung tâm Y tế quận Cũ", sector=Sector.HEALTH, **d),
        "other": ServiceUnitFactory(name="Ban Quản lý dự án quận Cũ", sector=Sector.ECONOMIC, **d),
        "ward_unit": ServiceUnitFactory(
            name="Nhà văn hóa phường Cũ",
            sector=Sector.CULTURE,
            parent=bodies["old_ward"],
            area=old_ward,
            level="commune",
        ),
    }
    areas = {"district_area": district, "province_area": province, "ward_area": new_ward}
    return {**areas, **bodies, **units}


def current(unit):
    return Unit.objects.get(name=unit.name, closed_on__isnull=True)


def test_the_rules_of_july_2025(world, admin_user):
    plan = plan_area_changes(area=world["district_area"], day=JULY)
    assert not plan.problems
    assert not Restructuring.objects.exists(), "planning writes nothing"
    before = Unit.objects.services().active_on(END).count()

    result = apply_area_changes(plan=plan, decision=DECISION, actor=admin_user)

    # One transfer decision (each unit with its destination) and one dissolution.
    assert result == {"moved": 5, "transfers": 1, "merged": 0, "dissolved": 2}
    expected = {
        "school": ("new_ward", "ward_area", "commune"),
        "ward_unit": ("new_ward", "ward_area", "commune"),
        "vocational": ("education_dept", "province_area", "province"),
        "health": ("health_dept", "province_area", "province"),
        "other": ("city", "province_area", "province"),
    }
    for key, (parent, area, level) in expected.items():
        moved = current(world[key])
        assert moved.parent == world[parent], key
        assert moved.area == world[area], key
        assert moved.level == level, key
        old = Unit.objects.get(pk=world[key].pk)
        assert old.closed_on == JULY
        assert old.closed_by.kind == RestructuringKind.TRANSFER
        assert old.closed_by.decision_number == "72/2025/QH15"
    for key in ("district", "old_ward"):
        closed = Unit.objects.get(pk=world[key].pk)
        assert closed.closed_on == JULY and closed.closed_by.kind == RestructuringKind.DISSOLVE
    # Transfers change no count: the same service units are active after as before.
    assert Unit.objects.services().active_on(JULY).count() == before
    assert AuditEntry.objects.filter(action="restructuring.apply").count() == 2


def test_a_missing_body_is_reported_and_keeps_its_district_open(world, admin_user):
    world["new_ward"].delete()  # no People's Committee for the new ward
    plan = plan_area_changes(area=world["district_area"], day=JULY)
    problems = {unit.name: text for unit, text in plan.problems}
    assert "Trường Mầm non Hoa Mai" in problems
    assert "Ủy ban nhân dân quận Cũ" in problems
    assert world["district"] not in plan.dissolve and world["old_ward"] not in plan.dissolve
    apply_area_changes(plan=plan, decision=DECISION, actor=admin_user)
    assert Unit.objects.get(pk=world["school"].pk).closed_on is None
    assert Unit.objects.get(pk=world["district"].pk).closed_on is None
    assert current(world["health"]).parent == world["health_dept"]


def test_a_split_commune_goes_to_the_successor_that_kept_its_code(world):
    other = CommuneFactory(
        name="Phường Khác", code="90199", parent=world["province_area"], valid_from=JULY
    )
    old_ward = world["school"].area
    AreaLineage.objects.create(predecessor=old_ward, successor=other, effective_on=JULY)
    plan = plan_area_changes(area=world["district_area"], day=JULY)
    school = next(m for m in plan.moves if m.unit == world["school"])
    assert school.new_area == world["ward_area"]


def test_command_shows_the_plan_and_records_only_with_apply(world, admin_user, capsys):
    args = ["901", "--decision", "72/2025/QH15", "--authority", "Quốc hội"]
    args += ["--decided-on", "16/06/2025", "--user", admin_user.username]
    call_command("apply_area_changes", *args)
    out = capsys.readouterr().out
    assert "Trường Mầm non Hoa Mai" in out
    assert not Restructuring.objects.exists()
    call_command("apply_area_changes", *args, "--apply")
    assert Restructuring.objects.count() == 2


def test_admin_action_previews_then_applies(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:units_area_changelist")
    data = {"action": "move_units_of_ended_areas", "_selected_action": [world["district_area"].pk]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Trung tâm Y tế quận Cũ" in response.content.decode()
    assert not Restructuring.objects.exists()
    decision = {
        "number": "72/2025/QH15",
        "decided_on": "16/06/2025",
        "effective_on": "01/07/2025",
        "authority": "Quốc hội",
        "confirm": "yes",
    }
    response = client.post(url, {**data, **decision})
    assert response.status_code == 302
    assert Restructuring.objects.filter(kind=RestructuringKind.TRANSFER).count() == 1
