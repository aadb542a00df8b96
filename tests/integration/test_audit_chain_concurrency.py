"""Writers on two connections at once append to one audit chain: the lock on
the chain's head makes id order the chain order, so `audit_verify` passes.
PostgreSQL only (SQLite's IMMEDIATE transactions serialise writers anyway)."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from units.audit import audit_bulk
from units.models import AuditChainHead, AuditEntry

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WRITES = 30


def test_two_writers_at_once_keep_one_chain():
    barrier = threading.Barrier(2)
    failures: list[str] = []

    def writer(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(WRITES):
                with transaction.atomic():
                    audit_bulk(
                        actor=None,
                        action="figures.recompute_all",
                        object_type="units.area",
                        label=f"{name} {i}",
                        after={"writer": name, "i": i},
                    )
                    time.sleep(0.002)  # holding the head: the other writer waits
        except Exception as error:  # noqa: BLE001 - reported below with the thread's name
            failures.append(f"{name}: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    labels = list(AuditEntry.objects.order_by("id").values_list("object_repr", flat=True))
    assert len(labels) == 2 * WRITES
    # The two writers did interleave (else the lock was never contended).
    assert labels[:WRITES] != [f"a {i}" for i in range(WRITES)]
    assert labels[:WRITES] != [f"b {i}" for i in range(WRITES)]
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert f"{2 * WRITES} entries match" in out.getvalue()
    assert AuditChainHead.objects.get().count == 2 * WRITES
