"""A clerk commits an import while another saves the same new figure: the import
was previewed before that figure existed, so it must be refused, not overwrite
it. Figures to create cannot be locked as rows; staffing saves of a year queue
on an advisory lock. PostgreSQL only (SQLite serialises writers anyway)."""

import threading
import time

import pytest
from django.db import connection, transaction

from units.choices import StaffingCategory as C
from units.models import AuditEntry, StaffingFigure
from units.services.staffing import StaffingRow, staffing_plan, staffing_save

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_save_that_lands_during_another_is_not_overwritten(clerk, agency):
    row = StaffingRow(agency.pk, C.CIVIL_SERVANT, assigned=40)
    previewed = staffing_plan(actor=clerk, year=2022, rows=[row]).digest  # "create 40"
    first_saved, outcomes = threading.Event(), []

    def grid_save():
        try:
            with transaction.atomic():
                other = StaffingRow(agency.pk, C.CIVIL_SERVANT, assigned=7, actual=6)
                staffing_save(actor=clerk, year=2022, rows=[other], about=agency)
                first_saved.set()
                time.sleep(1)  # still uncommitted while the import commits
        finally:
            connection.close()

    def import_commit():
        try:
            first_saved.wait(timeout=10)
            staffing_save(actor=clerk, year=2022, rows=[row], about=agency, expect=previewed)
            outcomes.append("saved")
        except Exception as error:  # noqa: BLE001 - the refusal is the expected outcome
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=grid_save), threading.Thread(target=import_commit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == ["ValidationError"]
    figure = StaffingFigure.objects.get()
    assert (figure.assigned, figure.actual) == (7, 6)
    assert AuditEntry.objects.filter(action="staffing.save").count() == 1
