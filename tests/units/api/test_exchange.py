"""docs/API.md's exchange, on the demo data: a token from a password, the units
of a district, a consolidation planned then recorded, the changed figure
(and its 304), the token revoked."""

import base64
import datetime as dt

from django.utils import timezone

from units.models import Restructuring


def test_the_documented_exchange(
    client, demo_figures, eager_tasks, django_capture_on_commit_callbacks
):
    basic = base64.b64encode(b"chuyenvien:demo12345").decode()
    created = client.post(
        "/api/v1/tokens/",
        {"name": "Phần mềm báo cáo tỉnh", "days": 30},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert created.status_code == 201, created.content
    token = created.json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}

    def get(url, **params):
        response = client.get(url, params, **auth)
        assert response.status_code == 200, (url, response.content)
        return response.json()

    district = get("/api/v1/areas/", q="ngo quyen", level="district")["results"][0]
    units = get("/api/v1/units/", area=district["id"], kind="service", active_on="31/12/2024")
    assert len(units["results"]) == 36 and units["next"] is None  # 42 → 36 by end-2023
    ward = get("/api/v1/areas/", q="gia vien", level="commune")["results"]
    ward = next(a for a in ward if a["valid_to"] is None)
    schools = get("/api/v1/units/", area=ward["id"], q="mam non")["results"]
    pair = [
        s for s in schools if s["name"] in ("Trường Mầm non Đằng Giang", "Trường Mầm non Đông Khê")
    ]
    assert len(pair) == 2
    today = timezone.localdate()
    body = {
        "kind": "consolidate",
        "decision": {
            "number": "250/QĐ-UBND",
            "decided_on": (today - dt.timedelta(days=5)).isoformat(),
            "effective_on": today.isoformat(),
            "authority": "UBND phường Gia Viên",
        },
        "source_ids": [s["id"] for s in pair],
        "new_units": [{"name": "Trường Mầm non Đằng Giang - Đông Khê"}],
    }
    figure_url = "/api/v1/figures/"
    params = {"scope": ward["id"], "year": today.year, "sector": "*"}
    before = get(figure_url, **params)["results"][0]["units"]
    plan = client.post(
        "/api/v1/restructurings/?dry_run=1", body, content_type="application/json", **auth
    )
    assert plan.status_code == 200 and len(plan.json()["ceasing"]) == 2
    assert not Restructuring.objects.filter(decision_number="250/QĐ-UBND").exists()
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(
            "/api/v1/restructurings/", body, content_type="application/json", **auth
        )
    assert applied.status_code == 201, applied.content
    figures = client.get(figure_url, params, **auth)
    assert figures.json()["results"][0]["units"] == before - 1
    unchanged = client.get(figure_url, params, HTTP_IF_NONE_MATCH=figures["ETag"], **auth)
    assert unchanged.status_code == 304
    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}/", **auth)
    assert revoked.status_code == 204
    assert client.get("/api/v1/units/", **auth).status_code == 401


def test_the_summary_gives_the_waterfall_with_its_decisions_and_the_targets(client, demo_figures):
    """Quận Ngô Quyền 2018 → 2023: 42 → 36, the bars sum up, each bar with a
    decision kind links to the restructurings that make it."""
    from units.models import Area, User

    client.force_login(User.objects.get(username="lanhdao"))
    district = Area.objects.get(level="district", code="304")
    data = client.get(
        "/api/v1/figures/summary/", {"scope": district.pk, "year": 2023, "base_year": 2018}
    ).json()
    assert (data["head"]["units_base"], data["head"]["units_now"]) == (42, 36)
    bars = data["waterfall"]
    assert bars[0]["running"] == 42 and bars[-1]["running"] == 36
    consolidated = next(bar for bar in bars if bar["kind"] == "consolidate")
    assert consolidated["value"] == -3
    decisions = client.get(consolidated["decisions"]).json()["results"]
    assert {d["decision_number"] for d in decisions} == {
        "1520/QĐ-UBND",
        "1105/QĐ-UBND",
        "1106/QĐ-UBND",
    }
    assert client.get("/api/v1/figures/summary/", {"year": "x"}).status_code == 400
