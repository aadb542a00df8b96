"""/data-quality/: the checks, their rows and CSV (units/views/data_quality.py)."""

from django.urls import path

from .views import data_quality

app_name = "data_quality"

urlpatterns = [
    path("data-quality/", data_quality.quality, name="index"),
    path("data-quality/<slug:check>/", data_quality.quality_rows, name="rows"),
    path("data-quality/<slug:check>.csv", data_quality.quality_export, name="export"),
]
