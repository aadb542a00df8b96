from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/export.csv", views.unit_export, {"fmt": "csv"}, name="unit_export_csv"),
    path("units/export.xlsx", views.unit_export, {"fmt": "xlsx"}, name="unit_export_xlsx"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("areas/", views.area_tree, name="area_tree"),
    path("areas/<int:pk>/children/", views.area_tree, name="area_children"),
]
