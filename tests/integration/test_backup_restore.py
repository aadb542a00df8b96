"""The restore drill on PostgreSQL: `manage.py backup` of the test database, a
fresh database created beside it, `manage.py restore` into it by another
process (DATABASE_URL pointing there), then the same audit entries, units and
figures read through a second connection, the chain verified there against the
source's head, and the files byte-identical. The database is dropped after."""

import io
import os
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.units.test_backup import AUDIT, FIGURES, UNITS, files_of, manage, record_decisions
from units.models import AuditChainHead

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def url_of(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"


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


def test_a_backup_restored_into_a_fresh_database_gives_the_same_records(
    clerk, district, agency, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = media = tmp_path / "media"
    media.mkdir()
    record_decisions(clerk, district, agency, media)
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    head = AuditChainHead.objects.get()

    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DATABASE_URL": url_of(fresh_database), "MEDIA_ROOT": str(restored_media)}
    done = manage("restore", str(archive), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert head.last_hash in done.stdout

    with connection.cursor() as source, server(dbname=fresh_database) as restored:
        for sql in (UNITS, AUDIT, FIGURES):
            expected = read(source, sql)
            assert expected and read(restored.cursor(), sql) == expected, sql
    assert files_of(restored_media) == files_of(media) and len(files_of(media)) == 3
    verified = manage("audit_verify", "--expect", head.last_hash, env=env)
    assert verified.returncode == 0 and "2 entries match" in verified.stdout, verified.stderr

    # The restored database holds data now: a second restore is refused.
    again = manage("restore", str(archive), env=env)
    assert again.returncode == 1 and "--force" in again.stderr
    assert Path(restored_media).is_dir()
