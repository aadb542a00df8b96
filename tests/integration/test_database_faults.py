"""The database's connections terminated mid-stream (issue 22, point 5): a live
server answers threads of readers (pages, the API with a token) and writers
(decisions and staffing figures through the API) while another connection runs
pg_terminate_backend on every other backend of the database, a few times, a
real worker recomputing meanwhile. Then the accounting: every write accepted is
in the database with exactly one audit entry, every write refused was answered
503 with Retry-After (or 4xx) and left nothing, no other 5xx, and once the
worker and the sweep have run the figures equal a full recompute."""

import datetime as dt
import threading
import time
from collections import Counter

import psycopg
import pytest
import requests
from django.db import connection
from django.test import Client

from reformwatch.celery import app
from tests.factories import ServiceUnitFactory
from tests.integration.conftest import start_worker, stop_worker, figures_snapshot
from tests.integration.test_figures_worker import wait_for
from units import tasks
from units.models import AuditEntry, RecomputeMark, RecomputeRun, Restructuring, StaffingFigure
from units.services.recompute import recompute
from units.services.tokens import token_create

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
TERMINATE = """SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()"""


def side_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
    )


def dissolution(number: str, school_id: int) -> dict:
    return {
        "kind": "dissolve",
        "decision": {
            "number": number,
            "decided_on": "2020-01-15",
            "effective_on": "2020-02-01",
            "authority": "UBND quận Ngô Quyền",
        },
        "source_ids": [school_id],
    }


def staffing(number: str, unit_id: int, year: int, people: int) -> dict:
    row = {"unit": unit_id, "category": "budget_employee", "assigned": people, "actual": people}
    return {"year": year, "rows": [row | {"decision_number": number}]}


def decision_audits(number: str) -> int:
    ids = Restructuring.objects.filter(decision_number=number).values_list("pk", flat=True)
    entries = AuditEntry.objects.filter(action="restructuring.apply", object_type__endswith="ring")
    return entries.filter(object_id__in=[str(pk) for pk in ids]).count()


def staffing_audits(number: str) -> int:
    entries = AuditEntry.objects.filter(action="staffing.save")
    return sum(
        1
        for after in entries.values_list("after", flat=True)
        if any(f.get("decision_number") == number for f in after["figures"].values())
    )


def test_a_decision_whose_connection_dies_after_the_commit_is_not_answered_5xx(
    monkeypatch, clerk, schools
):
    """The API read the decision back after its commit: a connection dropped in
    between answered 503 for a decision that was recorded, and the client's
    retry was refused (the school already dissolved). Now the answer is read in
    the write's transaction: recorded and 201, or 503 and nothing recorded."""
    from units.api import restructurings as api

    _token, text = token_create(actor=clerk, name="Phần mềm tỉnh", days=1)
    applied = api.restructuring_apply

    def apply_then_drop_the_connection(**kwargs):
        restructuring = applied(**kwargs)
        pid = connection.connection.info.backend_pid
        with side_connection() as side:
            side.execute("SELECT pg_terminate_backend(%s)", [pid])
            gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)"
            while not side.execute(gone, [pid]).fetchone()[0]:
                time.sleep(0.01)
        return restructuring

    monkeypatch.setattr(api, "restructuring_apply", apply_then_drop_the_connection)
    client = Client(HTTP_AUTHORIZATION=f"Token {text}")
    client.raise_request_exception = False
    body = dissolution("1/QĐ-UBND", schools[0].pk)
    try:
        answer = client.post("/api/v1/restructurings/", body, content_type="application/json")
    finally:
        connection.close()  # the test's own connection was the one dropped
    recorded = Restructuring.objects.filter(decision_number="1/QĐ-UBND").count()
    assert (answer.status_code, recorded) in {(201, 1), (503, 0)}, (answer.status_code, recorded)
    if answer.status_code == 503:
        assert answer["Retry-After"] and decision_audits("1/QĐ-UBND") == 0
        monkeypatch.setattr(api, "restructuring_apply", applied)
        again = client.post("/api/v1/restructurings/", body, content_type="application/json")
        assert again.status_code == 201, again.content  # the client's retry
    assert decision_audits("1/QĐ-UBND") == 1
