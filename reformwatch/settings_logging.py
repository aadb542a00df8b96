"""The LOGGING setting, built by reformwatch/settings.py from the environment
(LOG_LEVEL, LOG_FORMAT). A Celery worker configures its logging with it too
(reformwatch/celery.py), so its lines look like the web's."""

from django.core.exceptions import ImproperlyConfigured

FORMATS = ("plain", "json")


def logging_config(*, level: str, log_format: str, eager_tasks: bool) -> dict:
    """The console's configuration: every line with its request's id, as plain
    text or (LOG_FORMAT=json) one JSON object a line."""
    if log_format not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "reformwatch.logs.JsonFormatter"},
        },
        "filters": {
            "request_id": {"()": "reformwatch.logs.RequestIdFilter"},
            "expected": {"()": "reformwatch.log_filters.ExpectedClientErrors"},
            "once_per_minute": {"()": "reformwatch.log_filters.OncePerMinute"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id", "expected"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own loggers to this console only: with Django's console as
            # well, each of their lines (a 403's traceback) was printed twice.
            "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # django-axes logs every login at INFO; lockouts are WARNING.
            "axes": {"level": "WARNING"},
            # The cache commands django-redis ignored (Redis unreachable): a minute's
            # first, then a count.
            "reformwatch.cache": {"filters": ["once_per_minute"]},
            # Eager tasks (the embedded mode) would log a line each: load_demo
            # printed 99 of them. A worker logs its tasks itself.
            "celery.app.trace": {"level": "WARNING" if eager_tasks else "INFO"},
        },
    }
