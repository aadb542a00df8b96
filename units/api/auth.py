"""Personal tokens for the API: "Authorization: Token rw_<prefix>_<secret>"."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from reformwatch.client_ip import client_ip

from ..services.tokens import token_authenticate


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal token; an address that keeps sending wrong ones is refused for
    a minute (429) before any lookup (DRF's rate throttles run only after a
    request is authenticated)."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        key = f"api-auth-failures:{client_ip(request)}"
        if (cache.get(key) or 0) >= settings.API_AUTH_FAILURES_PER_MINUTE:
            raise exceptions.Throttled(wait=60)
        token = None
        if len(header) == 2:
            try:
                token = token_authenticate(header[1].decode())
            except UnicodeError:
                token = None
        if token is None or not token.user.is_active:
            if not cache.add(key, 1, 60):
                try:
                    cache.incr(key)
                except ValueError:  # expired in between
                    cache.set(key, 1, 60)
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "units.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token rw_<prefix>_<secret>: a personal token (the account "
            "menu's API tokens, /account/tokens/, or POST /api/v1/tokens/)",
        }
