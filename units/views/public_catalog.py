"""The machine-readable descriptions of the public figures: the DCAT catalogue
(JSON-LD, harvested by CKAN's ckanext-dcat or data.gov.vn) with a dataset per
table and a distribution per format, and the schema.org Dataset markup of the
public page. Both list the same download URLs (views/public.py)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .public_tables import TABLES

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
MEDIA_TYPES = {
    "csv": ("text/csv", "CSV"),
    "json": ("application/json", "JSON"),
}
IANA = "https://www.iana.org/assignments/media-types/"
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:license": {"@type": "@id"},
    "dcat:downloadURL": {"@type": "@id"},
    "dcat:accessURL": {"@type": "@id"},
    "dcat:landingPage": {"@type": "@id"},
    "dcat:mediaType": {"@type": "@id"},
    "foaf:homepage": {"@type": "@id"},
    "dct:modified": {"@type": "xsd:dateTime"},
    "dcat:startDate": {"@type": "xsd:date"},
    "dcat:endDate": {"@type": "xsd:date"},
}


def _scope_name(filters: dict) -> str:
    area = filters["area"]
    return area.name if area is not None else _("Vietnam (the whole country)")


def _modified(figures: dict) -> str | None:
    """When the snapshot the figures come from was computed (ISO 8601, local)."""
    at = figures["computed_at"]
    return timezone.localtime(at).isoformat(timespec="seconds") if at else None


def _page_url(request, filters: dict) -> str:
    return request.build_absolute_uri(reverse("public:figures") + "?" + filters["query"])


def _titles(filters: dict) -> dict[str, str]:
    """Each table's title for the scope and years: "… — Hải Phòng, 2018–2023"."""
    period = f"{filters['base'] + 1}–{filters['year']}"
    decisions = _("Decisions behind the figures")
    names = {name: str(t.title) for name, t in TABLES.items()} | {"decisions": decisions}
    return {name: f"{title} — {_scope_name(filters)}, {period}" for name, title in names.items()}


def catalog_document(request, filters: dict, figures: dict, downloads: dict) -> dict:
    """A dcat:Catalog with one dcat:Dataset per table and one dcat:Distribution
    per format (downloadURL, mediaType, licence), dct:modified = when the
    figures were computed."""
    modified, page = _modified(figures), _page_url(request, filters)
    temporal = {
        "@type": "dct:PeriodOfTime",
        "dcat:startDate": f"{filters['base']}-12-31",
        "dcat:endDate": f"{filters['year']}-12-31",
    }
    descriptions = {name: str(t.description) for name, t in TABLES.items()}
    descriptions["decisions"] = _(
        "The legal decisions in force that changed the units of the scope in the period."
    )
    datasets = []
    for name, title in _titles(filters).items():
        dataset = {
            "@id": f"{page}#{name}",
            "@type": "dcat:Dataset",
            "dct:identifier": f"{name}:{filters['query']}",
            "dct:title": title,
            "dct:description": descriptions[name],
            "dct:license": LICENCE_URL,
            "dct:language": get_language(),
            "dct:temporal": temporal,
            "dct:spatial": _scope_name(filters),
            "dcat:keyword": [_("public service units"), _("reorganisation"), _("quota staff")],
            "dcat:landingPage": page,
            "dcat:distribution": [
                {
                    "@id": url,
                    "@type": "dcat:Distribution",
                    "dct:title": f"{title} ({MEDIA_TYPES[fmt][1]})",
                    "dct:format": MEDIA_TYPES[fmt][1],
                    "dcat:mediaType": IANA + MEDIA_TYPES[fmt][0],
                    "dcat:downloadURL": url,
                    "dcat:accessURL": url,
                    "dct:license": LICENCE_URL,
                }
                for fmt, url in downloads[name].items()
            ],
        }
        if modified:
            dataset["dct:modified"] = modified
        datasets.append(dataset)
    catalog = {
        "@context": DCAT_CONTEXT,
        "@id": request.build_absolute_uri(reverse("public:catalog") + "?" + filters["query"]),
        "@type": "dcat:Catalog",
        "dct:title": _("ReformWatch public figures"),
        "dct:description": _(
            "Public service units and quota staff of Vietnam's areas, from the recorded "
            "legal decisions, for open-data portals."
        ),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "ReformWatch"},
        "dct:license": LICENCE_URL,
        "dct:language": get_language(),
        "foaf:homepage": page,
        "dcat:dataset": datasets,
    }
    if modified:
        catalog["dct:modified"] = modified
    return catalog


def dataset_markup(request, filters: dict, figures: dict, downloads: dict) -> dict:
    """schema.org/Dataset for the public page (search engines' dataset search)."""
    markup = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": _titles(filters)["summary"],
        "description": _(
            "Public service units active on 31/12 of the base year and of the year, the "
            "reduction and the decisions behind it, by year, sector and area, with quota staff."
        ),
        "url": _page_url(request, filters),
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "ReformWatch"},
        "spatialCoverage": {"@type": "Place", "name": _scope_name(filters)},
        "temporalCoverage": f"{filters['base']}-12-31/{filters['year']}-12-31",
        "variableMeasured": [str(c.label) for c in TABLES["summary"].columns[2:]],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{name}.{fmt}",
                "encodingFormat": MEDIA_TYPES[fmt][0],
                "contentUrl": url,
            }
            for name, urls in downloads.items()
            for fmt, url in urls.items()
        ],
    }
    modified = _modified(figures)
    if modified:
        markup["dateModified"] = modified
    return markup
