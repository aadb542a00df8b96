"""The API's page journey in Chromium: a clerk creates a token (shown once),
uses it, revokes it; the interactive documentation loads under the strict CSP,
and, tried on a unit that does not exist, shows the
problem details the API answers."""

from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER, log_in

pytestmark = BROWSER


def test_a_clerk_creates_uses_and_revokes_a_token(page, shot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "chuyenvien")
    page.goto("/account/tokens/")
    page.fill("#id_name", "Phần mềm báo cáo tỉnh")
    page.locator("form.card button.primary").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("rw_")
    shot(page, "token-created")
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/units/").status_code == 200
    page.goto("/account/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)  # shown once
    page.locator("form[action$='/revoke/'] button").click()
    expect(page.locator("table.data .badge.closed")).to_be_visible()
    assert api.get("/api/v1/units/").status_code == 401
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text("ReformWatch API")
    expect(page.locator(".apidocs-bar a").first).to_have_attribute("href", "/")
    shot(page, "docs")
    operation = page.locator("[id$='-v1_units_retrieve']")
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator("input[placeholder='id']").fill("999999999")
    operation.locator(".execute").click()
    answer = operation.locator(".live-responses-table")
    expect(answer).to_contain_text("application/problem+json")
    expect(answer).to_contain_text('"status": 404')
    shot(page, "docs-problem")
    assert errors == [] or all("404" in error for error in errors)
