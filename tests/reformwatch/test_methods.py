"""Every page answers POST with 405 unless it is a form that writes: 430 POSTs
to read-only pages answered 200 (a probe's find). The routes are walked from
the URLconf, so a read page added later is held to the same rule."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory
from units.choices import Role

pytestmark = pytest.mark.django_db

# Pages that take a POST on purpose (forms, actions), by URL name.
WRITES = {
    "login",
    "logout",
    "set_language",
    "unit_edit",
    "restructuring_reverse",
    "restructuring_new",
    "restructuring_step",
    "recompute_all",
    "staffing_grid",
    "staffing_import",
    "staffing_import_preview",
    "tokens",
    "token_revoke",
    "session_new",
    "session_edit",
    "session_transition",
    "session_publish",
    "working_add",
    "working_remove",
    "report_edit",
    "recommendation_act",
    "deadline_decide",
    "notifications_read",
    "plan_new",
    "plan_edit",
}
# Not pages of ours: the admin, the API (DRF answers 405 itself) and the
# debug toolbar.
ELSEWHERE = ("admin/", "api/", "__debug__/", "i18n/")
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x"}


def routes(resolver=None, prefix=""):
    """(path with sample arguments, URL name) of every route."""
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if pattern.startswith(ELSEWHERE):
            continue
        if isinstance(entry, URLResolver):
            yield from routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield _sample(pattern), entry.name


def _sample(pattern: str) -> str:
    for converter, value in SAMPLE.items():
        while f"<{converter}:" in pattern:
            start = pattern.index(f"<{converter}:")
            pattern = pattern[:start] + value + pattern[pattern.index(">", start) + 1 :]
    return "/" + pattern.lstrip("^").rstrip("$")


def test_a_post_to_a_page_that_only_reads_is_405(client):
    client.force_login(UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True))
    answered = {
        path: client.post(path).status_code
        for path, name in routes()
        if name not in WRITES and "<" not in path
    }
    assert len(answered) > 30
    wrong = {path: status for path, status in answered.items() if status != 405}
    assert wrong == {}
