"""The public figures and their open data, for anyone (issue 23): stable URLs,
documented on the data dictionary page."""

from django.urls import path, re_path

from .views import public

app_name = "public"

urlpatterns = [
    path("figures/", public.public_figures, name="figures"),
    path("figures/decisions/", public.public_decisions, name="decisions"),
    re_path(r"^figures/(?P<table>[a-z_]+)\.(?P<fmt>[a-z]+)$", public.public_table, name="table"),
    path("data/", public.data_dictionary, name="dictionary"),
    path("catalog.jsonld", public.catalog, name="catalog"),
]
