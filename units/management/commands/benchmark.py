from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.module_loading import import_string, module_has_submodule

from reformwatch.benchmark import Bench


class Command(BaseCommand):
    help = (
        "Measure the portal on the current database (seed_national data): server time "
        "p50/p95 and query count of the main pages, exports, writes. Prints a table and "
        "one 'BENCH <name> <value> <unit>' line per figure. Writes are rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page.")
        parser.add_argument("--only", default="", help="Only the figures whose name has this.")

    def handle(self, *args, repeat, only, **options):
        bench = Bench(repeat=max(repeat, 1), only=only, out=self.stdout.write)
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        # The test client speaks plain HTTP to the in-process portal.
        with override_settings(ALLOWED_HOSTS=hosts, SECURE_SSL_REDIRECT=False):
            for app in apps.get_app_configs():
                if module_has_submodule(app.module, "benchmarks"):
                    import_string(f"{app.name}.benchmarks.run")(bench)
        self.stdout.write("")
        self.stdout.write(bench.table())
