"""The audit chain's figures for `manage.py benchmark`: `audit_verify` over every
entry (rows per second: what a full check of the national log costs), and one
audited write on its own (the head's lock and move, the insert; rolled back)."""

import time

from django.db import transaction

from .audit import audit_bulk
from .audit_chain import verify
from .models import User


def audit_chain(bench, actor: User) -> None:
    if bench.wanted("audit_verify"):
        started = time.perf_counter()
        verdict = verify()
        elapsed = time.perf_counter() - started
        note = f"{verdict.count} entries" + ("" if verdict.ok else f", broken: {verdict.reason}")
        bench.add("audit_verify.time", elapsed * 1000, "ms", note)
        bench.add("audit_verify.rows_per_s", verdict.count / max(elapsed, 1e-9), "rows/s", note)

    def one_write():
        with transaction.atomic():
            audit_bulk(
                actor=actor,
                action="benchmark",
                object_type="units.user",
                label="benchmark",
                after={"figure": "audit_record"},
            )
            transaction.set_rollback(True)

    bench.job("audit_record", one_write, repeat=bench.repeat, note="lock, insert, head")
