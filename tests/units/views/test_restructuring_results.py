"""The results step of the guided form: new units, the absorbing unit, a transfer's
destination, a new name; and what tampered input gets."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AgencyFactory, AreaFactory
from tests.units.views.restructuring_steps import PDF, new_unit_rows, step_url, through_sources
from units.choices import RestructuringKind as K
from units.models import Restructuring, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]


def test_split_needs_two_new_units_and_can_add_one(client, clerk, schools, district, agency):
    key = through_sources(client, clerk, K.SPLIT, schools[:1])
    page = client.get(step_url(key, "results"))
    assert page.context["formset"].total_form_count() == 2
    data = {**new_unit_rows(agency, district, ["Trường A", "Trường B"]), "action": "add_row"}
    client.post(step_url(key, "results"), data)
    assert client.get(step_url(key, "results")).context["formset"].total_form_count() == 3
    data = {**new_unit_rows(agency, district, ["Trường A", "Trường B", ""]), "action": "next"}
    response = client.post(step_url(key, "results"), data)
    assert "Mỗi đơn vị mới phải có tên." in response.content.decode()


def test_merge_target_and_transfer_destination(client, clerk, schools, district, agency):
    key = through_sources(client, clerk, K.MERGE, schools[:1])
    response = client.post(step_url(key, "results"), {"action": "next"})
    assert "Chọn đơn vị tiếp nhận" in response.content.decode()
    client.post(step_url(key, "results"), {"action": "target", "unit": schools[1].pk})
    client.post(step_url(key, "results"), {"action": "next"})
    client.post(step_url(key, "preview"))
    assert Unit.objects.get(pk=schools[0].pk).closed_on == dt.date(2020, 2, 1)
    assert Unit.objects.get(pk=schools[1].pk).closed_on is None

    new_body = AgencyFactory(name="Phòng Giáo dục và Đào tạo", area=district)
    key = through_sources(client, clerk, K.TRANSFER, schools[2:], {"number": "16/QĐ-UBND"})
    assert "Chuyển giao cần cơ quan quản lý hoặc địa bàn mới." in (
        client.post(step_url(key, "results"), {"action": "next"}).content.decode()
    )
    client.post(step_url(key, "results"), {"action": "parent", "unit": new_body.pk})
    client.post(step_url(key, "results"), {"action": "next"})
    client.post(step_url(key, "preview"))
    copy = Unit.objects.get(name=schools[2].name, closed_on__isnull=True)
    assert copy.parent == new_body


def test_rename_and_decision_file(client, clerk, schools, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    key = through_sources(client, clerk, K.RENAME, [], unit=schools[0].pk)
    client.post(
        step_url(key, "results"), {"name": "Trường Tiểu học Máy Chai mới", "sector": "education"}
    )
    bad = SimpleUploadedFile("qd.exe", b"MZ")
    response = client.post(step_url(key, "preview"), {"decision_file": bad})
    assert "tệp PDF" in response.content.decode()
    assert not Restructuring.objects.exists()
    pdf = SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")
    client.post(step_url(key, "preview"), {"decision_file": pdf})
    restructuring = Restructuring.objects.get()
    assert restructuring.decision_file.name.endswith(".pdf")
    assert Unit.objects.get(pk=schools[0].pk).name == "Trường Tiểu học Máy Chai mới"


CANNOT_REMOVE = "Không xóa được dòng này."
TOO_FEW = "Hình thức sắp xếp này cần ít nhất 2 đơn vị mới."
INCOMPLETE = "Biểu mẫu gửi lên không đầy đủ; vui lòng thử lại."


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"action": "remove_row:abc"}, CANNOT_REMOVE),
        ({"action": "remove_row:99"}, CANNOT_REMOVE),
        ({"action": "remove_row:²"}, CANNOT_REMOVE),
        ({"new-TOTAL_FORMS": "0", "action": "next"}, TOO_FEW),
        ({"new-TOTAL_FORMS": "0", "action": "add_row"}, TOO_FEW),
        ({"new-TOTAL_FORMS": "x", "action": "next"}, INCOMPLETE),
        ({"new-TOTAL_FORMS": "5000", "action": "next"}, "tạo tối đa 50 đơn vị mới"),
        ({"new-TOTAL_FORMS": "3", "action": "next"}, "Mỗi đơn vị mới phải có tên."),
    ],
)
def test_tampered_results_get_a_message_and_the_draft_stays_usable(
    client, clerk, schools, agency, district, changes, message
):
    """Defect: remove_row:abc, remove_row:99, TOTAL_FORMS=0 and a blank row were
    500s, and after a blank row every preview of that draft was a 500 too."""
    key = through_sources(client, clerk, K.SPLIT, schools[:1])
    data = {**new_unit_rows(agency, district, ["Trường A", "Trường B"]), **changes}
    response = client.post(step_url(key, "results"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    preview = client.get(step_url(key, "preview"), follow=True)
    assert preview.status_code == 200
    assert not Restructuring.objects.exists()
    # The draft can still be finished properly.
    good = {**new_unit_rows(agency, district, ["Trường A", "Trường B"]), "action": "next"}
    assert client.post(step_url(key, "results"), good).url == step_url(key, "preview")
    assert client.post(step_url(key, "preview")).status_code == 302
    assert Restructuring.objects.count() == 1


def test_a_blank_row_can_be_removed(client, clerk, schools, agency, district):
    key = through_sources(client, clerk, K.SPLIT, schools[:1])
    data = {
        **new_unit_rows(agency, district, ["Trường A", "Trường B", ""]),
        "action": "remove_row:2",
    }
    client.post(step_url(key, "results"), data)
    assert client.get(step_url(key, "results")).context["formset"].total_form_count() == 2


def test_absurd_staff_numbers_are_refused_and_leave_no_file(
    client, clerk, schools, agency, district, settings, tmp_path
):
    """Defect: staff_moved of 10^30 was a 500 and left the uploaded PDF on disk."""
    settings.MEDIA_ROOT = tmp_path
    key = through_sources(client, clerk, K.SPIN_OFF, schools[:1])
    data = {**new_unit_rows(agency, district, ["Trường A"]), "new-0-staff_moved": 10**30}
    response = client.post(step_url(key, "results"), {**data, "action": "next"})
    assert response.status_code == 200
    assert "nhỏ hơn hoặc bằng" in response.content.decode()
    # A draft that holds such a number anyway (an old session) is refused at confirm.
    session = client.session
    draft = session["restructuring_drafts"][key]
    draft["new_units"] = [
        {
            "name": "Trường A",
            "kind": "service",
            "sector": "education",
            "parent_id": agency.pk,
            "area_id": district.pk,
            "level": "district",
            "staff_moved": 10**30,
        }
    ]
    draft["results_done"] = True
    session.save()
    pdf = SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")
    response = client.post(step_url(key, "preview"), {"decision_file": pdf})
    assert response.status_code == 400
    assert "số người chuyển sang phải từ 0 đến 100.000" in response.content.decode()
    assert not Restructuring.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_a_transfer_can_go_to_another_province(client, clerk, schools, district):
    """Defect: the destination choices were limited to the source's province, even
    for an admin. The source must be in the clerk's scope; the destination need not."""
    hanoi = AreaFactory(name="Thành phố Hà Nội", code="01")
    body = AgencyFactory(name="Sở Giáo dục và Đào tạo Hà Nội", area=hanoi, level="province")
    key = through_sources(client, clerk, K.TRANSFER, schools[:1])
    found = client.get(
        step_url(key, "results"),
        {"q_parent": "so giao duc ha noi", "pick": "parent"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert body.name in found and "<html" not in found
    client.post(step_url(key, "results"), {"action": "parent", "unit": body.pk})
    client.post(step_url(key, "results"), {"action": "area_of_parent"})
    assert client.post(step_url(key, "results"), {"action": "next"}).url == step_url(key, "preview")
    assert client.post(step_url(key, "preview")).status_code == 302
    copy = Unit.objects.get(name=schools[0].name, closed_on__isnull=True)
    assert (copy.parent, copy.area) == (body, hanoi)


def test_the_absorbing_unit_cannot_be_an_absorbed_one(client, clerk, schools):
    key = through_sources(client, clerk, K.MERGE, schools[:2])
    response = client.post(step_url(key, "results"), {"action": "target", "unit": schools[0].pk})
    assert "Đơn vị tiếp nhận không thể đồng thời là đơn vị bị sáp nhập." in (
        response.content.decode()
    )
    assert client.session["restructuring_drafts"][key].get("target") is None


def test_the_body_s_area_needs_a_body_first(client, clerk, schools):
    key = through_sources(client, clerk, K.TRANSFER, schools[:1])
    response = client.post(step_url(key, "results"), {"action": "area_of_parent"})
    assert "Hãy chọn cơ quan quản lý mới trước." in response.content.decode()
