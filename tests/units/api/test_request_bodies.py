"""Request bodies are JSON, and nothing else: a form-encoded or multipart
body is refused (415) and nothing is written; the dry run's flag is a yes or
a no, never a typo taken for "apply"."""

from urllib.parse import urlencode

import pytest
from django.test.client import MULTIPART_CONTENT

from tests.units.api.problems import fields
from tests.units.api.test_restructurings import consolidation, pair  # noqa: F401 (fixture)
from units.models import ApiToken, Restructuring

FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("content_type", [FORM, MULTIPART_CONTENT])
def test_a_form_body_is_refused_with_415(client, clerk, content_type):
    client.force_login(clerk)
    fields_ = {"name": "Báo cáo tỉnh", "days": "30"}
    data = urlencode(fields_) if content_type == FORM else fields_
    response = client.post("/api/v1/tokens/", data, content_type=content_type)
    assert response.status_code == 415, response.content
    assert not ApiToken.objects.exists()


def test_a_form_body_is_refused_by_every_write(client, clerk, pair):  # noqa: F811
    client.force_login(clerk)
    for url in ("/api/v1/restructurings/", "/api/v1/restructurings/?dry_run=1"):
        response = client.post(url, urlencode({"kind": "consolidate"}), content_type=FORM)
        assert response.status_code == 415, url
    assert not Restructuring.objects.exists()


def test_the_same_body_as_json_is_accepted(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/api/v1/tokens/", {"name": "Báo cáo tỉnh", "days": 30}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("flag", ["maybe", "2", ""])
def test_a_dry_run_flag_that_is_not_a_yes_or_a_no_is_a_400(client, clerk, pair, flag):  # noqa: F811
    client.force_login(clerk)
    response = client.post(
        f"/api/v1/restructurings/?dry_run={flag}",
        consolidation(*pair),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert fields(response) == ["dry_run"]
    assert not Restructuring.objects.exists()


@pytest.mark.parametrize("flag", ["1", "true", "yes"])
def test_a_dry_run_writes_nothing_whichever_yes_it_is_given_as(client, clerk, pair, flag):  # noqa: F811
    client.force_login(clerk)
    response = client.post(
        f"/api/v1/restructurings/?dry_run={flag}",
        consolidation(*pair),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert not Restructuring.objects.exists()
