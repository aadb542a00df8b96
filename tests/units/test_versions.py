"""The cache's version counters when the cache fails (issue 22: Redis is an
accelerator): a bump after commit never turns the committed write into an
error, it is logged and owed in the database; the first read that succeeds,
or the sweep, moves every counter on; a counter that vanished starts at a new
epoch; an unknown counter caches nothing."""

import logging

import pytest
from django.core.cache import cache

from tests.factories import ServiceUnitFactory
from units import tasks, versions
from units.models import AuditEntry, Heartbeat, StaffingFigure
from units.services import figures as figures_service
from units.services.tokens import token_create

pytestmark = pytest.mark.django_db


def seconds_later(monkeypatch):
    """Past the seconds in which a process takes the counters as unknown."""
    monkeypatch.setattr(versions, "_down_until", 0.0)


def refused(*args, **kwargs):
    raise ConnectionError("NOPERM this user has no permissions to run the 'incr' command")


def test_a_committed_staffing_save_is_answered_200_when_the_bump_fails(
    client, clerk, district, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """Seen with `ACL SETUSER default -incr -incrby`: the save committed and was
    answered 500 (units/versions.py raised from the after-commit bump)."""
    school = ServiceUnitFactory(area=district)
    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    body = {"year": 2024, "rows": [{"unit": school.pk, "category": "budget_employee"}]}
    body["rows"][0] |= {"assigned": 30, "actual": 28}
    monkeypatch.setattr(versions.cache, "incr", refused)
    with (
        caplog.at_level(logging.WARNING, logger="units.versions"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        saved = client.post(
            "/api/v1/staffing/bulk/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {text}",
        )
    assert callbacks  # the bump ran after the commit
    assert saved.status_code == 200, saved.content
    assert StaffingFigure.objects.get(unit=school).assigned == 30
    assert AuditEntry.objects.filter(action="staffing.save").count() == 1
    assert "version:staffing not bumped" in caplog.text
    assert versions.versions_owed_since() is not None  # for the sweeper


def test_the_first_read_once_the_cache_answers_moves_every_counter_on(monkeypatch):
    before = versions.counters(*versions.COUNTERS)[0]
    with monkeypatch.context() as down:
        down.setattr(versions.cache, "incr", refused)
        versions.bump(versions.REGISTRY)
        # Owed by this process: what it reads is behind, so it caches nothing.
        assert not versions.known(versions.data_version())
    seconds_later(monkeypatch)
    after = versions.counters(*versions.COUNTERS)[0]  # the cache answers again
    assert all(after[key] != before[key] for key in versions.COUNTERS), (before, after)
    assert versions.versions_owed_since() is None
    assert versions.known(versions.data_version())


def test_the_sweep_moves_every_counter_on_for_a_bump_another_process_owes(monkeypatch):
    before = versions.counters(*versions.COUNTERS)[0]
    with monkeypatch.context() as down:
        down.setattr(versions.cache, "incr", refused)
        versions.bump(versions.STAFFING)
    monkeypatch.setattr(versions, "_owed", False)  # another web process failed
    seconds_later(monkeypatch)
    assert versions.counters(*versions.COUNTERS)[0] == before  # behind until the sweep
    tasks.figures_recompute("schedule")  # what beat sends every minute
    after = versions.counters(*versions.COUNTERS)[0]
    assert all(after[key] != before[key] for key in versions.COUNTERS), (before, after)
    assert not Heartbeat.objects.filter(name=versions.OWED).exists()


def test_a_sweep_with_nothing_owed_moves_nothing():
    # The first also notes Redis's run id (and moves every counter on, when
    # Redis has restarted since the last sweep noted it).
    assert versions.versions_settle()
    before = versions.counters(*versions.COUNTERS)[0]
    assert versions.versions_settle()
    assert versions.counters(*versions.COUNTERS)[0] == before


def test_a_counter_that_vanished_never_comes_back_at_a_value_it_had():
    """Redis restarted empty (or evicted it): read as 0 before, the counter
    would reach again the values cached pages were stored under."""
    seen = {versions.registry_version()}
    for _ in range(3):
        versions.bump(versions.REGISTRY)
        seen.add(versions.registry_version())
    cache.delete(versions.REGISTRY)
    assert versions.registry_version() not in seen


def test_an_unknown_version_caches_nothing(monkeypatch):
    def unreadable(*args, **kwargs):
        raise ConnectionError("Redis is gone")

    calls = []
    monkeypatch.setattr(versions.cache, "get_many", unreadable)
    for _ in range(2):
        value = versions.cached_until_changed("thing", lambda: calls.append(1) or len(calls))
    assert value == 2 and len(calls) == 2
    version, body, chrome = versions.figures_cached("page", "chrome")
    assert (version, body, chrome) == ("", None, None)


def test_after_a_failure_the_counters_are_not_asked_for_a_few_seconds(monkeypatch):
    """A hung Redis costs each command its timeout: a page read the counters
    six times, twice each (the write of a restructuring took 5 s)."""
    asked = []

    def hung(keys, *args, **kwargs):
        asked.append(keys)
        return {}  # what django-redis answers when the command timed out

    monkeypatch.setattr(versions.cache, "get_many", hung)
    monkeypatch.setattr(versions.cache, "add", lambda *args, **kwargs: None)
    for _ in range(3):
        assert not versions.known(versions.areas_version())
    assert len(asked) == 1
    seconds_later(monkeypatch)
    versions.areas_version()
    assert len(asked) == 2  # asked again once the seconds are over


def test_a_recompute_is_asked_for_when_the_queued_flag_cannot_be_read(monkeypatch):
    """django-redis answers None to `add` when Redis is gone: that read as
    "already queued", and nothing was sent."""
    sent = []
    monkeypatch.setattr(versions.cache, "add", lambda *args, **kwargs: None)
    monkeypatch.setattr(figures_service, "enqueue", lambda *args: sent.append(args))
    figures_service._request_recompute()
    assert sent == [(figures_service.FIGURES_RECOMPUTE, "write")]
