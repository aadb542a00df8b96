"""manage.py restore FILE.tar [--force]: the database and the files of a backup,
checked before anything changes and verified after (docs/BACKUP.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.backup import BackupError, created_text, media_members
from units.backup_restore import restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup into the configured database and "
        "MEDIA_ROOT, then check the audit chain, the counts and the files against its "
        "manifest. Refuses a damaged archive, an unknown format, a target that holds "
        "data (unless --force), or a PostgreSQL target migrated further than the archive "
        "(even with --force: restore into a new empty database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the tar file written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "replace a database that holds data (its files are moved into "
                "MEDIA_ROOT/.before-restore-<time>/, not deleted)"
            ),
        )

    def handle(self, *args, archive, force, **options):
        try:
            done = restore(archive, force=force, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = done.manifest
        if done.problems:
            raise CommandError(
                _("Restored, but it does not match the backup: %(problems)s.")
                % {"problems": "; ".join(done.problems)}
            )
        counts = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored and checked in %(seconds).1f s: %(units)d units, %(figures)d"
                    " figures, %(files)d files; the audit chain's %(entries)d entries verify"
                    " and end at %(head)s, as in the backup of %(when)s."
                )
                % {
                    "seconds": done.seconds,
                    "units": counts["units"],
                    "figures": counts["reduction_figures"],
                    "files": len(media_members(manifest)),
                    "entries": manifest["audit_head"]["count"],
                    "head": manifest["audit_head"]["hash"],
                    "when": created_text(manifest),
                }
            )
        )
