"""The administration site: every write audited, a unit's history read-only."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import AreaFactory, ServiceUnitFactory, UserFactory
from units.choices import Role
from units.models import AreaLineage, AuditEntry, RecomputeMark, Unit
from units.services.figures import COVERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_units_history_is_read_only_in_the_admin(admin_client, unit, agency):
    """Defect: the admin edited dates, parent, area and "ended by" directly,
    rewriting history with no decision and no recompute mark."""
    url = reverse("admin:units_unit_change", args=[unit.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="established_on"' not in page and 'name="parent"' not in page
    assert 'name="code"' in page
    response = admin_client.post(
        url,
        {
            "code": "NEW-CODE",
            "sector": unit.sector,
            "autonomy_group": 3,
            "established_on": "01/01/1990",
            "parent": agency.pk,
            "closed_on": "01/01/2024",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert (unit.code, unit.autonomy_group) == ("NEW-CODE", 3)
    assert unit.established_on == dt.date(2000, 1, 1) and unit.parent is None
    assert unit.closed_on is None
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.links.get().unit == unit
    assert RecomputeMark.objects.filter(area=unit.area).exists()


def test_units_are_registered_through_the_service_and_never_deleted(admin_client, district):
    response = admin_client.post(
        reverse("admin:units_unit_add"),
        {
            "kind": "service",
            "name": "Trường Mầm non Hoa Sen",
            "code": "REG-1",
            "area": district.pk,
            "level": "district",
            "sector": "education",
            "autonomy_group": 4,
            "established_on": "05/09/2001",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="REG-1")
    assert AuditEntry.objects.get(action="unit.create").object_id == str(unit.pk)
    assert admin_client.get(reverse("admin:units_unit_delete", args=[unit.pk])).status_code == 403


def test_privilege_changes_are_audited(admin_client):
    """Defect: user, group and permission changes in the admin wrote no entry."""
    user = UserFactory(username="nv", roles=[Role.OFFICIAL])
    clerk_group = Group.objects.get(name=Role.CLERK)
    data = {
        "username": "nv",
        "is_active": "on",
        "groups": [clerk_group.pk],
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00:00",
        "full_name": "Nguyễn Văn",
    }
    response = admin_client.post(reverse("admin:units_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="user.update.admin")
    assert entry.after["groups"] == [clerk_group.pk]
    assert entry.before["groups"] != entry.after["groups"]
    assert "password" not in entry.after
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "a-new-long-pass-2026", "password2": "a-new-long-pass-2026"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="user.password", object_id=str(user.pk)).exists()
    group = Group.objects.create(name="Nhóm thử")
    admin_client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "Nhóm đổi tên"})
    assert AuditEntry.objects.filter(action="group.update.admin").exists()


def test_bulk_deletes_are_audited_one_entry_per_row(admin_client):
    """Defect: bulk deletes in the admin wrote no audit entry."""
    areas = [AreaFactory(code=f"9{i}", name=f"Tỉnh Xóa {i}") for i in range(3)]
    response = admin_client.post(
        reverse("admin:units_area_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in areas], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEntry.objects.filter(action="area.delete.admin")
    assert sorted(deleted.values_list("object_repr", flat=True)) == [a.name for a in areas]


def test_unlocking_a_login_is_audited(admin_client):
    attempt = AccessAttempt.objects.create(
        username="chuyenvien", ip_address="10.0.0.8", failures_since_start=5, user_agent="x"
    )
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.login_unlock")
    assert entry.before == {"username": "chuyenvien", "ip_address": "10.0.0.8"}


def test_the_admin_is_branded_and_vietnamese(admin_client):
    """Defect: the unbranded Django admin."""
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "ReformWatch · Quản trị hệ thống" in page
    assert "Django" not in page.split("<body", 1)[1]


def test_service_units_registered_in_the_admin_need_a_sector(admin_client, district):
    ServiceUnitFactory(area=district)
    response = admin_client.post(
        reverse("admin:units_unit_add"),
        {
            "kind": "service",
            "name": "Không lĩnh vực",
            "area": district.pk,
            "level": "district",
            "established_on": "05/09/2001",
        },
    )
    assert response.status_code == 200
    assert not Unit.objects.filter(name="Không lĩnh vực").exists()


def test_a_closed_unit_is_shown_not_edited_in_the_admin(admin_client, district):
    """Review: pressing Save on a closed unit gave a 403."""
    closed = ServiceUnitFactory(area=district, closed_on=dt.date(2020, 1, 1))
    page = admin_client.get(reverse("admin:units_unit_change", args=[closed.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_an_areas_place_in_time_is_fixed_once_used(admin_client, unit, district):
    """Review: an area's parent and dates could be edited freely, moving units
    between provinces with no decision, and the old province was not marked."""
    page = admin_client.get(reverse("admin:units_area_change", args=[district.pk]))
    html = page.content.decode()
    assert 'name="parent"' not in html and 'name="valid_to"' not in html
    assert 'name="name"' in html
    empty = AreaFactory(code="98", name="Tỉnh Trống")
    other = AreaFactory(code="97", name="Tỉnh Khác")
    orphan = AreaFactory(code="981", name="Huyện Mới", level="district", parent=empty)
    admin_client.post(
        reverse("admin:units_area_change", args=[orphan.pk]),
        {"code": "981", "name": "Huyện Mới", "level": "district", "parent": other.pk},
    )
    orphan.refresh_from_db()
    assert orphan.parent == other
    marked = set(RecomputeMark.objects.values_list("area_id", flat=True))
    assert {empty.pk, other.pk, orphan.pk} <= marked


def test_a_taken_code_is_a_form_error_in_the_admin(admin_client, unit, district):
    """Probe: a duplicate code gave 403 "Không được phép" instead of a form error."""
    other = ServiceUnitFactory(area=district)
    response = admin_client.post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {"code": other.code, "sector": unit.sector, "autonomy_group": 4},
    )
    assert response.status_code == 200
    assert "Mã này đã được dùng cho đơn vị khác." in response.content.decode()
    unit.refresh_from_db()
    assert unit.code != other.code


def test_an_admin_sets_a_scopes_target_and_it_is_audited(admin_client, district):
    from units.models import AuditEntry, Target

    response = admin_client.post(
        "/admin/units/target/add/",
        {
            "scope": district.pk,
            "metric": "units",
            "base_year": 2015,
            "target_year": 2021,
            "percent": "12.50",
            "source": "Kế hoạch 128-KH/TU",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(source="Kế hoạch 128-KH/TU")
    entry = AuditEntry.objects.get(object_type="units.target", object_id=str(target.pk))
    assert entry.links.filter(area=district).exists()


def test_a_lineage_link_added_or_deleted_in_the_admin_marks_both_areas_and_the_covers(
    admin_client, district, other_district, django_capture_on_commit_callbacks
):
    """A successor's figures count its predecessors' units: a link edited in
    the admin marked nothing, and the figures kept the old covers."""
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(
            reverse("admin:units_arealineage_add"),
            {
                "predecessor": district.pk,
                "successor": other_district.pk,
                "effective_on": "01/07/2025",
                "decision": "1/NQ-TEST",
                "main": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    marked = set(RecomputeMark.objects.values_list("area_id", "year"))
    assert {(district.pk, COVERS), (other_district.pk, COVERS)} <= marked
    assert (district.parent_id, 2025) in marked
    RecomputeMark.objects.all().delete()
    link = AreaLineage.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post(
            reverse("admin:units_arealineage_delete", args=[link.pk]), {"post": "yes"}
        )
    assert not AreaLineage.objects.exists()
    assert (other_district.pk, COVERS) in set(RecomputeMark.objects.values_list("area_id", "year"))


def test_the_login_lockouts_section_has_a_name(admin_client):
    """django-axes' section read a raw "AXES" (its label)."""
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Khóa đăng nhập" in page
    assert ">Axes<" not in page


def test_deleting_a_group_records_the_memberships_it_removes(admin_client):
    """Defect: the entry kept the group's permissions but not its members."""
    group = Group.objects.create(name="Nhóm xóa")
    members = [UserFactory(), UserFactory()]
    for user in members:
        user.groups.add(group)
    response = admin_client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [group.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Group.objects.filter(pk=group.pk).exists()
    entry = AuditEntry.objects.get(action="group.delete.admin", object_id=str(group.pk))
    assert entry.before["members"] == sorted(user.pk for user in members)
