"""Steps of the guided restructuring form, as the view tests take them."""

from django.urls import reverse

from tests.files import PDF  # noqa: F401 (the steps' tests import it from here)

# What passed for a PDF before: its header and trailer around no page at all.
HOLLOW_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DECISION = {
    "number": "15/QĐ-UBND",
    "decided_on": "10/01/2020",
    "effective_on": "01/02/2020",
    "authority": "UBND quận Ngô Quyền",
    "note": "",
}


def start(client, user, kind, **params):
    client.force_login(user)
    page = client.get(reverse("units:restructuring_new"), params).content.decode()
    assert "Hợp nhất" in page and "Chia" in page  # every kind is offered
    response = client.post(reverse("units:restructuring_new"), {"kind": kind, **params})
    assert response.status_code == 302
    key = response.url.split("/")[-3]
    assert response.url == step_url(key, "decision")
    return key


def step_url(key, step):
    return reverse("units:restructuring_step", args=[key, step])


def fill_decision(client, key, **changes):
    return client.post(step_url(key, "decision"), {**DECISION, **changes})


def add_sources(client, key, units):
    for unit in units:
        client.post(step_url(key, "sources"), {"action": "add", "unit": unit.pk})
    return client.post(step_url(key, "sources"), {"action": "next"})


def through_sources(client, user, kind, units, decision=None, **params):
    """A draft of `kind` started by `user` (with `params`), its decision filled
    in (with `decision`'s changes) and `units` accepted as its sources: its key."""
    key = start(client, user, kind, **params)
    fill_decision(client, key, **(decision or {}))
    assert add_sources(client, key, units).status_code == 302
    return key


def new_unit_rows(agency, district, names):
    data = {"new-TOTAL_FORMS": len(names), "new-INITIAL_FORMS": len(names)}
    row = {
        "kind": "service",
        "sector": "education",
        "parent_id": agency.pk,
        "area_id": district.pk,
        "level": "district",
    }
    for i, name in enumerate(names):
        data.update({f"new-{i}-{k}": v for k, v in {**row, "name": name}.items()})
    return data
