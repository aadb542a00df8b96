from django.urls import path

from .views import (
    activity,
    areas,
    dashboards,
    recompute_runs,
    restructuring_form,
    restructurings,
    staffing,
    staffing_import,
    tokens,
    units,
)

app_name = "units"

urlpatterns = [
    path("units/", units.unit_list, name="unit_list"),
    path("units/export.csv", units.unit_export, {"fmt": "csv"}, name="unit_export_csv"),
    path("units/export.xlsx", units.unit_export, {"fmt": "xlsx"}, name="unit_export_xlsx"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("restructurings/", restructurings.restructuring_list, name="restructuring_list"),
    path(
        "restructurings/export.csv",
        restructurings.restructuring_export,
        {"fmt": "csv"},
        name="restructuring_export_csv",
    ),
    path(
        "restructurings/export.xlsx",
        restructurings.restructuring_export,
        {"fmt": "xlsx"},
        name="restructuring_export_xlsx",
    ),
    path(
        "restructurings/<int:pk>/",
        restructurings.restructuring_detail,
        name="restructuring_detail",
    ),
    path("restructurings/<int:pk>/file/", restructurings.decision_file, name="decision_file"),
    path(
        "restructurings/<int:pk>/reverse/",
        restructurings.restructuring_reverse_view,
        name="restructuring_reverse",
    ),
    path("restructurings/new/", restructuring_form.restructuring_new, name="restructuring_new"),
    path(
        "restructurings/new/<str:key>/<slug:step>/",
        restructuring_form.restructuring_step,
        name="restructuring_step",
    ),
    path("activity/", activity.activity, name="activity"),
    path("figures/", dashboards.dashboard, name="dashboard"),
    path(
        "figures/<slug:table>.csv",
        dashboards.dashboard_export,
        {"fmt": "csv"},
        name="dashboard_export_csv",
    ),
    path(
        "figures/<slug:table>.xlsx",
        dashboards.dashboard_export,
        {"fmt": "xlsx"},
        name="dashboard_export_xlsx",
    ),
    path("figures/runs/", recompute_runs.recompute_runs, name="recompute_runs"),
    path("figures/runs/all/", recompute_runs.recompute_all, name="recompute_all"),
    path("staffing/", staffing.staffing_overview, name="staffing_overview"),
    path(
        "staffing/export.csv",
        staffing.staffing_overview_export,
        {"fmt": "csv"},
        name="staffing_export_csv",
    ),
    path(
        "staffing/export.xlsx",
        staffing.staffing_overview_export,
        {"fmt": "xlsx"},
        name="staffing_export_xlsx",
    ),
    path("staffing/<int:pk>/<int:year>/", staffing.staffing_grid, name="staffing_grid"),
    path("staffing/sheet.xlsx", staffing_import.staffing_sheet, name="staffing_sheet"),
    path("staffing/import/", staffing_import.staffing_import, name="staffing_import"),
    path(
        "staffing/import/<int:pk>/",
        staffing_import.staffing_import_preview,
        name="staffing_import_preview",
    ),
    path("areas/", areas.area_tree, name="area_tree"),
    path("areas/pick/", areas.area_pick, name="area_pick"),
    path("areas/<int:pk>/children/", areas.area_tree, name="area_children"),
    path("organisation/", areas.org_tree, name="org_tree"),
    path("organisation/<int:pk>/children/", areas.org_tree, name="org_children"),
    path("account/tokens/", tokens.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
]
