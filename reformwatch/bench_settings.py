"""The portal's settings plus one minimal view, for `manage.py benchmark`'s
requests-per-second ratio under gunicorn (never deployed)."""

from .settings import *  # noqa: F403

ROOT_URLCONF = "reformwatch.bench_urls"
