"""The API's foundation: tokens (hashed, shown once, expiring, revocable, last
use kept), reads in the same scope as the pages, errors as JSON, the schema."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.factories import ServiceUnitFactory, UserFactory
from tests.units.api.problems import fields, problem
from units.choices import Role
from units.models import ApiToken, AuditEntry
from units.services.tokens import token_create, token_revoke


def auth(text):
    return {"HTTP_AUTHORIZATION": f"Token {text}"}


def test_a_token_is_stored_hashed_used_and_revoked(client, clerk, unit):
    token, text = token_create(actor=clerk, name="Hệ thống CSDL cán bộ", days=30)
    assert text.startswith(f"rw_{token.prefix}_") and text.split("_", 2)[2] not in token.digest
    response = client.get("/api/v1/units/", **auth(text))
    assert response.status_code == 200
    assert unit.name in [row["name"] for row in response.json()["results"]]
    token.refresh_from_db()
    assert token.last_used_at is not None
    token_revoke(actor=clerk, token_id=token.pk)
    assert client.get("/api/v1/units/", **auth(text)).status_code == 401
    assert AuditEntry.objects.filter(action__in=["token.create", "token.revoke"]).count() == 2


@pytest.mark.parametrize(
    "header",
    ["Token rw_deadbeef_wrong", "Token nonsense", "Token", "Token a b", "Bearer x"],
)
def test_bad_tokens_are_refused_not_crashed(client, clerk, header):
    token, text = token_create(actor=clerk, name="x", days=1)
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=header)
    assert response.status_code in (401, 403)
    assert problem(response)["errors"][0]["field"] is None


def test_an_expired_token_is_refused(client, clerk):
    token, text = token_create(actor=clerk, name="x", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/units/", **auth(text)).status_code == 401


def test_the_token_page_shows_a_new_token_once(client, clerk):
    client.force_login(clerk)
    page = client.post(reverse("units:tokens"), {"name": "Báo cáo tỉnh", "days": "90"})
    text = page.context["created"]
    assert text and text in page.content.decode()
    again = client.get(reverse("units:tokens")).content.decode()
    assert text not in again and "Báo cáo tỉnh" in again
    token = ApiToken.objects.get()
    other = UserFactory(roles=[Role.CLERK])
    client.force_login(other)
    assert client.post(reverse("units:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_readers_get_401(client):
    assert client.get("/api/v1/units/").status_code in (401, 403)


def test_an_official_reads_the_units_of_their_scope_only(client, district, other_district):
    inside = ServiceUnitFactory(name="Trường Mầm non Trong", area=district)
    ServiceUnitFactory(name="Trường Mầm non Ngoài", area=other_district)
    official = UserFactory(roles=[Role.OFFICIAL], scope_area=district)
    client.force_login(official)
    names = [row["name"] for row in client.get("/api/v1/units/").json()["results"]]
    assert names == [inside.name]


def test_units_filter_like_the_pages_and_page_by_cursor(client, official, district):
    for i in range(5):
        ServiceUnitFactory(name=f"Trường Mầm non Hoa Sữa {i}", area=district)
    ServiceUnitFactory(name="Trạm Y tế", area=district)
    client.force_login(official)
    first = client.get("/api/v1/units/", {"q": "hoa sua", "page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    assert all("Hoa Sữa" in r["name"] for r in [*first["results"], *second["results"]])


def test_bad_filters_are_a_400_in_vietnamese(client, official):
    client.force_login(official)
    response = client.get("/api/v1/units/", {"area": "abc", "active_on": "32/13/2020"})
    assert response.status_code == 400
    assert "active_on" in fields(response)
    english = client.get("/api/v1/units/", {"active_on": "32/13/2020"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400


def test_the_schema_and_its_documentation_are_served(client, official):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/units/",
        "/api/v1/areas/",
        "/api/v1/restructurings/",
        "/api/v1/sessions/",
        "/api/v1/recommendations/",
        "/api/v1/plans/",
        "/api/v1/recompute-runs/",
        "/api/v1/units/{id}/lineage/",
    ):
        assert path in paths, path
    client.force_login(official)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_the_audit_log_is_read_by_cursor_within_the_readers_scope(
    client, clerk, outsider_clerk, unit
):
    from units.services.units import unit_update

    unit_update(unit_id=unit.pk, actor=clerk, data={"code": "MN-01"})
    client.force_login(outsider_clerk)
    assert client.get("/api/v1/audit/").json()["results"] == []
    client.force_login(clerk)
    page = client.get("/api/v1/audit/", {"page_size": 1}).json()
    assert page["results"][0]["action"] == "unit.update" and "cursor=" in (
        page["next"] or "cursor="
    )


def test_areas_carry_their_validity_and_lineage(client, official, db):
    import datetime as dt

    from units.models import Area, AreaLineage

    old = Area.objects.create(
        code="30", name="Tỉnh Hải Dương", level="province", valid_to=dt.date(2025, 6, 30)
    )
    new = Area.objects.create(
        code="31", name="Thành phố Hải Phòng", level="province", valid_from=dt.date(2025, 7, 1)
    )
    AreaLineage.objects.create(
        predecessor=old, successor=new, effective_on=dt.date(2025, 7, 1), decision="202/2025/QH15"
    )
    client.force_login(official)
    found = client.get("/api/v1/areas/", {"q": "hai phong"}).json()["results"]
    merged = next(a for a in found if a["id"] == new.pk)
    assert merged["valid_from"] == "2025-07-01"
    assert merged["predecessors"] == [
        {"area": old.pk, "effective_on": "2025-07-01", "decision": "202/2025/QH15", "main": True}
    ]
    assert client.get(f"/api/v1/areas/{old.pk}/").json()["successors"][0]["area"] == new.pk


def test_an_admin_creates_and_revokes_a_users_token_in_the_admin(admin_client, clerk):
    response = admin_client.post(
        "/admin/units/apitoken/add/",
        {"user": clerk.pk, "name": "Hệ thống thống kê", "days": 30},
        follow=True,
    )
    token = ApiToken.objects.get()
    assert token.user == clerk and token.name == "Hệ thống thống kê"
    text = next(str(m) for m in response.context["messages"]).rsplit(" ", 1)[-1]
    assert text.startswith(f"rw_{token.prefix}_")
    admin_client.post(
        "/admin/units/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action__startswith="token.").count() == 2
    with pytest.raises(PermissionDenied):  # a clerk may not create one for another
        token_create(actor=clerk, owner=UserFactory(), name="x", days=1)
