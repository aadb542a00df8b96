"""The portal's URLs and a minimal view: the ceiling a page's requests per
second are compared with (same middleware, no database, no template)."""

from django.http import HttpResponse
from django.urls import path

from .urls import urlpatterns as portal


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *portal]
