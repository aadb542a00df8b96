from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # The activity log's words for supervision's actions: units keeps the
        # table, supervision adds its own (units never imports supervision).
        from units.audit import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "session.create": _("Supervision session recorded"),
                "session.update": _("Supervision session changed"),
                "session.transition": _("Supervision session moved to another state"),
                "session.working_add": _("Working session scheduled"),
                "session.working_remove": _("Working session removed"),
                "session.report": _("Supervision report saved"),
                "session.publish": _("Supervision session published"),
                "session.withdraw": _("Supervision session withdrawn from the public page"),
                "recommendation.respond": _("Answer to a recommendation recorded"),
                "recommendation.propose_date": _("New due date asked for"),
                "recommendation.decide_date": _("New due date decided"),
                "recommendation.move_date": _("Due date moved"),
                "recommendation.assess": _("Implementation of a recommendation judged"),
                "recommendation.escalate": _("Recommendation escalated"),
                "plan.create": _("Plan recorded"),
                "plan.update": _("Plan changed"),
                "supervision.reminders": _("Reminders of due recommendations sent"),
                "supervision.seed_national": _("Supervision sample data generated"),
            }
        )
