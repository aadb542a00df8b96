"""Request id (one per request, in the X-Request-ID header and on every audit
entry written while the request runs) and the interface language."""

import contextvars
import re
import time
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)
# What proxies and clients send (UUIDs, hex, trace ids): letters, digits, - _ . :
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{7,63}")


class RequestIdMiddleware:
    """Keeps a well-formed X-Request-ID from the proxy, else makes one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware:
    """Vietnamese first: the language is the one the user chose with the switch
    (its cookie), else Vietnamese, whatever the browser's Accept-Language says.
    The API (/api/) answers other systems in the language they ask for with
    Accept-Language ("en"), Vietnamese otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if request.path.startswith("/api/"):
            asked = translation.get_language_from_request(request)
            chosen = asked if "Accept-Language" in request.headers else chosen
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionIdleMiddleware:
    """Sessions end after SESSION_COOKIE_AGE of idle time. Saving the session on
    every request would cost a write per page; renewing it once every few
    minutes of activity gives the same idle timeout within that margin."""

    RENEW_AFTER_SECONDS = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get("_seen", 0) >= self.RENEW_AFTER_SECONDS:
                session["_seen"] = now
        return self.get_response(request)


def session_seen_at_login(sender, request, user, **kwargs):
    """A new session starts as just seen (connected in units.apps)."""
    request.session["_seen"] = int(time.time())
