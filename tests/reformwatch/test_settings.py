import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the parent's environment must not pass on (DJANGO_ALLOW_ASYNC_UNSAFE is set
# while the browser journeys run, and is refused by the deploy check).
SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="false", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_it_rejects_a_malformed_boolean():
    result = run_check(DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_the_embedded_default_starts_with_no_variables():
    assert run_check().returncode == 0


PRODUCTION = {
    "DATABASE_URL": "postgres://reformwatch@127.0.0.1:5432/reformwatch",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "kq3V9x_p2RZ-mT8wL1cYh6uN0bDfA4sJeGiOoUr7Ml5Pn2QtWvXyKzBd",
    "ALLOWED_HOSTS": "cai-cach.example.gov.vn",
}


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_https_settings_follow_the_environment():
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_AGE)"
    )
    on = run_manage("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert on.stdout.split() == ["True", "31536000", "28800"], on.stderr
    off = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_IDLE_SECONDS="1800",
        **PRODUCTION,
    )
    assert off.stdout.split() == ["False", "0", "1800"], off.stderr


def toolbar(**env) -> str:
    """What the portal started with `env` says of the debug toolbar: whether it is
    on and whether a page of the embedded mode carries it."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG_TOOLBAR, 'debug_toolbar' in settings.INSTALLED_APPS, "
        "any('DebugToolbar' in m for m in settings.MIDDLEWARE))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "reformwatch.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_debug_toolbar_is_on_in_the_embedded_mode_only():
    assert toolbar() == "True True True"
    assert toolbar(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org") == (
        "False False False"
    )
    production = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "DEBUG": "true"}
    assert toolbar(**production) == "False False False"
    assert toolbar(DEBUG_TOOLBAR="false") == "False False False"


def test_the_debug_toolbar_is_off_under_tests(settings):
    # This process runs pytest: pages cost what they cost in production.
    assert settings.DEBUG_TOOLBAR is False
    assert "debug_toolbar" not in settings.INSTALLED_APPS
