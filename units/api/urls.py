"""/api/v1/: the resources of both apps, the schema and its documentation."""

from csp.decorators import csp_update
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from .areas import AreaViewSet
from .audit import AuditEntryViewSet
from .data_quality import DataQualityViewSet
from .figures import FigureViewSet, StaffingViewSet
from .openapi import SCHEMA_LANGUAGE
from .recompute_runs import RecomputeRunViewSet
from .restructurings import RestructuringViewSet
from .summary import FigureSummaryView
from .tokens import ApiTokenViewSet
from .units import UnitViewSet

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("units", UnitViewSet, basename="unit")
router.register("restructurings", RestructuringViewSet, basename="restructuring")
router.register("recompute-runs", RecomputeRunViewSet, basename="recompute-run")
router.register("staffing", StaffingViewSet, basename="staffing")
router.register("figures", FigureViewSet, basename="figure")
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("data-quality", DataQualityViewSet, basename="data-quality")


# Swagger UI inserts one <style> element of its own: allowed by its hash, the
# policy stays strict otherwise (drf-spectacular-sidecar 2026.10.1).
SWAGGER_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
DOCS = csp_update({"style-src": [SWAGGER_STYLE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)


SCHEMAS: dict = {}  # by API version: generated once per process


@receiver(setting_changed)
def _forget_schemas(**kwargs):
    SCHEMAS.clear()


class SchemaView(SpectacularAPIView):
    """The schema, in English whatever the request asks (units/api/openapi.py),
    and labelled so. It depends on the code alone (not on the reader, the
    language or the database), and generating it costs seconds: it is
    generated once per process."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        if version not in SCHEMAS:
            SCHEMAS[version] = super()._get_schema_response(request).data
        filename = self._get_filename(request, version)
        return Response(
            SCHEMAS[version], headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = SCHEMA_LANGUAGE
        return response


def urlpatterns_with(*registrations):
    """The API's URLs with other apps' resources registered on the same router
    (supervision's, added by the project's urls: units never imports it)."""
    for prefix, viewset, basename in registrations:
        router.register(prefix, viewset, basename=basename)
    return [
        path("api/v1/figures/summary/", FigureSummaryView.as_view(), name="figure-summary"),
        path("api/v1/", include(router.urls)),
        path("api/schema/", SchemaView.as_view(), name="schema"),
        path("api/docs/", DOCS, name="api-docs"),
    ]
