"""manage.py recompute [--all]: run the figures' recompute now (the marked
scopes × years, or everything) and print the run."""

from django.core.management.base import BaseCommand

from units.services.recompute import recompute


class Command(BaseCommand):
    help = "Recompute the dashboards' figures: the stale scopes, or --all."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every scope and year")

    def handle(self, *args, **options):
        run = recompute(trigger="manual", everything=options["all"])
        if run is None:
            self.stdout.write("Nothing to recompute: no change waits to be counted.")
            return
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            f"{run.get_status_display()}: {run.scopes} scopes × {len(run.years)} years, "
            f"{run.rows} rows in {seconds:.1f} s"
        )
