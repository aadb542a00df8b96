"""The committed demo for tests that need a live server (the browser journeys,
the generated API client): a live server reads committed data, so each test
ends with the tables emptied; the demo is loaded (and its figures computed)
once per worker, copied into snapshot tables, and copied back before each
test: a fraction of a second instead of a load. Registered for every test in
tests/conftest.py, so that one worker keeps one copy."""

import os

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


class DemoTables:
    """The committed demo, kept in snapshot tables beside the real ones (which
    Django's flush and introspection leave alone, having no model)."""

    PREFIX = "snapshot_"

    def __init__(self):
        self.tables: list[str] = []

    def take(self) -> None:
        self.tables = connection.introspection.django_table_names(only_existing=True)
        with connection.cursor() as cursor:
            for table in self.tables:
                copy = connection.ops.quote_name(self.PREFIX + table)
                cursor.execute(f"DROP TABLE IF EXISTS {copy}")
                cursor.execute(
                    f"CREATE TABLE {copy} AS SELECT * FROM {connection.ops.quote_name(table)}"
                )

    def restore(self) -> None:
        """Every table as the snapshot has it (foreign keys are checked at commit),
        with the sequences moved past the ids copied back."""
        quote = connection.ops.quote_name
        models = [
            m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in self.tables
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), self.tables):
                cursor.execute(sql)
            for table in self.tables:
                cursor.execute(
                    f"INSERT INTO {quote(table)} SELECT * FROM {quote(self.PREFIX + table)}"
                )
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(
                    f"DROP TABLE IF EXISTS {connection.ops.quote_name(self.PREFIX + table)}"
                )
        self.tables = []


@pytest.fixture(scope="session")
def demo_tables(django_db_setup, django_db_blocker):
    tables = DemoTables()
    yield tables
    with django_db_blocker.unblock():
        tables.drop()


@pytest.fixture
def live_demo(settings, eager_tasks, transactional_db, demo_tables):
    """The demo with its figures, committed: loaded by the first journey (the
    figures are computed at commit, as in the embedded mode), copied back for
    the next ones."""
    if demo_tables.tables:
        demo_tables.restore()
        return
    settings.DEBUG = True  # the demo users exist only in the embedded mode
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    demo_tables.take()
