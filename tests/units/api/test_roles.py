"""Every endpoint × role: who reads, who writes, who is refused (and that a
refused write changes nothing)."""

import pytest

from tests.factories import ServiceUnitFactory
from tests.units.api.problems import problem
from units.models import AuditEntry, Restructuring, StaffingFigure

ROLES = ["anonymous", "official", "clerk", "outsider_clerk", "supervisor", "admin_user"]
READS = [
    "/api/v1/areas/",
    "/api/v1/units/",
    "/api/v1/restructurings/",
    "/api/v1/staffing/",
    "/api/v1/figures/",
    "/api/v1/recompute-runs/",
    "/api/v1/sessions/",
    "/api/v1/recommendations/",
    "/api/v1/plans/",
    "/api/v1/tokens/",
    "/api/v1/audit/",
    "/api/v1/figures/summary/",
]


def login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", READS)
def test_every_list_is_read_by_the_signed_in_only(client, request, role, url):
    login(client, request, role)
    response = client.get(url)
    expected = {403} if role == "anonymous" else {200}
    assert response.status_code in expected | ({401} if role == "anonymous" else set())
    if role == "anonymous":
        assert problem(response)["type"] == "about:blank"
    else:
        assert response["Content-Type"].startswith("application/json")


WRITES = {
    # role: (restructuring, staffing bulk, full recompute)
    "anonymous": (403, 403, 403),
    "official": (403, 403, 403),
    "clerk": (201, 200, 403),
    "outsider_clerk": (403, 403, 403),
    "supervisor": (403, 403, 403),
    "admin_user": (201, 200, 202),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_writes_what_the_pages_let_it(client, request, role, district, eager_tasks):
    a, b = (ServiceUnitFactory(area=district, name=n) for n in ("Trường A", "Trường B"))
    login(client, request, role)
    expected = WRITES[role]
    body = {
        "kind": "consolidate",
        "decision": {
            "number": "1/QĐ",
            "decided_on": "2024-06-01",
            "effective_on": "2024-07-01",
            "authority": "UBND",
        },
        "source_ids": [a.pk, b.pk],
        "new_units": [{"name": "Trường AB"}],
    }
    before = AuditEntry.objects.count()
    responses = (
        client.post("/api/v1/restructurings/", body, content_type="application/json"),
        client.post(
            "/api/v1/staffing/bulk/",
            {"year": 2023, "rows": [{"unit": a.pk, "category": "budget_employee", "assigned": 9}]},
            content_type="application/json",
        ),
        client.post("/api/v1/recompute-runs/"),
    )
    got = tuple(r.status_code for r in responses)
    anonymous = role == "anonymous"
    assert got == expected or (anonymous and set(got) <= {401, 403}), got
    if expected[0] != 201:
        assert not Restructuring.objects.exists() and not StaffingFigure.objects.exists()
        assert AuditEntry.objects.count() == before
