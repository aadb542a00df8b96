"""The live server's threads each open their own connection to the test
database (tests/conftest.py keeps SQLite's test database in a file): threads
sharing an in-memory database's one connection deadlock with the interpreter's
lock held, which froze a CI run where no timeout could fire."""

from django.db import connection


def test_the_live_server_shares_no_connection_with_the_test(live_server):
    assert live_server.thread.connections_override == {}
    if connection.vendor == "sqlite":  # PostgreSQL's never is
        assert not connection.is_in_memory_db()
