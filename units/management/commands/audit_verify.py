"""manage.py audit_verify [--since-id N] [--expect HASH …]: recompute the audit
log's hash chain and name the first entry that no longer matches (exit 1), or
print how many entries match and the head's hash (exit 0)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from units.audit_chain import verify


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain: every entry against its content and the entry "
        "before it, and the head against the last entry. Names the first entry that no "
        "longer matches and exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since-id",
            type=int,
            help="start at this entry, trusting the stored hash of the one before it",
        )
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="HASH",
            help="a head hash noted earlier (the public page's): it must still be in the chain",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        verdict = verify(since_id=options["since_id"], expect=options["expect"])
        seconds = time.monotonic() - started
        if not verdict.ok:
            raise CommandError(describe(verdict.broken, verdict.reason))
        found = f", {len(options['expect'])} noted hash(es) found" if options["expect"] else ""
        self.stdout.write(
            f"{verdict.count} entries match (last #{verdict.last_id}){found}; "
            f"head {verdict.last_hash} ({seconds:.1f} s)"
        )


def describe(entry: dict | None, reason: str) -> str:
    """One line: which entry (id, date, action, object) and why it does not match."""
    if entry is None:
        return f"The audit chain does not match: {reason}."
    when = timezone.localtime(entry["at"]).strftime("%d/%m/%Y %H:%M:%S %Z")
    what = " ".join(
        part
        for part in (entry["object_type"], entry["object_id"], f'"{entry["object_repr"]}"')
        if part
    )
    return f"Entry #{entry['id']} ({when}, {entry['action']}, {what}) does not match: {reason}."
