"""The full rebuild loads fresh tables and swaps them in (PostgreSQL): the
tables it leaves have the indexes and keys the migrations made, under the same
names, so that the next migration finds them; and a run that fails before the
swap leaves the tables it found."""

import pytest
from django.db import connection

from tests.factories import ServiceUnitFactory
from units.models import ReductionFigure
from units.services import recompute as rc
from units.services import snapshot_apply
from units.services.snapshot_swap import BUILD, TABLES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite empties the tables in place"
    ),
]


def schema() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = ANY(%s)""",
            [TABLES],
        )
        indexes = {(table, name, text) for table, name, text in cursor.fetchall()}
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)""",
            [TABLES],
        )
        return indexes | {("constraint", *row) for row in cursor.fetchall()}


def test_a_full_run_swaps_in_tables_with_the_migrated_indexes_and_keys(unit):
    before = schema()
    assert ("units_reductionfigure", "figure_nation") in {row[:2] for row in before}
    rc.recompute(trigger="manual", everything=True)
    assert schema() == before
    assert ReductionFigure.objects.filter(nation=True, sector="*").exists()
    ServiceUnitFactory(area=unit.area, parent=unit.parent)  # new rows get new ids
    rc.recompute(trigger="manual", everything=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [BUILD])
        assert cursor.fetchone() is None  # the build schema is gone


def test_a_full_run_failing_before_the_swap_leaves_the_tables(unit, monkeypatch):
    rc.recompute(trigger="manual", everything=True)
    rows = set(ReductionFigure.objects.values_list("scope_id", "agency_id", "year", "sector"))
    monkeypatch.setattr(snapshot_apply, "_insert", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        rc.recompute(trigger="manual", everything=True)
    after = set(ReductionFigure.objects.values_list("scope_id", "agency_id", "year", "sector"))
    assert after == rows and rows
