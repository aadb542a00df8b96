import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from units.models import Area, User
from units.services.area_changes import apply_area_changes, plan_area_changes
from units.services.restructuring_rules import Decision
from units.text import parse_date


def _date(value: str) -> dt.date:
    day = parse_date(value)
    if day is None:
        raise CommandError(_("Write the date as dd/mm/yyyy."))
    return day


class Command(BaseCommand):
    help = (
        "Move the units of an area that ended (a district abolished or a province or "
        "commune merged in 2025) by transfer restructurings citing a decision. Shows the "
        "plan; --apply records it."
    )

    def add_arguments(self, parser):
        parser.add_argument("area", help="Code of the area that ended, e.g. 009 or 31.")
        parser.add_argument("--decision", required=True, help="Decision number to cite.")
        parser.add_argument("--authority", required=True, help="Issuing authority.")
        parser.add_argument("--decided-on", required=True, type=_date)
        parser.add_argument("--effective-on", default="01/07/2025", type=_date)
        parser.add_argument("--note", default="")
        parser.add_argument("--user", required=True, help="An administrator's username.")
        parser.add_argument("--apply", action="store_true", help="Record the transfers.")

    def handle(self, *args, **options):
        day = options["effective_on"]
        areas = list(Area.objects.filter(code=options["area"], valid_to__lt=day))
        if len(areas) != 1:
            raise CommandError(
                _("No single area with code %(code)s ended before %(day)s.")
                % {"code": options["area"], "day": f"{day:%d/%m/%Y}"}
            )
        actor = User.objects.filter(username=options["user"]).first()
        if actor is None or not actor.is_admin:
            raise CommandError(_("Give the username of an administrator."))
        plan = plan_area_changes(area=areas[0], day=day)
        self._show(plan)
        if not options["apply"]:
            self.stdout.write(_("Nothing was recorded. Run again with --apply to record it."))
            return
        decision = Decision(
            number=options["decision"],
            decided_on=options["decided_on"],
            effective_on=day,
            authority=options["authority"],
            note=options["note"],
        )
        try:
            result = apply_area_changes(plan=plan, decision=decision, actor=actor)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Recorded: %(moved)s units moved by %(transfers)s transfers, "
                    "%(dissolved)s bodies dissolved."
                )
                % result
            )
        )

    def _show(self, plan):
        for move in plan.moves:
            where = ", ".join(str(x) for x in (move.new_parent, move.new_area) if x)
            self.stdout.write(f"  → {move.unit.name}: {move.rule} ({where})")
        for unit in plan.dissolve:
            self.stdout.write(f"  ✕ {unit.name}: {_('dissolved')}")
        for unit, problem in plan.problems:
            self.stdout.write(self.style.WARNING(f"  ! {unit.name}: {problem}"))
