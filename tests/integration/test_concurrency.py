"""Two clerks apply conflicting restructurings to the same unit at the same time:
exactly one succeeds, the other gets a clear Vietnamese message. PostgreSQL only
(SQLite serialises writers anyway)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from tests.factories import ServiceUnitFactory
from units.choices import RestructuringKind as K
from units.models import AuditEntry, Restructuring, Unit
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_conflicting_restructurings_one_wins(clerk, district):
    a, b, c = (ServiceUnitFactory(area=district, name=n) for n in ("Trường A", "Trường B", "C"))
    barrier = threading.Barrier(2)
    outcomes: list = []

    def attempt(number, kind, **kwargs):
        translation.activate("vi")
        try:
            barrier.wait(timeout=10)
            decision = Decision(
                number=number,
                decided_on=dt.date(2021, 1, 1),
                effective_on=dt.date(2021, 2, 1),
                authority="UBND quận",
            )
            restructuring_apply(actor=clerk, kind=kind, decision=decision, **kwargs)
            outcomes.append(("ok", number))
        except ValidationError as error:
            outcomes.append(("refused", error.messages[0]))
        except Exception as error:  # noqa: BLE001 - anything else is the failure to show
            outcomes.append(("crashed", repr(error)))
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=attempt,
            args=("10/QĐ", K.MERGE),
            kwargs={"source_ids": [a.pk], "target_id": b.pk},
        ),
        threading.Thread(
            target=attempt,
            args=("11/QĐ", K.CONSOLIDATE),
            kwargs={"source_ids": [c.pk, a.pk], "new_units": [NewUnit(name="D")]},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    winner = next(o[1] for o in outcomes if o[0] == "ok")
    message = next(o[1] for o in outcomes if o[0] == "refused")
    assert f"Đơn vị Trường A đã được sắp xếp bởi quyết định {winner}" in message
    assert Restructuring.objects.count() == 1
    assert AuditEntry.objects.count() == 1
    assert Unit.objects.get(pk=a.pk).closed_by.decision_number == winner
