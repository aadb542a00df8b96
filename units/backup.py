"""One archive of the database and the decision files (docs/BACKUP.md).

`backup` streams a tar: the database (`pg_dump --format=custom` in the snapshot
the manifest's counts were read in; SQLite's backup API on the embedded
default), every file under MEDIA_ROOT (read after the dump: every file the dump
names is there), then `manifest.json`: format, migrations, counts, the audit
chain's head, a SHA-256 per member. `restore` changes nothing until the archive
has proved whole and the target empty (or forced), moves the files in and
restores the database in one transaction (the moves undone if it fails), then
checks counts, migrations and the audit chain against the manifest. The archive
is created readable by its owner only (0600): it holds password hashes."""

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit_chain import GENESIS

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA = "media"
CHUNK = 1 << 20
# What the manifest counts, and which of those make a target "hold data".
COUNTED = {
    "units": "units.Unit",
    "restructurings": "units.Restructuring",
    "staffing_figures": "units.StaffingFigure",
    "reduction_figures": "units.ReductionFigure",
    "audit_entries": "units.AuditEntry",
    "areas": "units.Area",
    "users": "units.User",
    "sessions": "supervision.Session",
    "recommendations": "supervision.Recommendation",
}
DATA = ("units", "restructurings", "staffing_figures", "audit_entries", "users", "sessions")
Say = Callable[[str], None]
# Django's connection settings, and the libpq parameters DATABASE_URL's query
# string may carry (dj-database-url puts every one in OPTIONS; `currentSchema`
# becomes `options`), as the variables pg_dump and pg_restore read.
LIBPQ = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
LIBPQ |= {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "sslcrldir": "PGSSLCRLDIR",
    "sslsni": "PGSSLSNI",
    "sslcompression": "PGSSLCOMPRESSION",
    "sslnegotiation": "PGSSLNEGOTIATION",
    "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
    "requirepeer": "PGREQUIREPEER",
    "require_auth": "PGREQUIREAUTH",
    "channel_binding": "PGCHANNELBINDING",
    "gssencmode": "PGGSSENCMODE",
    "krbsrvname": "PGKRBSRVNAME",
    "gsslib": "PGGSSLIB",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "servicefile": "PGSERVICEFILE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "client_encoding": "PGCLIENTENCODING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "load_balance_hosts": "PGLOADBALANCEHOSTS",
    "hostaddr": "PGHOSTADDR",
}
# Folders a restore makes inside MEDIA_ROOT (units/backup_media.py): its staging,
# and the files it replaced; neither is the portal's files.
STAGING, ASIDE = ".restore-", ".before-restore-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for people."""


def _table(label: str) -> str:
    return connection.ops.quote_name(apps.get_model(label)._meta.db_table)


def state_of(cursor, tables: set[str] | None = None) -> dict:
    """Counts, audit head and migrations, read with a DB-API cursor (Django's or
    sqlite3's) by plain SQL; a table not in `tables` (when given) counts 0."""

    def one(sql: str):
        cursor.execute(sql)
        return cursor.fetchone()

    def exists(label: str) -> bool:
        return tables is None or apps.get_model(label)._meta.db_table in tables

    counts = {
        name: one(f"SELECT COUNT(*) FROM {_table(label)}")[0] if exists(label) else 0
        for name, label in COUNTED.items()
    }
    head = (None, GENESIS, 0)
    if exists("units.AuditChainHead"):
        sql = f"SELECT last_id, last_hash, count FROM {_table('units.AuditChainHead')}"
        head = one(sql) or head
    migrations: dict[str, list[str]] = {}
    if tables is None or "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return {
        "counts": counts,
        "audit_head": dict(zip(("last_id", "hash", "count"), head, strict=True)),
        "migrations": {app: sorted(names) for app, names in sorted(migrations.items())},
    }


def current_state() -> dict:
    with connection.cursor() as cursor:
        return state_of(cursor, set(connection.introspection.table_names(cursor)))


class _Hashing:
    """A file read through, hashed as tarfile copies it into the archive."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self.f.read(size)
        self.digest.update(block)
        return block


def pg_env() -> dict[str, str]:
    """libpq's variables for Django's connection: the password never on a
    command line (`ps` shows those to every user of the machine)."""
    given = {**connection.settings_dict, **connection.settings_dict.get("OPTIONS", {})}
    env = dict(os.environ)
    env.update({var: str(given[key]) for key, var in LIBPQ.items() if given.get(key)})
    return env


def run_pg(args: list[str]) -> None:
    done = subprocess.run(args, env=pg_env(), capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": args[0], "error": done.stderr.strip()[-2000:]}
        )


def _dump(path: Path) -> dict:
    """The database into `path`; the state of what was dumped."""
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            raise BackupError(_("A backup cannot run inside a transaction."))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = state_of(cursor)
            name = connection.settings_dict["NAME"]
            run_pg(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}", name])
        return state
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside
        return state_of(copy.cursor())
    finally:
        copy.close()


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if not d.startswith((STAGING, ASIDE))]
        dirs.sort()
        found += [Path(folder) / name for name in sorted(files)]
    return [path for path in found if path.is_file() and not path.is_symlink()]


def backup(path: str | Path, *, say: Say = print) -> dict:
    """Write the archive to `path` (through a temporary name: a failed backup
    leaves no file that looks whole); its manifest."""
    path, started = Path(path).resolve(), time.monotonic()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    engine = connection.vendor
    if engine not in DUMP:
        raise BackupError(_("Unsupported database: %(engine)s.") % {"engine": engine})
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as work:
            dump = Path(work) / DUMP[engine]
            say(_("Dumping the database (%(engine)s)…") % {"engine": engine})
            state = _dump(dump)
            say(
                _("Database: %(size)s in %(seconds).1f s.")
                % {"size": _size(dump.stat().st_size), "seconds": time.monotonic() - started}
            )
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "engine": engine,
                "django": django.get_version(),
                **state,
                "members": [],
            }
            # The archive holds password hashes and token digests: the portal's
            # user alone reads it, whatever the umask (os.replace keeps the mode).
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (
                os.fdopen(fd, "wb") as out,
                tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar,
            ):
                _add(tar, dump, DUMP[engine], manifest)
                root = Path(settings.MEDIA_ROOT)
                files = media_files()
                for file in files:
                    _add(tar, file, f"{MEDIA}/{file.relative_to(root).as_posix()}", manifest)
                media_bytes = sum(m["size"] for m in media_members(manifest))
                say(
                    _("Decision and attachment files: %(count)d, %(size)s.")
                    % {"count": len(files), "size": _size(media_bytes)}
                )
                data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o640
                tar.addfile(info, io.BytesIO(data))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    say(
        _("Wrote %(path)s: %(size)s in %(seconds).1f s; audit chain head %(head)s.")
        % {
            "path": path,
            "size": _size(path.stat().st_size),
            "seconds": time.monotonic() - started,
            "head": manifest["audit_head"]["hash"],
        }
    )
    return manifest


def _add(tar: tarfile.TarFile, file: Path, name: str, manifest: dict) -> None:
    info = tar.gettarinfo(str(file), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with file.open("rb") as f:
        reader = _Hashing(f)
        tar.addfile(info, reader)
    manifest["members"].append(
        {"name": name, "size": info.size, "sha256": reader.digest.hexdigest()}
    )


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KiB"


def media_members(manifest: dict) -> list[dict]:
    return [m for m in manifest.get("members", []) if m["name"].startswith(f"{MEDIA}/")]


def created_text(manifest: dict) -> str:
    """When the backup was made, in the portal's time zone (dd/mm/yyyy hh:mm:ss)."""
    created = dt.datetime.fromisoformat(manifest["created_at"])
    return timezone.localtime(created).strftime("%d/%m/%Y %H:%M:%S")
