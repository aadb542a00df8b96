"""The restore drill on PostgreSQL: `manage.py backup` of the test database, a
fresh database created beside it, `manage.py restore` into it by another
process (DATABASE_URL pointing there), then the same audit entries, units and
figures read through a second connection, the chain verified there against the
source's head, and the files byte-identical; a target migrated further than the
archive refused, forced or not. The database is dropped after."""

import io
import os
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.integration.conftest import database_url
from tests.units.test_backup import AUDIT, FIGURES, UNITS, files_of, manage, record_decisions
from units.models import AuditChainHead

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def server(**kwargs) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        autocommit=True,
        **kwargs,
    )


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with server(dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with server(dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return cursor.fetchall()


@pytest.fixture
def restored(clerk, district, agency, settings, tmp_path, fresh_database):
    """The recorded decisions backed up and restored into the fresh database by
    another process: the archive, that process's environment, the source's media."""
    settings.MEDIA_ROOT = media = tmp_path / "media"
    media.mkdir()
    record_decisions(clerk, district, agency, media)
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(fresh_database),
        "MEDIA_ROOT": str(restored_media),
    }
    done = manage("restore", str(archive), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert AuditChainHead.objects.get().last_hash in done.stdout
    return archive, env, media


def test_a_backup_restored_into_a_fresh_database_gives_the_same_records(restored, fresh_database):
    archive, env, media = restored
    restored_media = Path(env["MEDIA_ROOT"])
    head = AuditChainHead.objects.get()

    with connection.cursor() as source, server(dbname=fresh_database) as copy:
        for sql in (UNITS, AUDIT, FIGURES):
            expected = read(source, sql)
            assert expected and read(copy.cursor(), sql) == expected, sql
    assert files_of(restored_media) == files_of(media) and len(files_of(media)) == 3
    verified = manage("audit_verify", "--expect", head.last_hash, env=env)
    assert verified.returncode == 0 and "2 entries match" in verified.stdout, verified.stderr

    # The restored database holds data now: a second restore is refused.
    again = manage("restore", str(archive), env=env)
    assert again.returncode == 1 and "--force" in again.stderr
    assert Path(restored_media).is_dir()


def test_a_target_migrated_further_than_the_backup_is_refused_even_forced(restored, fresh_database):
    """pg_restore --clean drops only what it restores: a newer version's table
    would stay behind, and the migrate after the restore would fail on it."""
    archive, env, _media = restored
    with server(dbname=fresh_database) as target:
        target.execute("CREATE TABLE units_later (id integer PRIMARY KEY)")
        target.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('units', '9999_later', now())"
        )
    again = manage("restore", str(archive), "--force", env=env)
    assert again.returncode == 1 and "units.9999_later" in again.stderr, again.stdout
    with server(dbname=fresh_database) as target:
        later = "SELECT name FROM django_migrations WHERE name = '9999_later'"
        assert read(target.cursor(), later) == [("9999_later",)]  # nothing changed
        assert read(target.cursor(), "SELECT to_regclass('units_later')::text") == [
            ("units_later",)
        ]


def test_the_database_url_quotes_what_a_url_cannot_hold(monkeypatch):
    for key, value in {"USER": "người dùng", "PASSWORD": "p@ss:w/rd?#%é"}.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    parsed = dj_database_url.parse(database_url("reformwatch_khác"))
    assert (parsed["USER"], parsed["PASSWORD"]) == ("người dùng", "p@ss:w/rd?#%é")
    assert parsed["NAME"] == "reformwatch_khác"
    assert parsed["HOST"] == connection.settings_dict["HOST"]
