"""Public figures and open data (issue 23, points 1 and 2): an anonymous
reader gets quận Ngô Quyền 2018–2023 as 42 → 36, 14,29 %, the same numbers
in the CSV and JSON downloads, the decisions behind each waterfall step, and
a DCAT catalogue listing every download."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from pyld import jsonld

from reformwatch.benchmark import Bench
from tests.conftest import queries_of
from units.benchmarks_public import public_figures
from units.models import Area, Restructuring
from units.versions import figures_swapped
from units.views.public_tables import TABLES

pytestmark = pytest.mark.django_db


def ngo_quyen() -> Area:
    return Area.objects.get(level="district", code="304", valid_to__isnull=False)


def window(area: Area | None = None) -> dict:
    return {**({"area": area.pk} if area else {}), "base": 2017, "year": 2023}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_anonymous_reader_sees_ngo_quyen_2018_to_2023(client, demo_figures):
    response = client.get(reverse("public:figures"), window(ngo_quyen()))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-figure="units-base">42<' in page
    assert 'data-figure="units-now">36<' in page
    assert 'data-figure="units-reduced">6<' in page
    assert 'data-figure="units-percent">14,29 %<' in page
    assert "14,28 %" not in page.replace("14,28 %)", "")  # only in the rounding rule
    assert "2018–2023" in page and "31/12/2017 → 31/12/2023" in page
    assert "Số liệu tính lúc" in page  # when they were computed


def test_the_landing_page_links_the_public_figures(client, demo_figures):
    page = client.get(reverse("landing")).content.decode()
    assert f'href="{reverse("public:figures")}" id="public-figures-link">Số liệu công khai<' in page


def test_the_national_page_ranks_the_provinces_with_their_staff(client, demo_figures):
    response = client.get(reverse("public:figures"), {"base": 2015, "year": 2026})
    page = response.content.decode()
    hai_phong = Area.objects.get(level="province", code="31", valid_to__isnull=True)
    assert f"?area={hai_phong.pk}&amp;base=2015&amp;year=2026" in page
    staff = list(csv.reader(io.StringIO(body(client.get(
        reverse("public:table", args=["staff", "csv"]), {"base": 2015, "year": 2026}
    )).decode("utf-8-sig"))))  # fmt: skip
    assert staff[0][:2] == ["scope", "scope_code"]
    assert staff[1][0] == ""  # the nation first
    assert len(staff) == 2 + 34  # and the 34 provinces of 2026
    national = int(staff[1][staff[0].index("staff_now")])
    assert national == sum(int(r[staff[0].index("staff_now")]) for r in staff[2:])


def test_the_downloads_hold_the_numbers_of_the_page(client, demo_figures):
    params = window(ngo_quyen())
    url = reverse("public:table", args=["summary", "csv"])
    response = client.get(url, params)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["units_base"], row["units_now"], row["units_reduced"]) == ("42", "36", "6")
    assert row["units_reduced_percent"] == "14.29"
    assert row["scope_code"] == "304"
    document = json.loads(body(client.get(reverse("public:table", args=["summary", "json"]),
                                          params)))  # fmt: skip
    record = document["rows"][0]
    assert (record["units_base"], record["units_now"], record["units_reduced"]) == (42, 36, 6)
    assert record["units_reduced_percent"] == 14.29
    assert document["base_year"] == 2017 and document["year"] == 2023
    assert document["computed_at"] and document["license"].endswith("/by/4.0/")
    # The waterfall's download adds up as the page's does.
    water = json.loads(body(client.get(reverse("public:table", args=["waterfall", "json"]),
                                       params)))["rows"]  # fmt: skip
    assert (water[0]["count"], water[-1]["count"]) == (42, 36)
    assert 42 + sum(r["change"] for r in water[1:-1]) == 36


def test_every_table_downloads_in_both_formats(client, demo_figures):
    for table in [*TABLES, "decisions"]:
        for fmt in ("csv", "json"):
            response = client.get(reverse("public:table", args=[table, fmt]), window(ngo_quyen()))
            assert response.status_code == 200, (table, fmt)
            content = body(response)
            if fmt == "json":
                assert json.loads(content)["table"] == table
            else:
                assert content.startswith("\ufeff".encode())


def test_the_consolidation_step_lists_its_decisions(client, demo_figures):
    area = ngo_quyen()
    page = client.get(reverse("public:figures"), window(area)).content.decode()
    link = f"?kind=consolidate&amp;area={area.pk}&amp;base=2017&amp;year=2023"
    assert f'href="{reverse("public:decisions")}{link}"' in page
    response = client.get(reverse("public:decisions"), {"kind": "consolidate", **window(area)})
    rows = response.context["rows"]
    assert rows and all(label == "Hợp nhất" for row in rows for label, _n in row.kinds)
    expected = Restructuring.objects.filter(
        kind="consolidate",
        reversed_at__isnull=True,
        effective_on__year__range=(2018, 2023),
        links__unit__area__parent=area,
    ).values_list("decision_number", flat=True)
    assert {row.number for row in rows} == set(expected)
    shown = response.content.decode()
    for row in rows:
        assert row.number in shown and row.authority in shown
    for _row, results in response.context["decisions"]:
        assert results and shown.count(f"<td>{'; '.join(results)}</td>") == 1
        assert len(set(results)) == len(results)  # each result once, not once a source


def test_the_public_page_shows_the_foresight_of_the_targets(client, demo_figures):
    page = client.get(reverse("public:figures"), {"base": 2015, "year": 2023}).content.decode()
    assert 'id="foresight"' in page and 'id="foresight-method"' in page
    assert 'data-foresight="units-2015-2021"' in page


def test_decision_files_are_not_linked_to_the_public(client, demo_figures):
    """No decision is marked public: a decision with a file shows no link to it."""
    area = ngo_quyen()
    listed = client.get(reverse("public:decisions"), {"kind": "consolidate", **window(area)})
    decision = Restructuring.objects.get(pk=listed.context["rows"][0].first_id)
    decision.decision_file.name = "decisions/2020/quyet-dinh.pdf"
    decision.save(update_fields=["decision_file"])
    cache.clear()
    page = client.get(
        reverse("public:decisions"), {"kind": "consolidate", **window(area)}
    ).content.decode()
    assert decision.decision_number in page
    assert reverse("units:decision_file", args=[decision.pk]) not in page
    assert ".pdf" not in page


def test_the_catalogue_is_dcat_json_ld_listing_each_download(client, demo_figures):
    params = window(ngo_quyen())
    response = client.get(reverse("public:catalog"), params)
    assert response["Content-Type"].startswith("application/ld+json")
    document = json.loads(response.content)
    context = document["@context"]
    assert context["dcat"] == "http://www.w3.org/ns/dcat#"
    assert context["dct"] == "http://purl.org/dc/terms/"
    assert document["@type"] == "dcat:Catalog"
    assert document["dct:license"] == "https://creativecommons.org/licenses/by/4.0/"
    datasets = {d["@id"].rsplit("#", 1)[1]: d for d in document["dcat:dataset"]}
    assert set(datasets) == {*TABLES, "decisions"}
    for name, dataset in datasets.items():
        assert dataset["@type"] == "dcat:Dataset" and dataset["dct:modified"]
        formats = {d["dct:format"]: d for d in dataset["dcat:distribution"]}
        assert set(formats) == {"CSV", "JSON"}
        for distribution in formats.values():
            assert distribution["@type"] == "dcat:Distribution"
            assert distribution["dcat:mediaType"].startswith("https://www.iana.org/")
            url = distribution["dcat:downloadURL"]
            path = url.removeprefix("http://testserver")
            assert path.startswith(
                reverse("public:table", args=[name, "csv"])[: -len("summary.csv")]
            )
            assert f"area={params['area']}" in url and "base=2017" in url
            assert client.get(path).status_code == 200
    summary = json.loads(body(client.get(
        datasets["summary"]["dcat:distribution"][1]["dcat:downloadURL"]
        .removeprefix("http://testserver")
    )))  # fmt: skip
    assert summary["rows"][0]["units_now"] == 36


def test_the_page_carries_schema_org_dataset_markup(client, demo_figures):
    page = client.get(reverse("public:figures"), window(ngo_quyen())).content.decode()
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    head = page[: page.index("</head>")]
    assert start < len(head)
    markup = json.loads(page[start : page.index("</script>", start)])
    assert markup["@context"] == "https://schema.org" and markup["@type"] == "Dataset"
    assert markup["license"].endswith("/by/4.0/") and markup["temporalCoverage"].startswith("2017")
    urls = {d["contentUrl"] for d in markup["distribution"]}
    assert any("summary.csv" in u for u in urls) and any("summary.json" in u for u in urls)


def test_the_data_dictionary_lists_every_column_and_the_licence(client, demo_figures):
    page = client.get(reverse("public:dictionary")).content.decode()
    for table in TABLES.values():
        assert f'id="{table.name}"' in page
        for column in table.columns:
            assert f"<code>{column.key}</code>" in page
    assert 'id="licence"' in page and "CC BY 4.0" in page
    assert "Số liệu tính lúc" in page and "14,28" in page  # computed at, rounding rule


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"area": "999999999"}, 404, "Không có địa bàn này"),
        ({"area": "abc"}, 404, "Không có địa bàn này"),
        ({"year": "20x3"}, 400, "Không thể hiển thị số liệu này: Năm:"),
        ({"base": "1990"}, 400, "2014"),
        ({"sector": "nope"}, 400, "Không thể hiển thị số liệu này: Lĩnh vực:"),
    ],
)
def test_a_bad_scope_or_year_is_refused_with_a_sentence_not_a_500(
    client, demo_figures, params, status, says
):
    for url in (
        reverse("public:figures"),
        reverse("public:table", args=["summary", "csv"]),
        reverse("public:catalog"),
        reverse("public:decisions"),
    ):
        response = client.get(url, params)
        assert response.status_code == status, url
        assert says in response.content.decode(), url


def test_an_unknown_table_or_format_or_kind_is_refused(client, demo_figures):
    assert client.get(reverse("public:table", args=["secret", "csv"])).status_code == 404
    assert client.get(reverse("public:table", args=["summary", "xlsx"])).status_code == 404
    response = client.get(reverse("public:decisions"), {"kind": "nope"})
    assert response.status_code == 400


def test_the_public_page_costs_a_bounded_number_of_queries(client, demo_figures):
    url = reverse("public:figures")
    hai_phong = Area.objects.get(level="province", code="31", valid_to__isnull=True)
    cache.clear()
    cold = [
        queries_of(lambda params=params: client.get(url, params))
        for params in ({}, {"area": hai_phong.pk}, window(ngo_quyen()))
    ]
    assert max(cold) <= 16, cold
    warm = queries_of(lambda: client.get(url, {"area": hai_phong.pk}))
    assert warm <= 2, warm  # the cached body: the area's form validation at most


def test_the_page_is_cached_until_the_figures_change(client, demo_figures):
    params = window(ngo_quyen())
    client.get(reverse("public:figures"), params)
    first = queries_of(lambda: client.get(reverse("public:figures"), params))
    figures_swapped()
    after = queries_of(lambda: client.get(reverse("public:figures"), params))
    assert after > first


def test_the_benchmark_measures_the_public_pages_and_a_download(demo_figures):
    """The benchmark's public part runs on the demo (every request answers 200)
    and records the cached and uncached page and the download's memory."""
    bench = Bench(repeat=2, out=lambda line: None)
    hai_phong = Area.objects.get(level="province", code="31", valid_to__isnull=True)
    public_figures(bench, hai_phong)
    names = {figure.name for figure in bench.figures}
    for name in (
        "public.figures.p95",
        "public.figures_uncached.p95",
        "public.figures_province_uncached.queries",
        "public.children_csv.peak_memory",
        "public.decisions_csv.time",
    ):
        assert name in names


def test_the_catalogue_reads_as_rdf_with_its_links_as_iris(client, demo_figures):
    """A harvester (CKAN's DCAT extension) reads the catalogue as RDF: processed
    by a JSON-LD processor (PyLD, offline: the context is inline), every
    dataset is a dcat:Dataset of the catalogue and every download URL and media
    type an IRI, not a string."""
    response = client.get(reverse("public:catalog"), window(ngo_quyen()))
    document = json.loads(response.content)
    quads = jsonld.to_rdf(document, {"format": "application/n-quads"}).splitlines()
    dcat = "http://www.w3.org/ns/dcat#"
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    catalog = [q.split(" ")[0] for q in quads if f"{kind} <{dcat}Catalog>" in q]
    datasets = [q for q in quads if f"{kind} <{dcat}Dataset>" in q]
    assert len(catalog) == 1 and len(datasets) == len(TABLES) + 1
    listed = [q for q in quads if q.startswith(catalog[0]) and f"<{dcat}dataset>" in q]
    assert len(listed) == len(datasets)
    for predicate in ("downloadURL", "mediaType"):
        objects = [q.split(" ", 2)[2] for q in quads if f"<{dcat}{predicate}>" in q]
        assert len(objects) == 2 * len(datasets), predicate
        assert all(o.startswith("<http") for o in objects), (predicate, objects[:2])
