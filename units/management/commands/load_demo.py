from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string, module_has_submodule
from django.utils.translation import gettext as _

from units.demo.data import DEMO_PASSWORD
from units.demo.load import load_demo


class Command(BaseCommand):
    help = "Load official area codes and the demo units and users (embedded mode only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--areas-only",
            action="store_true",
            help="Load only the official area codes (allowed in production).",
        )

    def handle(self, *args, areas_only: bool = False, **options):
        if not areas_only and not settings.DEBUG:
            raise CommandError(
                _(
                    "Refusing to create demo users in production mode (DEBUG is off). "
                    "Use --areas-only to load the official area codes."
                )
            )
        users = load_demo(with_units=not areas_only)
        if not areas_only:
            # Other apps' demo (supervision): units never imports them.
            for app in apps.get_app_configs():
                if app.name != "units" and module_has_submodule(app.module, "demo"):
                    import_string(f"{app.name}.demo.load.load_demo")()
        self.stdout.write(self.style.SUCCESS(_("Demo data is loaded.")))
        for username, role in users:
            self.stdout.write(f"  {username:<12} {role:<16} {_('password')}: {DEMO_PASSWORD}")
