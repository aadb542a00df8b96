"""The public figures' benchmark (issue 23, points 1 and 2): the anonymous
figures page of the nation and of a province, cached and uncached (the
figures' version moved on before each request), the decisions behind a
waterfall step, the DCAT catalogue, and CSV/JSON downloads read to the end
with their peak memory (the nation's decisions: the largest download)."""

from django.test import Client
from django.utils import timezone

from .models import Area
from .versions import figures_swapped


def public_figures(bench, province: Area) -> None:
    """Run by units.benchmarks.run with its busiest province."""
    years = f"base=2015&year={timezone.localdate().year}"
    anonymous = Client()
    pages = [
        ("public.figures", f"/open/figures/?{years}"),
        ("public.figures_province", f"/open/figures/?area={province.pk}&{years}"),
    ]
    for name, url in pages:
        bench.page(name, anonymous, url)
        bench.page(f"{name}_uncached", anonymous, url, before=figures_swapped)
    bench.page(
        "public.decisions_consolidate",
        anonymous,
        f"/open/figures/decisions/?kind=consolidate&area={province.pk}&{years}",
    )
    bench.page("public.catalog", anonymous, f"/open/catalog.jsonld?{years}")
    bench.download("public.children_csv", anonymous, f"/open/figures/children.csv?{years}")
    bench.download("public.trend_json", anonymous, f"/open/figures/trend.json?{years}")
    bench.download("public.decisions_csv", anonymous, f"/open/figures/decisions.csv?{years}")
