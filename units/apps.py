from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    # The app's config although this module holds AxesConfig too (without it
    # Django falls back to a bare AppConfig and ready() never runs).
    default = True
    name = "units"
    verbose_name = _("Units and areas")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from reformwatch.middleware import session_seen_at_login

        user_logged_in.connect(session_seen_at_login, dispatch_uid="session_seen_at_login")


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling) under a name the admin can show: its
    section read a raw "AXES"."""

    verbose_name = _("Login lockouts")
