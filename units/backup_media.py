"""Where a restore puts the files (units/backup_restore.py). The archive is
extracted into a folder inside MEDIA_ROOT, so that every move is a rename on one
file system; MEDIA_ROOT itself (often a mount point) is never renamed nor
removed: its contents move into MEDIA_ROOT/.before-restore-<time>/ (never
deleted) and the backup's files move in. Every move is undone if a later one, or
the database's load that follows, fails: a restore applies whole or not at all."""

import datetime as dt
import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .backup import ASIDE, MEDIA, STAGING, BackupError


@contextmanager
def staging_folder() -> Iterator[Path]:
    """A folder inside MEDIA_ROOT, readable by the portal's user only (the dump
    is extracted there too), removed afterwards."""
    root = Path(settings.MEDIA_ROOT).resolve()
    created = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{STAGING}{uuid.uuid4().hex[:8]}"
    staging.mkdir(mode=0o700)
    (staging / MEDIA).mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(root.iterdir()):
            root.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def media_placed(staging: Path) -> Iterator[Path | None]:
    """The backup's files (staged under `staging`/media) in MEDIA_ROOT, the files
    there before moved aside (the folder yielded, None if there were none). If
    a move fails, or the body does (the database's load), the moves are undone."""
    root = staging.parent
    moves: list[tuple[Path, Path]] = []
    aside = None
    try:
        held = [p for p in sorted(root.iterdir()) if not p.name.startswith((STAGING, ASIDE))]
        if held:
            aside = root / f"{ASIDE}{dt.datetime.now():%Y%m%d-%H%M%S-%f}"
            aside.mkdir(mode=0o700)
            for entry in held:
                _move(entry, aside / entry.name, moves)
        for entry in sorted((staging / MEDIA).iterdir()):
            _move(entry, root / entry.name, moves)
    except OSError as error:
        _undo(moves, aside, root)
        raise BackupError(
            _(
                "The files could not be moved into %(root)s (%(error)s): nothing was"
                " changed, neither the database nor the files."
            )
            % {"root": root, "error": error}
        ) from error
    try:
        yield aside
    except BaseException:
        _undo(moves, aside, root)
        raise


def _move(source: Path, target: Path, moves: list[tuple[Path, Path]]) -> None:
    if target.exists() or target.is_symlink():  # os.rename would replace a file
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    os.rename(source, target)
    moves.append((source, target))


def _undo(moves: list[tuple[Path, Path]], aside: Path | None, root: Path) -> None:
    """Every move back, last first; the aside folder removed once empty. If a
    move back fails, the error says where the files that were there are."""
    try:
        for source, target in reversed(moves):
            os.rename(target, source)
        if aside is not None:
            aside.rmdir()
    except OSError as error:
        raise BackupError(
            _(
                "The files could not be put back (%(error)s): the database was not"
                " changed; the files that were in %(root)s are in %(aside)s, move them"
                " back by hand."
            )
            % {"error": error, "root": root, "aside": aside or root}
        ) from error
