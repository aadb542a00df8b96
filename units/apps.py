from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and areas")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from reformwatch.middleware import session_seen_at_login

        user_logged_in.connect(session_seen_at_login, dispatch_uid="session_seen_at_login")
