"""The restore drill on the embedded default (SQLite): `manage.py backup`, then
`manage.py restore` into another SQLite file and another MEDIA_ROOT (a
process of its own, as on a second machine) gives the same units, audit
entries (ids and hashes), figures and byte-identical files; and a damaged
archive, an unknown format, a member outside MEDIA_ROOT or a target that holds
data are refused with nothing changed. PostgreSQL's drill:
tests/integration/test_backup_restore.py."""

import datetime as dt
import errno
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import ServiceUnitFactory
from tests.files import PDF, word_document
from units import backup_restore
from units.backup import BackupError, media_files, run_pg
from units.choices import RestructuringKind as K
from units.models import AuditChainHead, AuditEntry, ReductionFigure, Unit
from units.services.recompute import recompute
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply

ROOT = Path(__file__).resolve().parents[2]
SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [
    pytest.mark.django_db(transaction=True),  # the backup reads what was committed
    pytest.mark.skipif(not SQLITE, reason="the embedded default's drill (PostgreSQL's: services)"),
]
# The rows compared between the two databases, read the same way from both.
UNITS = "SELECT id, name, code, kind, established_on, closed_on FROM units_unit ORDER BY id"
AUDIT = "SELECT id, prev_hash, hash, action FROM units_auditentry ORDER BY id"
FIGURES = (
    "SELECT scope_id, agency_id, nation, year, sector, units, autonomous, staff_assigned,"
    " staff_actual, staff_vacancy FROM units_reductionfigure"
    " ORDER BY scope_id, agency_id, nation, year, sector"
)


def record_decisions(clerk, district, agency, media: Path) -> None:
    """Units, two dissolutions with their decision files, a response's attachment (a
    file of another folder), the figures computed: what a backup must carry."""
    schools = [ServiceUnitFactory(name=f"Trường {n}", area=district, parent=agency) for n in "ABC"]
    for n, school in enumerate(schools[:2], start=1):
        restructuring_apply(
            actor=clerk,
            kind=K.DISSOLVE,
            source_ids=[school.pk],
            decision=Decision(f"{n}/QĐ-UBND", dt.date(2019, 1, n), dt.date(2019, 6, n), "UBND"),
            decision_file=SimpleUploadedFile(f"quyết định {n}.pdf", PDF, "application/pdf"),
        )
    attachment = media / "responses" / "2026" / "tra-loi.docx"
    attachment.parent.mkdir(parents=True)
    attachment.write_bytes(word_document())
    recompute(trigger="manual", everything=True)


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def rows(cursor, sql: str) -> list[tuple]:
    """Plain values (dates as text), whichever converters the connection has."""
    cursor.execute(sql)
    return [tuple(v if v is None or isinstance(v, int) else str(v) for v in r) for r in cursor]


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def embedded_env(database: Path, media: Path) -> dict:
    """Another portal on the embedded default: its own SQLite file and files."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "SQLITE_PATH": str(database), "MEDIA_ROOT": str(media)}


@pytest.fixture
def recorded(clerk, district, agency, settings, tmp_path):
    """A backup of the recorded decisions: the archive and the source's media."""
    settings.MEDIA_ROOT = media = tmp_path / "media"
    media.mkdir()
    record_decisions(clerk, district, agency, media)
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    return archive, media


def test_a_backup_restored_into_another_database_gives_the_same_records_and_files(
    recorded, tmp_path
):
    archive, media = recorded
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    head = AuditChainHead.objects.get()
    assert manifest["format"] == 1 and manifest["engine"] == "sqlite"
    assert manifest["counts"]["units"] == Unit.objects.count() == 4  # the agency too
    assert manifest["counts"]["reduction_figures"] == ReductionFigure.objects.count() > 0
    assert manifest["audit_head"] == {"last_id": head.last_id, "hash": head.last_hash, "count": 2}
    assert "0001_initial" in manifest["migrations"]["units"]
    source_files = files_of(media)
    assert len(source_files) == 3 and any(n.startswith("decisions/") for n in source_files)
    assert names == [
        "database.sqlite3",
        *(f"media/{n}" for n in sorted(source_files)),
        "manifest.json",
    ]
    listed = {m["name"]: m["sha256"] for m in manifest["members"]}
    assert (
        listed[f"media/{min(source_files)}"]
        == hashlib.sha256(source_files[min(source_files)]).hexdigest()
    )

    target, restored_media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"
    env = embedded_env(target, restored_media)
    done = manage("restore", str(archive), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert head.last_hash in done.stdout

    restored = sqlite3.connect(target)
    try:
        with connection.cursor() as source:
            for sql in (UNITS, AUDIT, FIGURES):
                assert rows(restored.cursor(), sql) == rows(source, sql), sql
    finally:
        restored.close()
    assert files_of(restored_media) == source_files
    verified = manage("audit_verify", "--expect", head.last_hash, env=env)
    assert verified.returncode == 0 and "2 entries match" in verified.stdout, verified.stderr


def rewritten(archive: Path, out: Path, change_manifest=None, extra: tuple = ()) -> Path:
    """A copy of the archive, its manifest changed and members added (name, bytes:
    listed in the manifest with their true checksum)."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        manifest = json.load(source.extractfile("manifest.json"))
        for member in source.getmembers():
            if member.name != "manifest.json":
                target.addfile(member, source.extractfile(member))
        for name, data in extra:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
            digest = hashlib.sha256(data).hexdigest()
            manifest["members"].append({"name": name, "size": len(data), "sha256": digest})
        if change_manifest:
            change_manifest(manifest)
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        target.addfile(info, io.BytesIO(data))
    return out


def damaged(archive: Path, out: Path) -> Path:
    """A copy with one byte of the database's data flipped (the tar still reads)."""
    with tarfile.open(archive) as tar:
        offset = tar.getmember("database.sqlite3").offset_data + 5000
    data = bytearray(archive.read_bytes())
    data[offset] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def refused(archive: Path, *options: str) -> str:
    """The restore's refusal, after checking that it changed nothing here: not the
    database, not MEDIA_ROOT, and no staging or aside folder left in or beside it."""
    media = Path(settings.MEDIA_ROOT)
    before = (list(Unit.objects.values_list("id", "name")), files_of(media))
    beside = (sorted(media.parent.iterdir()), sorted(media.iterdir()))
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(archive), *options, stdout=io.StringIO())
    assert (list(Unit.objects.values_list("id", "name")), files_of(media)) == before
    assert (sorted(media.parent.iterdir()), sorted(media.iterdir())) == beside
    return str(refusal.value)


def test_a_damaged_or_cut_archive_is_refused_even_forced(recorded, tmp_path):
    archive, _media = recorded
    Unit.objects.filter(name="Trường B").update(name="Trường B (sau sao lưu)")
    message = refused(damaged(archive, tmp_path / "damaged.tar"), "--force")
    assert "database.sqlite3" in message
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[:20000])
    refused(cut, "--force")
    not_tar = tmp_path / "notes.tar"
    not_tar.write_text("không phải tệp sao lưu")
    refused(not_tar, "--force")
    assert Unit.objects.filter(name="Trường B (sau sao lưu)").exists()


def test_an_unknown_format_or_a_member_outside_media_is_refused(recorded, tmp_path):
    archive, media = recorded

    def format_99(manifest):
        manifest["format"] = 99

    message = refused(rewritten(archive, tmp_path / "f99.tar", format_99), "--force")
    assert "99" in message

    def no_checksum(manifest):
        del manifest["members"][0]["sha256"]

    refused(rewritten(archive, tmp_path / "incomplete.tar", no_checksum), "--force")
    escape = rewritten(archive, tmp_path / "escape.tar", extra=[("media/../../evil.txt", b"x")])
    assert "media/../../evil.txt" in refused(escape, "--force")
    assert not (tmp_path / "evil.txt").exists() and not (media.parent.parent / "evil.txt").exists()

    def newer_code(manifest):
        manifest["migrations"]["units"].append("9999_from_the_future")

    assert "9999_from_the_future" in refused(rewritten(archive, tmp_path / "new.tar", newer_code))


def test_a_target_that_holds_data_is_refused_unless_forced(recorded, tmp_path):
    archive, media = recorded
    later = ServiceUnitFactory(name="Trường lập sau khi sao lưu")
    (media / "decisions" / "later.pdf").write_bytes(PDF)
    assert "--force" in refused(archive)

    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out)
    assert not Unit.objects.filter(pk=later.pk).exists()  # the archive's state, checked
    assert AuditEntry.objects.count() == 2
    assert AuditChainHead.objects.get().last_hash in out.getvalue()
    assert "decisions/later.pdf" not in files_of(media)
    aside = [p for p in media.iterdir() if p.name.startswith(".before-restore-")]
    assert len(aside) == 1 and (aside[0] / "decisions" / "later.pdf").read_bytes() == PDF
    assert not any(".before-restore-" in str(p) for p in media_files())  # not backed up


def later_records(media: Path) -> None:
    """A unit and a decision file recorded after the backup: what --force replaces."""
    ServiceUnitFactory(name="Trường lập sau khi sao lưu")
    (media / "decisions" / "later.pdf").write_bytes(PDF)


def test_a_media_root_that_is_a_mount_point_is_restored_into(recorded, monkeypatch):
    """A mount point cannot be renamed nor removed (EBUSY): the restore moves
    what is inside it, never the folder."""
    archive, media = recorded
    source_files = files_of(media)
    later_records(media)
    rename, rmdir = os.rename, os.rmdir

    def busy(call):
        def guarded(path, *args, **kwargs):
            if Path(path).resolve() == media.resolve():
                raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(path))
            return call(path, *args, **kwargs)

        return guarded

    monkeypatch.setattr(os, "rename", busy(rename))
    monkeypatch.setattr(os, "rmdir", busy(rmdir))
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert not Unit.objects.filter(name="Trường lập sau khi sao lưu").exists()
    kept = {n: b for n, b in files_of(media).items() if not n.startswith(".before-restore-")}
    assert kept == source_files
    (aside,) = [p for p in media.iterdir() if p.name.startswith(".before-restore-")]
    assert (aside / "decisions" / "later.pdf").read_bytes() == PDF


def test_a_move_that_fails_changes_neither_the_database_nor_the_files(recorded, monkeypatch):
    """A file system that refuses a move (another disk: EXDEV) after the files
    there were moved aside: they are put back, and the database is not loaded."""
    archive, media = recorded
    later_records(media)
    rename, move = os.rename, shutil.move

    def refusing(call):
        def guarded(source, target, *args, **kwargs):
            if ".restore-" in str(source):  # a staged file on its way in
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(source))
            return call(source, target, *args, **kwargs)

        return guarded

    monkeypatch.setattr(os, "rename", refusing(rename))
    monkeypatch.setattr(shutil, "move", refusing(move))
    assert str(media.resolve()) in refused(archive, "--force")
    assert Unit.objects.filter(name="Trường lập sau khi sao lưu").exists()


def test_a_database_load_that_fails_puts_the_files_back(recorded, monkeypatch):
    archive, media = recorded
    later_records(media)

    def failing(dump):
        raise BackupError("pg_restore failed: the disk is full")

    monkeypatch.setattr(backup_restore, "_load", failing)
    assert "the disk is full" in refused(archive, "--force")


def test_the_archive_is_readable_by_its_owner_only(recorded, tmp_path):
    """It holds password hashes and API token digests."""
    archive, _media = recorded
    umask = os.umask(0o022)
    try:
        call_command("backup", str(tmp_path / "again.tar"), stdout=io.StringIO())
    finally:
        os.umask(umask)
    assert (tmp_path / "again.tar").stat().st_mode & 0o777 == 0o600
    assert archive.stat().st_mode & 0o777 == 0o600


def test_what_differs_after_a_restore_is_said_in_the_portal_s_language(recorded, monkeypatch):
    archive, _media = recorded
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    manifest["counts"]["units"] += 1
    manifest["migrations"]["units"].append("9999_later")
    manifest["audit_head"]["count"] += 1
    manifest["members"].append({"name": "media/gone.pdf", "size": 1, "sha256": "0" * 64})
    monkeypatch.setattr(backup_restore, "_", lambda text: f"«{text}»")
    problems = backup_restore.check(manifest)
    assert len(problems) == 4 and all(p.startswith("«") for p in problems), problems


def test_the_database_password_reaches_pg_dump_in_its_environment_not_its_arguments(
    monkeypatch,
):
    """`ps` shows every process's arguments to every user of the machine."""
    calls = []

    def run(args, env, **kwargs):
        calls.append((args, env))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr("units.backup.subprocess.run", run)
    for key, value in {"HOST": "db.internal", "USER": "rw", "PASSWORD": "mật-khẩu-bí-mật"}.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    options = {
        "sslmode": "verify-full",
        "sslrootcert": "/etc/reformwatch/ca.pem",
        "sslcert": "/etc/reformwatch/client.pem",
        "sslkey": "/etc/reformwatch/client.key",
        "options": "-c search_path=reformwatch",  # dj-database-url's currentSchema
        "connect_timeout": 10,
    }
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    run_pg(["pg_dump", "--format=custom", "reformwatch"])
    ((args, env),) = calls
    assert "mật-khẩu-bí-mật" not in " ".join(args)
    assert env["PGPASSWORD"] == "mật-khẩu-bí-mật" and env["PGHOST"] == "db.internal"
    assert env["PGUSER"] == "rw" and env["PGSSLMODE"] == "verify-full"
    assert env["PGSSLROOTCERT"] == "/etc/reformwatch/ca.pem"
    assert env["PGSSLCERT"] == "/etc/reformwatch/client.pem"
    assert env["PGSSLKEY"] == "/etc/reformwatch/client.key"
    assert env["PGOPTIONS"] == "-c search_path=reformwatch"
    assert env["PGCONNECT_TIMEOUT"] == "10"
