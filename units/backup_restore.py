"""Restore an archive of `manage.py backup` (units/backup.py): nothing changes
until the archive has proved whole (format, kind of database, migrations the
code knows, every member's checksum) and the target holds no data (or the
restore is forced); then the files (units/backup_media.py) and the database in
one transaction, the files' moves undone if the database's load fails, and a
check of the result against the manifest."""

import hashlib
import json
import os
import sqlite3
import tarfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import versions
from .audit_chain import GENESIS, verify
from .backup import (
    CHUNK,
    COUNTED,
    DATA,
    DUMP,
    FORMAT,
    MANIFEST,
    MEDIA,
    BackupError,
    Say,
    created_text,
    current_state,
    media_files,
    media_members,
    run_pg,
)
from .backup_media import media_placed, staging_folder

# Another machine's roles are not this one's (no owners, no grants); one
# transaction, stopped at the first error: a restore that fails changes nothing.
PG_RESTORE = ("--no-owner", "--no-privileges", "--clean", "--if-exists")
PG_RESTORE += ("--single-transaction", "--exit-on-error")
# What a target that "holds data" holds, in its refusal.
HELD = {
    "units": gettext_lazy("units"),
    "restructurings": gettext_lazy("restructurings"),
    "staffing_figures": gettext_lazy("staffing figures"),
    "audit_entries": gettext_lazy("audit entries"),
    "users": gettext_lazy("users"),
    "sessions": gettext_lazy("supervision sessions"),
    "files": gettext_lazy("files"),
}


@dataclass
class Restored:
    manifest: dict
    seconds: float
    problems: list[str]


def read_manifest(tar: tarfile.TarFile) -> dict:
    """The archive's manifest, checked for what restore needs before anything
    changes: a known format, this kind of database, migrations the code has."""
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, TypeError, ValueError, tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(
            _("This is not a whole ReformWatch backup (no readable manifest).")
        ) from error
    found = manifest.get("format") if isinstance(manifest, dict) else "?"
    if found != FORMAT:
        raise BackupError(
            _("Unknown backup format %(format)s: this version reads format %(known)s.")
            % {"format": found, "known": FORMAT}
        )
    if not _complete(manifest):
        raise BackupError(_("This is not a whole ReformWatch backup (no readable manifest)."))
    if manifest.get("engine") != connection.vendor:
        raise BackupError(
            _("The backup is of a %(archive)s database; this one is %(here)s.")
            % {"archive": manifest.get("engine"), "here": connection.vendor}
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    installed = {config.label for config in apps.get_app_configs()}
    unknown = [
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known and app in installed
    ]
    if unknown:
        raise BackupError(
            _(
                "The backup comes from a newer version of ReformWatch (migrations %(names)s):"
                " update the code first."
            )
            % {"names": ", ".join(unknown[:5])}
        )
    return manifest


def _complete(manifest: dict) -> bool:
    """Whether the manifest has all that restore reads from it, of the right types."""
    try:
        members = all(
            isinstance(m["name"], str)
            and isinstance(m["size"], int)
            and isinstance(m["sha256"], str)
            for m in manifest["members"]
        )
        counts = all(isinstance(manifest["counts"][name], int) for name in COUNTED)
        head = manifest["audit_head"]
        return bool(
            members
            and counts
            and isinstance(head["hash"], str)
            and isinstance(head["count"], int)
            and isinstance(manifest["created_at"], str)
            and isinstance(manifest["migrations"], dict)
        )
    except (KeyError, TypeError):
        return False


def _refuse_newer_target(manifest: dict) -> None:
    """On PostgreSQL, refuse a target migrated further than the archive, forced
    or not: pg_restore --clean drops only the objects it restores, so the newer
    version's tables would stay behind and the next migrate would fail on them."""
    if connection.vendor != "postgresql":
        return  # SQLite's backup API replaces the whole file
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    newer = [
        f"{app}.{name}"
        for app, names in current_state()["migrations"].items()
        for name in names
        if (app, name) not in archived
    ]
    if newer:
        raise BackupError(
            _(
                "The target database has migrations the backup lacks (%(names)s): restoring"
                " over it would leave their tables behind. Nothing was changed. Restore into"
                " a new empty database (createdb), then run manage.py migrate."
            )
            % {"names": ", ".join(newer[:5])}
        )


def held_data() -> dict[str, int]:
    """What the target already holds: rows of the data tables, and files."""
    held = {name: n for name, n in current_state()["counts"].items() if name in DATA and n}
    files = len(media_files())
    if files:
        held["files"] = files
    return held


def restore(path: str | Path, *, force: bool = False, say: Say = print) -> Restored:
    """Restore the archive into the configured database and MEDIA_ROOT, then
    check the result against the manifest (`Restored.problems`)."""
    started = time.monotonic()
    with _opened(path) as tar:
        manifest = read_manifest(tar)
        say(
            _("Backup of %(when)s: %(units)d units, %(entries)d audit entries, %(files)d files.")
            % {
                "when": created_text(manifest),
                "units": manifest["counts"]["units"],
                "entries": manifest["counts"]["audit_entries"],
                "files": len(media_members(manifest)),
            }
        )
        held = held_data()
        if held and not force:
            raise BackupError(
                _(
                    "The target already holds data (%(held)s): nothing was changed. Restore"
                    " into an empty database, or add --force to replace it."
                )
                % {"held": ", ".join(f"{n} {HELD[name]}" for name, n in held.items())}
            )
        _refuse_newer_target(manifest)
        with staging_folder() as staging:
            _extract(tar, manifest, staging)
            say(_("Archive checked: every checksum matches."))
            with media_placed(staging) as aside:
                _load(staging / DUMP[manifest["engine"]])
            say(_("Database restored."))
            if aside:
                say(_("The files that were there are kept in %(path)s.") % {"path": aside})
    for key in versions.COUNTERS:  # cached pages were of the data replaced
        versions.bump(key)
    problems = check(manifest)
    return Restored(manifest, time.monotonic() - started, problems)


@contextmanager
def _opened(path):
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(_("The archive cannot be read: %(error)s.") % {"error": error}) from error
    with tar:
        yield tar


def _extract(tar: tarfile.TarFile, manifest: dict, staging: Path) -> None:
    """Every member the manifest lists, written under `staging` and checked."""
    expected = {m["name"]: m for m in manifest.get("members", [])}
    seen = set()
    try:
        for member in tar:
            if member.name == MANIFEST:
                continue
            wanted = expected.get(member.name)
            target = _inside(staging, member.name)
            if wanted is None or target is None or not member.isfile():
                raise BackupError(
                    _("The archive holds an unexpected member: %(name)s.") % {"name": member.name}
                )
            digest = hashlib.sha256()
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, target.open("wb") as out:
                while block := source.read(CHUNK):
                    digest.update(block)
                    out.write(block)
            if (member.size, digest.hexdigest()) != (wanted["size"], wanted["sha256"]):
                raise BackupError(
                    _("The archive is damaged: %(name)s does not match its checksum.")
                    % {"name": member.name}
                )
            os.chmod(target, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
            os.utime(target, (member.mtime, member.mtime))
            seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(_("The archive is damaged: %(error)s.") % {"error": error}) from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(_("The archive is damaged: %(name)s is missing.") % {"name": missing[0]})


def _inside(staging: Path, name: str) -> Path | None:
    """Where a member goes: the database file, or a file under media/ (no
    absolute name, no `..`)."""
    parts = PurePosixPath(name).parts
    if name in DUMP.values():
        return staging / name
    if len(parts) < 2 or parts[0] != MEDIA or any(p in ("", ".", "..") for p in parts):
        return None
    return staging.joinpath(*parts)


def _load(dump: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()  # no lock of ours in pg_restore's way
        run_pg(
            ["pg_restore", *PG_RESTORE, f"--dbname={connection.settings_dict['NAME']}", str(dump)]
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def check(manifest: dict) -> list[str]:
    """The restored database and files against the manifest: counts, migrations,
    the audit chain (verified whole, ending at the manifest's head); [] if all
    match."""
    problems = []
    state = current_state()
    for name, count in manifest["counts"].items():
        if state["counts"].get(name) != count:
            problems.append(
                _("%(name)s: %(found)s, the backup has %(count)s")
                % {"name": name, "found": state["counts"].get(name), "count": count}
            )
    if state["migrations"] != manifest["migrations"]:
        problems.append(_("the migrations differ"))
    head = manifest["audit_head"]
    expect = [head["hash"]] if head["hash"] != GENESIS else []
    verdict = verify(expect=expect)
    if not verdict.ok:
        problems.append(_("audit chain: %(reason)s") % {"reason": verdict.reason})
    elif (verdict.count, verdict.last_hash) != (head["count"], head["hash"]):
        problems.append(
            _("audit chain: %(count)d entries ending %(hash)s")
            % {"count": verdict.count, "hash": verdict.last_hash}
        )
    root = Path(settings.MEDIA_ROOT)
    for member in media_members(manifest):  # their checksums were checked on the way in
        file = root / member["name"].removeprefix(f"{MEDIA}/")
        if not file.is_file() or file.stat().st_size != member["size"]:
            problems.append(_("%(name)s: missing or changed") % {"name": member["name"]})
    return problems
