"""The guided restructuring form: steps, scoped picker, preview, confirm, reversal."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.factories import AgencyFactory, ServiceUnitFactory
from units.choices import RestructuringKind as K
from units.models import AuditEntry, Restructuring, Unit
from units.restructurings import Decision, restructuring_apply

pytestmark = pytest.mark.django_db

DECISION = {
    "number": "15/QĐ-UBND",
    "decided_on": "10/01/2020",
    "effective_on": "01/02/2020",
    "authority": "UBND quận Ngô Quyền",
    "note": "",
}


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def schools(district, agency):
    return [
        ServiceUnitFactory(name=f"Trường Tiểu học {n}", area=district, parent=agency)
        for n in ("Máy Chai", "Máy Tơ", "Vạn Mỹ")
    ]


def start(client, user, kind, **params):
    client.force_login(user)
    response = client.get(reverse("units:restructuring_new"), params)
    assert response.status_code == 302
    url = response.url
    key = url.split("/")[-3]
    page = client.get(url).content.decode()
    assert "Hợp nhất" in page and "Chia" in page  # every kind is offered
    assert client.post(url, {"kind": kind}).status_code == 302
    return key


def step_url(key, step):
    return reverse("units:restructuring_step", args=[key, step])


def fill_decision(client, key, **changes):
    return client.post(step_url(key, "decision"), {**DECISION, **changes})


def add_sources(client, key, units):
    for unit in units:
        client.post(step_url(key, "sources"), {"action": "add", "unit": unit.pk})
    return client.post(step_url(key, "sources"), {"action": "next"})


def test_consolidation_through_every_step(client, clerk, schools, agency, district):
    key = start(client, clerk, K.CONSOLIDATE)
    assert fill_decision(client, key).url == step_url(key, "sources")
    page = client.get(step_url(key, "sources"), {"q": "may"}).content.decode()
    assert "Trường Tiểu học Máy Chai" in page and "Trường Tiểu học Vạn Mỹ" not in page
    assert add_sources(client, key, schools[:2]).url == step_url(key, "results")

    page = client.get(step_url(key, "results")).content.decode()
    # Pre-filled from the first source: its name, managing body and area.
    assert 'value="Trường Tiểu học Máy Chai"' in page
    assert f'<option value="{agency.pk}" selected>' in page
    response = client.post(
        step_url(key, "results"),
        {
            "new-TOTAL_FORMS": 1,
            "new-INITIAL_FORMS": 1,
            "new-0-name": "Trường Tiểu học Máy Chai - Máy Tơ",
            "new-0-kind": "service",
            "new-0-sector": "education",
            "new-0-autonomy_group": "4",
            "new-0-parent_id": agency.pk,
            "new-0-area_id": district.pk,
            "new-0-level": "district",
            "action": "next",
        },
    )
    assert response.url == step_url(key, "preview")

    preview = client.get(step_url(key, "preview"))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Trường Tiểu học Máy Chai - Máy Tơ" in html
    rows = {row["label"]: row for row in preview.context["scopes"]}
    assert rows[district.name]["now"] == 3
    assert rows[district.name]["change"] == -1
    assert rows[district.name]["after"] == 2
    assert not Restructuring.objects.exists(), "nothing is saved before confirm"

    response = client.post(step_url(key, "preview"))
    restructuring = Restructuring.objects.get()
    assert response.url == reverse("units:restructuring_detail", args=[restructuring.pk])
    assert restructuring.decision_number == "15/QĐ-UBND"
    assert restructuring.effective_on == dt.date(2020, 2, 1)
    assert Unit.objects.active_on(dt.date(2020, 2, 1)).filter(area=district).services().count() == 2
    assert AuditEntry.objects.filter(action="restructuring.apply").count() == 1
    # The draft is gone: the same form cannot be confirmed twice.
    assert client.post(step_url(key, "preview")).status_code == 404


def test_decision_errors_are_specific_and_in_vietnamese(client, clerk, schools):
    key = start(client, clerk, K.DISSOLVE)
    response = fill_decision(client, key, number="", effective_on="01/01/2019")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phải nhập số quyết định." in html
    assert "Ngày hiệu lực không được trước ngày ban hành quyết định." in html
    response = fill_decision(client, key, decided_on="31/02/2020")
    assert "Nhập ngày theo dạng dd/mm/yyyy." in response.content.decode()


def test_later_steps_wait_for_earlier_ones(client, clerk, schools):
    key = start(client, clerk, K.CONSOLIDATE)
    assert client.get(step_url(key, "preview")).url == step_url(key, "decision")
    fill_decision(client, key)
    response = add_sources(client, key, schools[:1])
    assert response.status_code == 200
    assert "Chọn ít nhất hai đơn vị" in response.content.decode()
    assert client.get(step_url(key, "results")).url == step_url(key, "sources")


def test_picker_offers_only_units_in_scope_and_active(client, clerk, schools, other_district):
    outside = ServiceUnitFactory(name="Trường Tiểu học Nhân Chính", area=other_district)
    closed = ServiceUnitFactory(
        name="Trường Tiểu học Đã Đóng", area=schools[0].area, closed_on=dt.date(2019, 1, 1)
    )
    key = start(client, clerk, K.DISSOLVE)
    fill_decision(client, key)
    response = client.get(step_url(key, "sources"), {"q": "truong"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="candidates"' in html and "<html" not in html
    assert schools[0].name in html
    assert outside.name not in html and closed.name not in html
    # Adding keeps the search, so the next unit is one click away.
    response = client.post(
        step_url(key, "sources"), {"action": "add", "unit": schools[0].pk, "q": "tiểu học"}
    )
    assert response.url == step_url(key, "sources") + "?q=ti%E1%BB%83u+h%E1%BB%8Dc"
    # Posting an id by hand does not get round the picker.
    response = client.post(step_url(key, "sources"), {"action": "add", "unit": outside.pk})
    assert "ngoài phạm vi" in response.content.decode()


def test_preview_shows_a_failed_rule_and_saves_nothing(client, clerk, schools):
    key = start(client, clerk, K.DISSOLVE)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    # Meanwhile another clerk dissolves the same school.
    restructuring_apply(
        actor=clerk,
        kind=K.DISSOLVE,
        source_ids=[schools[0].pk],
        decision=Decision("9/QĐ", dt.date(2019, 1, 1), dt.date(2019, 6, 1), "UBND quận"),
    )
    response = client.post(step_url(key, "preview"))
    assert response.status_code == 400
    assert "đã được sắp xếp bởi quyết định 9/QĐ" in response.content.decode()
    assert Restructuring.objects.count() == 1


def test_out_of_scope_clerk_gets_403_and_nothing_changes(client, clerk, outsider_clerk, schools):
    key = start(client, clerk, K.DISSOLVE)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    # The same draft in the outsider's session: the confirm is refused.
    session = client.session
    drafts = session["restructuring_drafts"]
    client.force_login(outsider_clerk)
    session = client.session
    session["restructuring_drafts"] = drafts
    session.save()
    assert "ngoài phạm vi" in client.get(step_url(key, "preview")).content.decode()
    assert client.post(step_url(key, "preview")).status_code == 403
    assert not Restructuring.objects.exists()
    assert Unit.objects.get(pk=schools[0].pk).closed_on is None


@pytest.mark.parametrize("role", ["official", "supervisor"])
def test_only_clerks_and_admins_open_the_form(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("units:restructuring_new")).status_code == 403


def test_split_needs_two_new_units_and_can_add_one(client, clerk, schools, district, agency):
    key = start(client, clerk, K.SPLIT)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    page = client.get(step_url(key, "results"))
    assert page.context["formset"].total_form_count() == 2
    row = {
        "kind": "service",
        "sector": "education",
        "parent_id": agency.pk,
        "area_id": district.pk,
        "level": "district",
    }
    data = {"new-TOTAL_FORMS": 2, "new-INITIAL_FORMS": 2, "action": "add_row"}
    for i, name in enumerate(["Trường A", "Trường B"]):
        data.update({f"new-{i}-{k}": v for k, v in {**row, "name": name}.items()})
    client.post(step_url(key, "results"), data)
    assert client.get(step_url(key, "results")).context["formset"].total_form_count() == 3
    data.update({f"new-2-{k}": v for k, v in {**row, "name": ""}.items()})
    data.update({"new-TOTAL_FORMS": 3, "action": "next"})
    response = client.post(step_url(key, "results"), data)
    assert "Mỗi đơn vị mới phải có tên." in response.content.decode()


def test_merge_target_and_transfer_destination(client, clerk, schools, district, agency):
    key = start(client, clerk, K.MERGE)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    response = client.post(step_url(key, "results"), {"action": "next"})
    assert "Chọn đơn vị tiếp nhận" in response.content.decode()
    client.post(step_url(key, "results"), {"action": "target", "unit": schools[1].pk})
    client.post(step_url(key, "results"), {"action": "next"})
    client.post(step_url(key, "preview"))
    assert Unit.objects.get(pk=schools[0].pk).closed_on == dt.date(2020, 2, 1)
    assert Unit.objects.get(pk=schools[1].pk).closed_on is None

    new_body = AgencyFactory(name="Phòng Giáo dục và Đào tạo", area=district)
    key = start(client, clerk, K.TRANSFER)
    fill_decision(client, key, number="16/QĐ-UBND")
    add_sources(client, key, schools[2:])
    assert "Chuyển giao cần cơ quan quản lý hoặc địa bàn mới." in (
        client.post(step_url(key, "results"), {}).content.decode()
    )
    client.post(step_url(key, "results"), {"new_parent": new_body.pk})
    client.post(step_url(key, "preview"))
    copy = Unit.objects.get(name=schools[2].name, closed_on__isnull=True)
    assert copy.parent == new_body


def test_rename_and_decision_file(client, clerk, schools, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    key = start(client, clerk, K.RENAME, unit=schools[0].pk)
    fill_decision(client, key)
    assert client.post(step_url(key, "sources"), {"action": "next"}).status_code == 302
    client.post(
        step_url(key, "results"), {"name": "Trường Tiểu học Máy Chai mới", "sector": "education"}
    )
    bad = SimpleUploadedFile("qd.exe", b"MZ")
    response = client.post(step_url(key, "preview"), {"decision_file": bad})
    assert "tệp PDF" in response.content.decode()
    assert not Restructuring.objects.exists()
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(step_url(key, "preview"), {"decision_file": pdf})
    restructuring = Restructuring.objects.get()
    assert restructuring.decision_file.name.endswith(".pdf")
    assert Unit.objects.get(pk=schools[0].pk).name == "Trường Tiểu học Máy Chai mới"


def test_reverse_from_the_decision_page(client, clerk, outsider_clerk, schools):
    restructuring = restructuring_apply(
        actor=clerk,
        kind=K.DISSOLVE,
        source_ids=[schools[0].pk],
        decision=Decision("9/QĐ", dt.date(2019, 1, 1), dt.date(2019, 6, 1), "UBND quận"),
    )
    url = reverse("units:restructuring_reverse", args=[restructuring.pk])
    detail = reverse("units:restructuring_detail", args=[restructuring.pk])

    client.force_login(outsider_clerk)
    assert "Hủy bỏ quyết định này" not in client.get(detail).content.decode()
    assert client.post(url, {"reason": "Nhập nhầm"}).status_code == 403
    assert Restructuring.objects.get().reversed_at is None

    client.force_login(clerk)
    assert "Hủy bỏ quyết định này" in client.get(detail).content.decode()
    client.post(url, {"reason": ""})
    assert Restructuring.objects.get().reversed_at is None
    client.post(url, {"reason": "Nhập nhầm số quyết định"})
    assert Restructuring.objects.get().reversal_reason == "Nhập nhầm số quyết định"
    assert Unit.objects.get(pk=schools[0].pk).closed_on is None
    assert AuditEntry.objects.filter(action="restructuring.reverse").count() == 1
