"""The API's figures for `manage.py benchmark`: the units list at national scope
(first page and a deep page through the cursor), the figures of the nation and
of the busiest province, the units ordered by name (`o`, first page and one
through the cursor), the schema (its cold run is the one generation a process
pays), each p50/p95 and query count, with a token."""

from django.test import Client

from .models import Area, User
from .services.tokens import token_create


def api_pages(bench, official: User, province: Area) -> None:
    names = (
        "api.units_national",
        "api.units_deep",
        "api.units_by_name",
        "api.units_by_name_next",
        "api.figures_national",
        "api.figures_province",
        "api.summary_province",
        "api.schema",
    )
    if not any(bench.wanted(name) for name in names):
        return
    _token, text = token_create(actor=official, name="benchmark", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Token {text}")
    bench.page("api.units_national", client, "/api/v1/units/")
    deep = client.get("/api/v1/units/", {"page_size": 1000}).json()
    for _ in range(20):  # 20,000 units in
        if not deep.get("next"):
            break
        deep = client.get(deep["next"]).json()
    if deep.get("next"):  # the same position, a page of the default size
        url = deep["next"].split("testserver", 1)[-1].replace("page_size=1000", "page_size=100")
        bench.page("api.units_deep", client, url)
    bench.page("api.units_by_name", client, "/api/v1/units/?o=-name")
    following = client.get("/api/v1/units/", {"o": "-name"}).json()["next"]
    bench.page("api.units_by_name_next", client, following.split("testserver", 1)[-1])
    bench.page("api.figures_national", client, "/api/v1/figures/?sector=*")
    bench.page("api.figures_province", client, f"/api/v1/figures/?scope={province.pk}&sector=*")
    summary = f"/api/v1/figures/summary/?scope={province.pk}&base_year=2021"  # with foresight
    bench.page("api.summary_province", client, summary)
    bench.page("api.schema", client, "/api/schema/")
