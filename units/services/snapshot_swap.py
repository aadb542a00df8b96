"""The full rebuild's fresh tables (PostgreSQL): the snapshot's tables are
copied empty into a schema of their own, without indexes; the rebuild loads
them there (the search path points at them), the indexes are built once the
rows are in, and the copies replace the tables in the transaction that
commits, so a reader sees the old snapshot or the new one, never a mix.
SQLite empties the tables in place (the embedded mode's snapshot is small)."""

import contextlib

from django.db import connection

from ..models import OwnDelta, OwnFigure, ReductionDelta, ReductionFigure

BUILD = "figures_build"
TABLES = [model._meta.db_table for model in (OwnFigure, OwnDelta, ReductionFigure, ReductionDelta)]


@contextlib.contextmanager
def fresh_tables():
    """Inside the caller's transaction: the snapshot's tables, empty, for the
    body to fill; swapped in when the body returns."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")
            yield
            return
        cursor.execute("SELECT current_schema(), current_setting('search_path')")
        schema, path = cursor.fetchone()
        cursor.execute(f"DROP SCHEMA IF EXISTS {BUILD} CASCADE")
        cursor.execute(f"CREATE SCHEMA {BUILD}")
        for table in TABLES:
            like = f"LIKE {schema}.{table} INCLUDING ALL EXCLUDING INDEXES"
            cursor.execute(f"CREATE TABLE {BUILD}.{table} ({like})")
        cursor.execute(f"SET LOCAL search_path = {BUILD}, {path}")
        yield
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for table in TABLES:
            _index(cursor, schema, table)
        cursor.execute(f"SET LOCAL search_path = {path}")
        for table in TABLES:
            cursor.execute(f"LOCK TABLE {schema}.{table} IN ACCESS EXCLUSIVE MODE")
            cursor.execute(f"DROP TABLE {schema}.{table}")
            cursor.execute(f"ALTER TABLE {BUILD}.{table} SET SCHEMA {schema}")
        cursor.execute(f"DROP SCHEMA {BUILD}")


def _index(cursor, schema: str, table: str) -> None:
    """Build the copy's indexes as the table's own are defined (same names, so
    migrations find them), the primary key's among them, and its statistics."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef, c.conname, c.contype
        FROM pg_indexes i
        LEFT JOIN pg_constraint c ON c.conindid = (quote_ident(i.schemaname) || '.'
            || quote_ident(i.indexname))::regclass AND c.contype IN ('p', 'u')
        WHERE i.schemaname = %s AND i.tablename = %s""",
        [schema, table],
    )
    for name, definition, constraint, kind in cursor.fetchall():
        cursor.execute(definition.replace(f" ON {schema}.{table} ", f" ON {BUILD}.{table} ", 1))
        if constraint:
            what = "PRIMARY KEY" if kind == "p" else "UNIQUE"
            cursor.execute(
                f"ALTER TABLE {BUILD}.{table} ADD CONSTRAINT {constraint} {what} USING INDEX {name}"
            )
    cursor.execute(f"ANALYZE {BUILD}.{table}")
