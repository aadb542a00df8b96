"""ReformWatch settings, read from environment variables.

With no variables set the portal runs in the embedded default mode (SQLite file,
eager Celery, local-memory cache, DEBUG on). Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and ALLOWED_HOSTS (see README).
"""

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import envbool, envint
from .logs import sentry_init
from .settings_logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED = not DATABASE_URL

DEBUG = envbool("DEBUG", EMBEDDED)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "embedded-default-insecure-key-for-local-use-only"

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "units.apps.AxesConfig",  # django-axes, with a name for the admin
    "units",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reformwatch.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reformwatch.middleware.SessionIdleMiddleware",
    "reformwatch.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-debug-toolbar: each page's queries and templates, for a newcomer running
# the embedded mode. Never in production (DEBUG off or a DATABASE_URL) nor under
# tests (pytest), where it would change what a page costs.
DEBUG_TOOLBAR = EMBEDDED and DEBUG and envbool("DEBUG_TOOLBAR", "pytest" not in sys.modules)
if DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    # Inside the CSP middleware: the toolbar's own files are served from 'self'.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
        "debug_toolbar.middleware.DebugToolbarMiddleware",
    )
    INTERNAL_IPS = ["127.0.0.1", "::1"]

ROOT_URLCONF = "reformwatch.urls"
WSGI_APPLICATION = "reformwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reformwatch.context_processors.navigation",
            ],
        },
    }
]

# Widgets render with the project's templates too (templates/units/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "reformwatch.sqlite3")),
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE takes the
                # write lock at BEGIN so concurrent writers wait instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }

# How long one Redis command may take (cache and broker) before it counts as a
# failure: far above a healthy Redis's milliseconds, and what a hung one costs.
REDIS_TIMEOUT = envint("REDIS_TIMEOUT_MS", 250) / 1000
if REDIS_URL:
    # Redis is an accelerator (DESIGN §6): django-redis's IGNORE_EXCEPTIONS makes
    # a cache that cannot be reached read as a miss and write as a no-op (each
    # logged, see LOGGING), and short timeouts make a dead or hung Redis cost
    # milliseconds a command, not the request.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "reformwatch",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "reformwatch.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "units:unit_list"
LOGOUT_REDIRECT_URL = "landing"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own formats: dd/mm/yyyy in both languages (reformwatch/formats/).
FORMAT_MODULE_PATH = ["reformwatch.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# Decision files: never served as static files, only through a view that checks
# who may see the decision (units/views/restructurings.py).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_PERMISSIONS = 0o640
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
# Sessions end after this much idle time (activity renews them; see
# reformwatch.middleware.SessionIdleMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 8 * 3600)
# Sessions in the database in both modes, never in the cache: a Redis that is
# down or comes back with old data can neither sign everyone out nor bring back
# a session that was signed out meanwhile.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS in production, configurable for a deployment that terminates TLS oddly.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe /health/ over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preloading was declined on purpose
CSRF_FAILURE_VIEW = "reformwatch.views.csrf_failure"

# Login throttling (django-axes): after 5 failures for one account or one
# address, refused for 15 minutes; an administrator can unlock in the admin.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "reformwatch.views.login_locked_out"
# Failures and lockouts in the database (axes' default, said here): they hold
# whether or not the cache can be reached.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "reformwatch.client_ip.client_ip"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy: name the header it
# sets (X-Forwarded-For or X-Real-IP) and how many proxies append to it, or one
# user's failures would lock everyone out.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1)

# Everything is served from our own origin: government networks are often closed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_ACKS_LATE = True
# Recomputes on a queue of their own, served by a worker of their own: the
# reminders, warm-ups and cleanups on the default queue never wait behind them.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"units.tasks.figures_recompute": {"queue": "figures"}}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hang a web request for long: a send is tried
# twice at once, each connection and command within REDIS_TIMEOUT (without a
# socket timeout a hung Redis held the request forever). Refused, it costs a few
# milliseconds; hung, a few timeouts (0.8 s). The sweeper catches up (DESIGN §5).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
HEARTBEAT_SECONDS = envint("HEARTBEAT_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "units.tasks.heartbeat",
        "schedule": HEARTBEAT_SECONDS,
        "options": {"expires": HEARTBEAT_SECONDS - 5},
    },
    "figures-sweep": {
        "task": "units.tasks.figures_recompute",
        "schedule": envint("FIGURES_SWEEP_SECONDS", 60),
        "args": ("schedule",),
        "options": {"expires": 55},
    },
    # Daily at 06:00 (the portal's time zone): reminders of due recommendations.
    "supervision-reminders": {
        "task": "supervision.tasks.reminders",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 23 * 3600},
    },
    # Daily just after midnight: the data-quality counts (overdue moves with the date).
    "data-quality-warm": {
        "task": "units.tasks.data_quality_warm",
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": 23 * 3600},
    },
    "staffing-imports-cleanup": {
        "task": "units.tasks.staffing_imports_cleanup",
        "schedule": 24 * 3600,
    },
}

# Logs: each line with its request's id, plain or JSON (LOG_FORMAT); errors to
# Sentry only where SENTRY_DSN is set (reformwatch/logs.py).
LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    log_format=os.environ.get("LOG_FORMAT", "plain"),
    eager_tasks=CELERY_TASK_ALWAYS_EAGER,
)
sentry_init(
    os.environ.get("SENTRY_DSN", ""),
    environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
    release=os.environ.get("SENTRY_RELEASE", ""),
    traces_sample_rate=os.environ.get("SENTRY_TRACES_SAMPLE_RATE", ""),
)

# E-mail for the supervision reminders: off unless EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ReformWatch <no-reply@localhost>")

from .settings_api import *  # noqa: E402, F403 (the REST API's settings)

FILTERS_EMPTY_CHOICE_LABEL = _("All")
