"""The guided restructuring form: steps, scoped picker, preview, confirm, drafts, annulment."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import queries_of
from tests.factories import AgencyFactory, ServiceUnitFactory
from tests.units.views.restructuring_steps import (
    add_sources,
    fill_decision,
    new_unit_rows,
    start,
    step_url,
    through_sources,
)
from units.choices import RestructuringKind as K
from units.models import AuditEntry, Restructuring, Unit
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply, restructuring_reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]


def test_consolidation_through_every_step(client, clerk, schools, agency, district):
    key = start(client, clerk, K.CONSOLIDATE)
    assert fill_decision(client, key).url == step_url(key, "sources")
    page = client.get(step_url(key, "sources"), {"q": "may"}).content.decode()
    assert "Trường Tiểu học Máy Chai" in page and "Trường Tiểu học Vạn Mỹ" not in page
    assert add_sources(client, key, schools[:2]).url == step_url(key, "results")

    page = client.get(step_url(key, "results")).content.decode()
    # Pre-filled from the first source: its managing body and area, never its
    # name (a new unit recorded under a ceasing unit's name goes unnoticed).
    assert 'value="Trường Tiểu học Máy Chai"' not in page
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
    # Adding keeps the search, so the next unit is one click away: the page
    # opens at the search, focused (it opened at its top).
    response = client.post(
        step_url(key, "sources"), {"action": "add", "unit": schools[0].pk, "q": "tiểu học"}
    )
    assert response.url == step_url(key, "sources") + "?q=ti%E1%BB%83u+h%E1%BB%8Dc&picked=1"
    page = client.get(response.url).content.decode()
    assert 'autocomplete="off" autofocus' in page and 'id="picker"' in page
    # Posting an id by hand does not get round the picker.
    response = client.post(step_url(key, "sources"), {"action": "add", "unit": outside.pk})
    assert "ngoài phạm vi" in response.content.decode()


def test_preview_shows_a_failed_rule_and_saves_nothing(client, clerk, schools):
    key = through_sources(client, clerk, K.DISSOLVE, schools[:1])
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
    key = through_sources(client, clerk, K.DISSOLVE, schools[:1])
    # The same draft in the outsider's session: the confirm is refused.
    session = client.session
    drafts = session["restructuring_drafts"]
    client.force_login(outsider_clerk)
    session = client.session
    session["restructuring_drafts"] = drafts
    session.save()
    preview = client.get(step_url(key, "preview")).content.decode()
    assert f"{schools[0].name} nằm ngoài phạm vi của bạn" in preview
    assert client.post(step_url(key, "preview")).status_code == 403
    assert not Restructuring.objects.exists()
    assert Unit.objects.get(pk=schools[0].pk).closed_on is None


@pytest.mark.parametrize("role", ["official", "supervisor"])
def test_only_clerks_and_admins_open_the_form(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("units:restructuring_new")).status_code == 403


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
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Nhập nhầm"}).status_code == 403
    assert Restructuring.objects.get().reversed_at is None

    client.force_login(clerk)
    assert "Hủy bỏ quyết định này" in client.get(detail).content.decode()
    # The confirmation shows what comes back before anything happens.
    confirm = client.get(url).content.decode()
    assert "hoạt động trở lại" in confirm and schools[0].name in confirm
    assert Restructuring.objects.get().reversed_at is None
    client.post(url, {"reason": ""})
    assert Restructuring.objects.get().reversed_at is None
    client.post(url, {"reason": "Nhập nhầm số quyết định"})
    assert Restructuring.objects.get().reversal_reason == "Nhập nhầm số quyết định"
    assert Unit.objects.get(pk=schools[0].pk).closed_on is None
    assert AuditEntry.objects.filter(action="restructuring.reverse").count() == 1


def test_opening_the_form_never_drops_a_draft(client, clerk, schools):
    """Defect: five GETs of the form (no CSRF needed) silently dropped a draft."""
    key = start(client, clerk, K.DISSOLVE)
    fill_decision(client, key)
    for _ in range(8):
        assert client.get(reverse("units:restructuring_new")).status_code == 200
    assert client.get(step_url(key, "sources")).status_code == 200
    assert list(client.session["restructuring_drafts"]) == [key]


@pytest.mark.parametrize("value", ["²", "abc", "-1", "9" * 30])
def test_bad_unit_ids_get_a_message_not_a_500(client, clerk, schools, value):
    """Defect: ?unit=² on the form and unit=² on the units step were 500s."""
    client.force_login(clerk)
    assert client.get(reverse("units:restructuring_new"), {"unit": value}).status_code == 200
    response = client.post(reverse("units:restructuring_new"), {"kind": "dissolve", "unit": value})
    key = response.url.split("/")[-3]
    assert client.session["restructuring_drafts"][key]["sources"] == []
    fill_decision(client, key)
    response = client.post(step_url(key, "sources"), {"action": "add", "unit": value})
    assert response.status_code == 200
    assert "ngoài phạm vi" in response.content.decode()


@pytest.mark.parametrize("kind", [K.DISSOLVE, K.TRANSFER])
def test_the_preview_costs_a_fixed_number_of_queries(client, clerk, district, agency, kind):
    """Review: every unit chosen cost another query or three."""
    body = AgencyFactory(area=district, name="Phòng Văn hóa")
    counts = []
    for size in (2, 12):
        units = ServiceUnitFactory.create_batch(size, area=district, parent=agency)
        key = through_sources(client, clerk, kind, units)
        if kind == K.TRANSFER:
            client.post(step_url(key, "results"), {"action": "parent", "unit": body.pk})
            client.post(step_url(key, "results"), {"action": "next"})
        url = step_url(key, "preview")
        counts.append(queries_of(lambda url=url: client.get(url)))
        assert len(client.get(url).context["plan"].sources) == size
    assert counts[0] == counts[1] <= 16, counts


def test_nul_bytes_in_the_pickers_searches_are_harmless(client, clerk, schools):
    key = start(client, clerk, K.TRANSFER)
    fill_decision(client, key)
    page = client.get(step_url(key, "sources"), {"q": "tr\x00uong"})
    assert page.status_code == 200 and schools[0].name in page.content.decode()
    add_sources(client, key, schools[:1])
    for params in ({"q_parent": "\x00"}, {"q_area": "qu\x00an"}):
        assert client.get(step_url(key, "results"), params).status_code == 200


def test_a_draft_whose_unit_was_removed_asks_again(client, clerk, schools, district, agency):
    """Probe: a rename draft whose unit an annulment had removed was a 500 for good."""
    split = restructuring_apply(
        actor=clerk,
        kind=K.SPLIT,
        source_ids=[schools[0].pk],
        new_units=[NewUnit(name="Trường X"), NewUnit(name="Trường Y")],
        decision=Decision("8/QĐ", dt.date(2019, 1, 1), dt.date(2019, 6, 1), "UBND quận"),
    )
    x = Unit.objects.get(name="Trường X")
    key = start(client, clerk, K.RENAME, unit=x.pk)
    fill_decision(client, key)
    client.post(step_url(key, "sources"), {"action": "next"})
    restructuring_reverse(restructuring_id=split.pk, actor=clerk, reason="Nhập nhầm")
    response = client.get(step_url(key, "results"), follow=True)
    assert response.redirect_chain[-1][0] == step_url(key, "sources")
    assert "không còn tồn tại" in response.content.decode()


def test_a_form_confirmed_twice_records_once(client, clerk, district, agency):
    """Probe: three simultaneous confirms of an establishment recorded three."""
    key = start(client, clerk, K.ESTABLISH)
    fill_decision(client, key)
    client.post(
        step_url(key, "results"),
        {**new_unit_rows(agency, district, ["Trường Mới"]), "action": "next"},
    )
    draft = client.session["restructuring_drafts"][key]
    first = client.post(step_url(key, "preview"))
    # The second click arrives with the draft still in its session.
    session = client.session
    session["restructuring_drafts"] = {key: draft}
    session.save()
    second = client.post(step_url(key, "preview"))
    assert Restructuring.objects.count() == 1
    assert (
        first.url
        == second.url
        == reverse("units:restructuring_detail", args=[Restructuring.objects.get().pk])
    )


def test_dates_outside_any_plausible_range_are_refused(client, clerk, schools):
    """Probe: 01/01/0001 and 31/12/9999 were accepted (and marked 2,000 years stale)."""
    key = start(client, clerk, K.DISSOLVE)
    for day in ("01/01/0001", "31/12/9999"):
        response = fill_decision(client, key, decided_on=day, effective_on=day)
        assert response.status_code == 200
        assert "Ngày phải nằm trong khoảng từ 01/01/1945" in response.content.decode()


def test_officials_get_403_on_annulling_even_an_annulled_decision(client, clerk, official, schools):
    restructuring = restructuring_apply(
        actor=clerk,
        kind=K.DISSOLVE,
        source_ids=[schools[0].pk],
        decision=Decision("9/QĐ", dt.date(2019, 1, 1), dt.date(2019, 6, 1), "UBND quận"),
    )
    restructuring_reverse(restructuring_id=restructuring.pk, actor=clerk, reason="Nhầm")
    client.force_login(official)
    url = reverse("units:restructuring_reverse", args=[restructuring.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
