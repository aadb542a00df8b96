"""The Celery app: broker and schedule come from Django settings (CELERY_*)."""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings

from . import logs  # noqa: F401 (connects the request id's task signals, web and worker)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformwatch.settings")

app = Celery("reformwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def worker_logging(**kwargs) -> None:
    """A worker (and beat) logs as the web does (settings.LOGGING: the request
    id on each line, LOG_FORMAT), not in Celery's own format."""
    logging.config.dictConfig(settings.LOGGING)
