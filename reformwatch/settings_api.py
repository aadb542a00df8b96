"""The REST API's settings, imported by reformwatch/settings.py."""

import os

from .env import envint

# The REST API (/api/v1/): the browser session or a personal token, the same
# roles and scopes as the pages, throttled, described by OpenAPI 3.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "units.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "units.api.pagination.PagePagination",
    # JSON only: the browsable HTML API would be an undocumented second surface.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "units.api.negotiation.JsonFallbackNegotiation",
    # JSON bodies only: the API takes no file, and a form's flat fields cannot
    # carry its nested bodies (a form-encoded body is a 415).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "PAGE_SIZE": 50,
    # django-filter's backend, on lists only (units/api/list_filters.py).
    "DEFAULT_FILTER_BACKENDS": ["units.api.list_filters.ListFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Errors as RFC 9457 problem details (units/api/errors.py).
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "DATE_INPUT_FORMATS": ["iso-8601", "%d/%m/%Y"],
    "COERCE_DECIMAL_TO_STRING": False,
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "units.api.errors.ProblemHandler",
    "EXCEPTION_FORMATTER_CLASS": "units.api.errors.ProblemFormatter",
}
# Wrong tokens from one address before it is refused for a minute.
API_AUTH_FAILURES_PER_MINUTE = envint("API_AUTH_FAILURES_PER_MINUTE", 30)
SPECTACULAR_SETTINGS = {
    "TITLE": "ReformWatch API",
    "DESCRIPTION": "Public service units, their restructurings, staffing, reduction figures "
    "and supervision, with the same roles and scopes as the portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # In English whatever the request's language (units/api/openapi.py).
    "DEFAULT_GENERATOR_CLASS": "units.api.openapi.EnglishSchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "units.api.openapi.name_parameter_enums",
        "units.api.openapi.add_enum_labels",
        "units.api.schema.add_error_responses",
    ],
    # Every enum by name, the query parameters' too: a generated client's class
    # names stay the same whatever changes around them.
    "ENUM_NAME_OVERRIDES": {
        "AreaLevelEnum": "units.choices.AreaLevel",
        "UnitKindEnum": "units.choices.UnitKind",
        "ManagementLevelEnum": "units.choices.ManagementLevel",
        "RestructuringKindEnum": "units.choices.RestructuringKind",
        "SessionStatusEnum": "supervision.choices.SessionStatus",
        "RecommendationStatusEnum": "supervision.choices.RecommendationStatus",
        "BodyKindEnum": "supervision.choices.BodyKind",
        "TaskStatusEnum": "supervision.choices.TaskStatus",
        "EscalationKindEnum": "supervision.choices.EscalationKind",
        "FindingKindEnum": "supervision.choices.FindingKind",
        "SessionKindEnum": "supervision.choices.SessionKind",
        "DeadlineChangeStatusEnum": "supervision.choices.DeadlineChangeStatus",
        "RecomputeStatusEnum": "units.models.figures.RecomputeRun.Status",
        "RecomputeTriggerEnum": "units.models.figures.RecomputeRun.Trigger",
        "SectorEnum": "units.choices.Sector",
        "AutonomyGroupEnum": "units.choices.AutonomyGroup",
        "StaffingCategoryEnum": "units.choices.StaffingCategory",
        "LinkRoleEnum": "units.choices.LinkRole",
        "UnitStatusEnum": "units.filters.STATUS_CHOICES",
        "UnitOrderingEnum": "units.api.openapi.unit_ordering",
        "RestructuringOrderingEnum": "units.api.openapi.restructuring_ordering",
        "NotificationKindEnum": "supervision.choices.NotificationKind",
        "AssessmentOutcomeEnum": "supervision.api.recommendations.OUTCOMES",
        "RecommendationStatusFilterEnum": "supervision.api.recommendations.status_filter",
        "AuditObjectTypeEnum": "units.selectors.activity.OBJECT_TYPES",
    },
}
