"""Public figures and open data (issue 23, points 1 and 2): anyone reads the
reduction figures of the nation or of any area (DESIGN §6b), from the same
selector and form as the officials' dashboard, cached by the figures' version;
each table downloads as CSV or JSON, described by a data dictionary and listed
in a DCAT catalogue."""

import json

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import exports
from ..filters import RestructuringFilter
from ..forms.dashboards import DashboardForm
from ..models import Restructuring
from ..selectors.dashboards import dashboard as dashboard_figures
from ..selectors.foresight import scope_foresight
from ..selectors.restructuring_export import decision_rows_all
from ..selectors.restructurings import decision_groups, decision_rows_page
from ..versions import cached, data_version, digest, figures_cached, figures_store, figures_version
from .common import paginate
from .public_catalog import LICENCE_URL, catalog_document, dataset_markup
from .public_tables import DECISION_COLUMNS, TABLES, table_rows

FORMATS = {"csv": "text/csv", "json": "application/json"}
JSON_BLOCK = 500
DECISION_CHUNK = 1000  # decisions read per block by the download (flat memory)


class Refused(Exception):
    """A scope or years the public figures cannot show: a page in Vietnamese
    (or the reader's language) with the status, never a 500."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _refused(request, refused: Refused) -> HttpResponse:
    title = _("Page not found") if refused.status == 404 else _("Bad request")
    context = {"status": refused.status, "title": title, "message": refused.message}
    return render(request, "error.html", context, status=refused.status)


def _filters(request) -> dict:
    """The scope (an area or the nation: agencies are the officials'), the years
    and the sector, read by the dashboard's own form."""
    params = {k: request.GET[k] for k in ("area", "base", "year", "sector") if k in request.GET}
    form = DashboardForm(params or None)
    if form.is_bound and not form.is_valid():
        if "area" in form.errors:
            raise Refused(404, _("There is no such area. Choose one from the list of scopes."))
        problems = "; ".join(
            f"{form.fields[n].label}: {' '.join(e)}" for n, e in form.errors.items()
        )
        raise Refused(
            400, _("These figures cannot be shown: %(problems)s") % {"problems": problems}
        )
    area, year, base, sector = form.values()
    query = f"area={area.pk if area else ''}&base={base}&year={year}&sector={sector}"
    return {"form": form, "area": area, "year": year, "base": base, "sector": sector,
            "query": query.replace("sector=*", "sector=")}  # fmt: skip


def _figures(filters: dict) -> dict:
    """The dashboard selector's figures for the filters and the foresight of its
    targets (as the officials' dashboard reads them), cached by the figures'
    version (a recompute swap, a target, a decision or an area moves it on)."""
    key = f"public-figures:{figures_version()}:{get_language()}:{filters['query']}"
    return cached(key, lambda: _compute(filters))


def _compute(filters: dict) -> dict:
    area, year, base, sector = (filters[k] for k in ("area", "year", "base", "sector"))
    figures = dashboard_figures(area=area, year=year, base_year=base, sector=sector, public=True)
    return {**figures, "foresight": scope_foresight(figures, year=year)}


def _guarded(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refused as refused:
            return _refused(request, refused)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return require_safe(wrapped)


@_guarded
def public_figures(request):
    """The public figures page: its body and its schema.org markup are cached
    whole under the figures' version, the language, the host and the filters;
    the page around them (language switch) is rendered for each reader."""
    filters = _filters(request)
    key = "public-page:" + digest(get_language(), request.get_host(), filters["query"])
    version, parts = figures_cached(key)
    if parts is None:
        parts = _page_parts(request, filters)
        figures_store(key, version, parts)
    markup, body = parts
    context = {"body": mark_safe(body), "markup": mark_safe(markup), "area": filters["area"]}
    return render(request, "units/public/figures.html", context)


def _page_parts(request, filters: dict) -> tuple[str, str]:
    # Not through _figures' cache: the page is cached whole under the same
    # version, and pickling a province's figures for the downloads' sake cost
    # as much as computing them.
    figures = _compute(filters)
    links = _downloads(request, filters)
    context = {
        **filters,
        **figures,
        "first_year": filters["base"] + 1,
        "downloads": links,
        "catalog_url": reverse("public:catalog") + "?" + filters["query"],
        "children_rows": _children_rows(figures["children"], filters),
    }
    body = render_to_string("units/public/_figures_body.html", context)
    markup = dataset_markup(request, filters, figures, links)
    return _ld_script(markup), body


def _children_rows(children: list, filters: dict) -> str:
    """The ranked scopes' rows, formatted here and not by the template engine:
    a province's ~170 communes cost ~40 ms in template tags and filters, a few
    ms here (issue 23: the uncached page within 60 ms at national scale). Only
    the name is text; every other cell a number formatted as `count` and `percent` do."""
    base, year = filters["base"], filters["year"]
    # The filters' own formats, their separators read once (get_format per
    # number was half the cost of these rows).
    thousands, decimal = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")

    def count(value) -> str:
        return "" if value is None else f"{value:,}".replace(",", thousands)

    def percent(value) -> str:
        return "—" if value is None else f"{value:.2f}".replace(".", decimal) + " %"

    rows = []
    for f in children:
        numbers = (
            count(f.units_base), count(f.units_now), count(f.units_reduced),
            percent(f.units_percent), count(f.staff_base), count(f.staff_now),
            percent(f.staff_percent), count(f.staff_actual), count(f.staff_vacancy),
        )  # fmt: skip
        cells = "".join(f'<td class="num">{n}</td>' for n in numbers)
        link = f'<a href="?{f.param}&amp;base={base}&amp;year={year}">{escape(f.area.name)}</a>'
        rows.append(f"<tr><td>{link}</td>{cells}</tr>")
    return mark_safe("".join(rows))  # noqa: S308 - the name escaped, the rest numbers


def _ld_script(document: dict) -> str:
    """A JSON-LD data block: never executed, so the CSP's script-src does not
    apply; `<`, `>` and `&` escaped as Django's json_script does."""
    text = json.dumps(document, ensure_ascii=False)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def _downloads(request, filters: dict) -> dict[str, dict[str, str]]:
    """Each table's download URL per format, absolute, for the filters."""
    return {
        name: {
            fmt: request.build_absolute_uri(
                reverse("public:table", args=[name, fmt]) + "?" + filters["query"]
            )
            for fmt in FORMATS
        }
        for name in [*TABLES, "decisions"]
    }


@_guarded
def public_decisions(request):
    """The public decisions behind a waterfall step: those of a kind that touch
    a unit of the scope and took effect in the window (as the officials'
    dashboard links them). Decision files are not linked: no decision is
    marked public yet."""
    filters = _filters(request)
    filterset = _decision_filterset(request, filters)
    groups = decision_groups(filterset)
    context = {**filters, "first_year": filters["base"] + 1, "filter": filterset}
    context.update(paginate(request, groups, version=data_version()))
    context["rows"] = decision_rows_page(context["page"].object_list, filterset)
    context["decisions"] = [  # each result once, as the officials' export writes it
        (row, list(dict.fromkeys(to for change in row.changes for to in change["to"])))
        for row in context["rows"]
    ]
    context["kind_label"] = dict(filterset.filters["kind"].extra["choices"]).get(
        filterset.form.cleaned_data.get("kind"), ""
    )
    return render(request, "units/public/decisions.html", context)


def _decision_filterset(request, filters: dict) -> RestructuringFilter:
    """The restructurings list's filter over the decisions in force (an annulled
    one is not behind any figure)."""
    params = {
        "effective_from": f"01/01/{filters['base'] + 1}",
        "effective_to": f"31/12/{filters['year']}",
    }
    if filters["area"] is not None:
        params["area"] = str(filters["area"].pk)
    if request.GET.get("kind"):
        params["kind"] = request.GET["kind"]
    queryset = Restructuring.objects.filter(reversed_at__isnull=True)
    filterset = RestructuringFilter(params, queryset=queryset)
    if not filterset.is_valid():
        raise Refused(400, _("There is no such kind of decision."))
    return filterset


@_guarded
def public_table(request, table: str, fmt: str):
    """A table of the public figures for a scope and years, streamed as CSV
    (UTF-8 with a BOM, keys as headings) or as one JSON document."""
    if fmt not in FORMATS or (table not in TABLES and table != "decisions"):
        raise Refused(404, _("There is no such table. The data dictionary lists them."))
    filters = _filters(request)
    area = filters["area"]
    name = f"so-lieu-{table}-{area.code if area else 'ca-nuoc'}-{filters['base']}-{filters['year']}"
    if table == "decisions":
        columns = DECISION_COLUMNS
        rows = decision_rows_all(_decision_filterset(request, filters), chunk=DECISION_CHUNK)
        values = ([c.value(d) for c in columns] for d in rows)
        computed_at = None
    else:
        figures = _figures(filters)
        columns, computed_at = TABLES[table].columns, figures["computed_at"]
        values = table_rows(TABLES[table], figures)
    keys = [c.key for c in columns]
    if fmt == "csv":
        response = exports.csv_response(name, keys, values)
    else:
        records = (dict(zip(keys, row, strict=True)) for row in values)
        response = _json_response(name, _meta(request, table, filters, computed_at), records)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any portal may read it
    return response


def _meta(request, table: str, filters: dict, computed_at) -> dict:
    area = filters["area"]
    return {
        "table": table,
        "scope": {"id": area.pk, "code": area.code, "name": area.name} if area else None,
        "base_year": filters["base"],
        "year": filters["year"],
        "sector": filters["sector"].replace("*", ""),
        "computed_at": computed_at.isoformat() if computed_at else None,
        "license": LICENCE_URL,
        "dictionary": request.build_absolute_uri(reverse("public:dictionary") + f"#{table}"),
    }


def _json_response(name: str, meta: dict, records) -> StreamingHttpResponse:
    """One JSON document (the table's description, then its rows), sent in
    blocks of rows as they are read: flat memory whatever the rows."""
    head = json.dumps(meta, ensure_ascii=False)[:-1] + ', "rows": ['

    def blocks():
        yield head
        block, separator = [], ""
        for record in records:
            block.append(separator + json.dumps(record, ensure_ascii=False, default=str))
            separator = ","
            if len(block) == JSON_BLOCK:
                yield "".join(block)
                block = []
        yield "".join(block) + "]}"

    response = StreamingHttpResponse(blocks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@require_safe
def data_dictionary(request):
    """Every table's columns with their units and meaning, the rounding rule,
    when the figures were computed, the URLs and the licence."""
    figures = _figures(_filters_default())
    tables = [*TABLES.values()]
    context = {
        "tables": tables,
        "decision_columns": DECISION_COLUMNS,
        "computed_at": figures["computed_at"],
        "licence_url": LICENCE_URL,
        "example": escape(reverse("public:table", args=["summary", "csv"])),
    }
    return render(request, "units/public/dictionary.html", context)


def _filters_default() -> dict:
    form = DashboardForm(None)
    area, year, base, sector = form.values()
    return {"area": None, "year": year, "base": base, "sector": sector,
            "query": f"area=&base={base}&year={year}&sector="}  # fmt: skip


@_guarded
def catalog(request):
    """The DCAT catalogue (JSON-LD) of the public tables for the scope and
    years asked (the nation since 2015 by default), for open-data portals."""
    filters = _filters(request)
    figures = _figures(filters)
    document = catalog_document(request, filters, figures, _downloads(request, filters))
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
