"""A Python script run in a subprocess on the embedded default (no
DATABASE_URL, REDIS_URL or LOG_LEVEL from the test run): for what a process
sets up once and the test session must not keep (logging configured from the
environment, Sentry's patches of Django)."""

import os
import subprocess
import sys

from django.conf import settings

DROPPED = ("DATABASE_URL", "REDIS_URL", "LOG_LEVEL")


def run_embedded(script: str, **env: str) -> subprocess.CompletedProcess:
    """Runs `script` with reformwatch.settings and `env` on top of the
    embedded default; raises if it fails. Its stdout and stderr are text."""
    environ = {key: value for key, value in os.environ.items() if key not in DROPPED}
    environ.update(DJANGO_SETTINGS_MODULE="reformwatch.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
