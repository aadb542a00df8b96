"""manage.py backup FILE.tar: the database and every file under MEDIA_ROOT in
one archive, with a manifest (docs/BACKUP.md)."""

from django.core.management.base import BaseCommand, CommandError

from units.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the decision files into one tar archive with a "
        "manifest (counts, the audit chain's head, a checksum per member). Restore it "
        "with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the tar file to write (replaced if it exists)")

    def handle(self, *args, archive, **options):
        try:
            backup(archive, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
