"""/health/: what the portal runs on, part by part. PostgreSQL is the one part
it cannot run without (503); Redis (cache and broker) and the worker are
accelerators (DESIGN §6): without them the portal works, slower, and says
"degraded" with a 200. Anonymous callers (load balancers, the public) get the
status only; signed-in readers the parts."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from units.selectors.units import heartbeat_last
from units.versions import versions_owed_since

from .celery import app


@require_safe
def health(request):
    """JSON for machines (`?format=json` or Accept), HTML for people."""
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    database_ok = checks["database"]["ok"]
    beat = _heartbeat() if database_ok else None
    age = (timezone.now() - beat.last_run_at).total_seconds() if beat else None
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    checks["celery"] = {
        "ok": beat is not None and age <= settings.HEARTBEAT_SECONDS * 3,
        "last_run_at": beat.last_run_at.isoformat() if beat else None,
        "age_seconds": round(age) if age is not None else None,
        "eager": eager,
    }
    owed = _owed_since() if database_ok else None  # a version bump the cache refused
    checks["cache"]["owed_since"] = owed.isoformat() if owed else None
    degraded = [part for part in ("cache", "broker") if not checks[part]["ok"]]
    if not eager and not checks["celery"]["ok"]:
        degraded.append("celery")  # the figures wait for the worker
    status = "down" if not database_ok else "degraded" if degraded else "ok"
    payload = {"ok": database_ok, "status": status}
    detailed = request.user.is_authenticated if database_ok else False
    if detailed:
        payload |= {
            "checks": checks,
            "degraded": degraded,
            "mode": "embedded" if settings.EMBEDDED else "production",
        }
    code = 200 if database_ok else 503
    wants_json = request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        return JsonResponse(payload, status=code)
    context = {"health": payload, "checks": checks if detailed else None, "beat": beat}
    context["owed"] = owed
    return render(request, "health.html", context, status=code)


def _heartbeat():
    try:
        return heartbeat_last()
    except Exception:  # noqa: BLE001 - the database check already says what failed
        return None


def _owed_since():
    try:
        return versions_owed_since()
    except Exception:  # noqa: BLE001 - the database check says what failed
        return None


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}


def _check_cache() -> dict:
    """A write and a read back. django-redis ignores Redis's errors (they read
    as a miss): its client is asked directly, for the error itself."""
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    try:
        get_client = getattr(getattr(cache, "client", None), "get_client", None)
        if get_client is not None:
            get_client(write=True).ping()
        cache.set("health-probe", "1", 10)
        if cache.get("health-probe") != "1":
            return {"ok": False, "backend": backend, "error": "the value written was not read"}
        return {"ok": True, "backend": backend}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "backend": backend, "error": str(exc)[:200]}


def _check_broker() -> dict:
    """Whether tasks can be sent (nothing to reach where they are eager)."""
    if app.conf.task_always_eager:
        return {"ok": True, "eager": True}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            return {"ok": True, "eager": False, "transport": conn.transport_cls}
    except Exception as exc:  # noqa: BLE001 - unreachable: the sweeper catches up
        return {"ok": False, "eager": False, "error": str(exc)[:200]}
