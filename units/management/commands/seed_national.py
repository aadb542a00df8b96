import datetime as dt
import importlib.util
import resource
import time
import uuid

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string, module_has_submodule

from reformwatch.middleware import current_request_id
from units.demo.national import NationalSeed
from units.demo.national_apply import apply_2025_changes, summary
from units.demo.national_events import bodies_of_july_2025, history
from units.demo.national_staffing import write_staffing
from units.demo.national_write import write
from units.models import Unit, User
from units.services.area_registry import area_registry_load


class Command(BaseCommand):
    help = (
        "Generate a deterministic national dataset on the official area registry: the "
        "bodies of every level, ~55,900 public service units at end-2015, ~10,000 "
        "restructurings 2016–2025, the 2025 area changes and yearly staffing figures; "
        "then check the accounting invariant. Use an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Share of the country.")
        parser.add_argument("--seed", type=int, default=2015, help="Random seed.")
        parser.add_argument("--skip-area-changes", action="store_true", help="Stop at 30/06/2025.")

    def handle(self, *args, scale, seed, skip_area_changes, **options):
        """Generate, write, apply the 2025 changes and check, timing each step."""
        if not 0 < scale <= 1:
            raise CommandError("--scale is between 0 and 1.")
        if Unit.objects.exists():
            raise CommandError("The database already has units: use an empty database.")
        # One request id for the run: every audit entry it writes says where it came from.
        token = current_request_id.set(f"seed_national-{seed}-{uuid.uuid4().hex}")
        try:
            self.generate(scale, seed, skip_area_changes)
        finally:
            current_request_id.reset(token)

    def generate(self, scale: float, seed: int, skip_area_changes: bool) -> None:
        """The steps of the run, each reported with its time (BENCH lines)."""
        started = time.monotonic()
        area_registry_load()
        actor, _created = User.objects.get_or_create(
            username="seed", defaults={"full_name": "seed_national", "is_superuser": True}
        )
        generator = NationalSeed(scale=scale, seed=seed, actor=actor)
        generator.build()
        history(generator)
        bodies_of_july_2025(generator)
        self.bench("generate", started)
        lap = time.monotonic()
        counts = write(generator)
        self.stdout.write(f"written {counts}")
        self.bench("write", lap)
        if not skip_area_changes:
            lap = time.monotonic()
            moved = apply_2025_changes(actor)
            self.stdout.write(f"2025 area changes {moved}")
            self.bench("area_changes_country", lap)
        lap = time.monotonic()
        staffing = write_staffing(seed)
        self.stdout.write(f"staffing figures {staffing}")
        self.bench("staffing", lap)
        # Other apps add their share (supervision…) through `<app>.demo.national.seed`.
        for app in apps.get_app_configs():
            if app.name == "units" or not module_has_submodule(app.module, "demo"):
                continue
            if importlib.util.find_spec(f"{app.name}.demo.national") is None:
                continue
            lap = time.monotonic()
            import_string(f"{app.name}.demo.national.seed")(
                seed=seed, scale=scale, actor=actor, out=self.stdout.write
            )
            self.bench(app.label, lap)
        lap = time.monotonic()
        for line in summary(today=timezone.localdate(), base=dt.date(2015, 12, 31)):
            self.stdout.write(line)
        self.bench("invariant_check", lap)
        if connection.vendor == "postgresql":
            # A bulk load leaves no statistics and no visibility map: the planner
            # would guess, and index-only scans read the heap, until autovacuum
            # comes round. A loaded portal is in this state, measured from here.
            lap = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.bench("vacuum_analyze", lap)
        self.bench("total", started)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.stdout.write(f"BENCH seed_national.peak_memory {peak:.0f} MiB")

    def bench(self, name: str, since: float) -> None:
        """A BENCH line: the seconds a step took."""
        self.stdout.write(f"BENCH seed_national.{name} {time.monotonic() - since:.1f} s")
