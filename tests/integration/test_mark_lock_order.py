"""One lock order for the audit chain's head and the recompute marks (found by
tests/integration/test_redis_stream.py): a decision marked its figures then
audited, a staffing save audited then marked, so two of them at once on the
same area could each hold what the other waited for; PostgreSQL broke the
deadlock by failing one, answered 503 with nothing written. Marking now takes
the chain's head first, as every writer that marks audits in its transaction."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from units.audit import audit_record
from units.services.figures import figures_mark_stale

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
WAITING = """SELECT EXISTS (SELECT 1 FROM pg_stat_activity
    WHERE pid = %s AND wait_event_type = 'Lock')"""


def test_a_write_that_marks_then_audits_and_one_that_audits_then_marks_both_commit(
    district, agency, clerk
):
    b_ready, errors, pids = threading.Event(), {}, {}

    def run(name: str, steps) -> None:
        try:
            with transaction.atomic():
                for step in steps:
                    step()
        except Exception as error:  # noqa: BLE001 - what the test reports
            errors[name] = error
        finally:
            connection.close()

    def mark() -> None:
        figures_mark_stale(areas=[district], since=dt.date(2020, 1, 1))

    def audit() -> None:
        audit_record(actor=clerk, action="unit.update", obj=agency, before={}, after={})

    def b_pid() -> None:
        pids["b"] = connection.cursor().connection.info.backend_pid
        b_ready.set()

    def until_b_waits() -> None:
        """B has taken what it could and waits for a lock A holds."""
        assert b_ready.wait(30)
        with connection.cursor() as cursor:
            for _ in range(3000):
                cursor.execute(WAITING, [pids["b"]])
                if cursor.fetchone()[0]:
                    return
                threading.Event().wait(0.01)
        raise AssertionError("B never waited for A")

    a_marked = threading.Event()
    # A, a decision: marks, then (once B waits) audits. B, a staffing save:
    # audits, then marks the same area's years.
    a = threading.Thread(target=run, args=("a", [mark, a_marked.set, until_b_waits, audit]))
    b = threading.Thread(target=run, args=("b", [lambda: a_marked.wait(30), b_pid, audit, mark]))
    a.start()
    b.start()
    a.join()
    b.join()
    assert not errors, errors
