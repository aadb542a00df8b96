from django.urls import path

from . import views, views_history, views_wizard

app_name = "units"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/export.csv", views.unit_export, {"fmt": "csv"}, name="unit_export_csv"),
    path("units/export.xlsx", views.unit_export, {"fmt": "xlsx"}, name="unit_export_xlsx"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("restructurings/", views_history.restructuring_list, name="restructuring_list"),
    path(
        "restructurings/export.csv",
        views_history.restructuring_export,
        {"fmt": "csv"},
        name="restructuring_export_csv",
    ),
    path(
        "restructurings/export.xlsx",
        views_history.restructuring_export,
        {"fmt": "xlsx"},
        name="restructuring_export_xlsx",
    ),
    path(
        "restructurings/<int:pk>/", views_history.restructuring_detail, name="restructuring_detail"
    ),
    path(
        "restructurings/<int:pk>/reverse/",
        views_wizard.restructuring_reverse_view,
        name="restructuring_reverse",
    ),
    path("restructurings/new/", views_wizard.restructuring_new, name="restructuring_new"),
    path(
        "restructurings/new/<str:key>/<slug:step>/",
        views_wizard.restructuring_step,
        name="restructuring_step",
    ),
    path("activity/", views_history.activity, name="activity"),
    path("areas/", views.area_tree, name="area_tree"),
    path("organisation/", views.org_tree, name="org_tree"),
    path("organisation/<int:pk>/children/", views.org_tree, name="org_children"),
    path("areas/<int:pk>/children/", views.area_tree, name="area_children"),
]
