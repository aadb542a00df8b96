from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reformwatch import health, views
from supervision.api import (
    NotificationViewSet,
    PlanViewSet,
    RecommendationViewSet,
    SessionViewSet,
)
from units.api.urls import urlpatterns_with

urlpatterns = [
    path("", views.landing, name="landing"),
    path("health/", health.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("open/", include("units.urls_public")),
    path("", include("units.urls")),
    path("", include("units.urls_quality")),
    path("", include("supervision.urls")),
    *urlpatterns_with(
        ("sessions", SessionViewSet, "session"),
        ("recommendations", RecommendationViewSet, "recommendation"),
        ("plans", PlanViewSet, "plan"),
        ("notifications", NotificationViewSet, "notification"),
    ),
]
if settings.DEBUG_TOOLBAR:
    urlpatterns.append(path("__debug__/", include("debug_toolbar.urls")))

handler400 = "reformwatch.views.bad_request"
handler403 = "reformwatch.views.permission_denied"
handler404 = "reformwatch.views.page_not_found"
handler500 = "reformwatch.views.server_error"
