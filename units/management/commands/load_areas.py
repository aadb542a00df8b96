import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from units.services.area_registry import SOURCE, area_registry_load


class Command(BaseCommand):
    help = (
        "Load the official area registry (63 → 34 provinces, districts, 10,035 → 3,321 "
        "communes and their lineage) from units/data/areas/registry. Idempotent."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = area_registry_load()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Areas from %(source)s: %(created)s created, %(updated)s updated; "
                    "lineage links: %(links_created)s created, %(links_updated)s updated "
                    "(%(seconds).1f s)."
                )
                % {**counts, "source": SOURCE, "seconds": time.monotonic() - started}
            )
        )
