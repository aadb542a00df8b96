"""The officials' dashboard: reduction of public service units and of quota
staff for a scope, read from the snapshot the recompute writes; each of its
tables exported as shown, and a print view."""

import contextlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import exports
from ..choices import Sector
from ..forms.dashboards import DashboardForm
from ..models import Target, Unit
from ..models.registry import last_year_seen
from ..selectors.agency_lineage import agency_lineage, counted_predecessors
from ..selectors.dashboards import Figures
from ..selectors.dashboards import dashboard as dashboard_figures
from ..selectors.foresight import scope_foresight
from ..versions import cached, digest, figures_cached, figures_store, figures_version


def _filters(request) -> dict:
    form = DashboardForm(request.GET or None)
    area, year, base, sector = form.values()
    label = dict(Sector.choices).get(sector, "")
    return {
        "form": form,
        "area": area,
        "year": year,
        "base": base,
        "sector": sector,
        "sector_label": label,
        "agency": area if isinstance(area, Unit) else None,
        "scope_param": Figures(area, None, None).param,
    }


def _figures(filters: dict) -> dict:
    """The figures of the page, cached until a recompute swaps figures in (or a
    decision, an area, a staffing save or a target changes what it shows)."""
    area, year, base, sector = (filters[k] for k in ("area", "year", "base", "sector"))
    scope = filters["scope_param"]
    key = f"dashboard:{figures_version()}:{get_language()}:{scope}:{year}:{base}:{sector}"

    def compute() -> dict:
        figures = dashboard_figures(area=area, year=year, base_year=base, sector=sector)
        return {**figures, "foresight": scope_foresight(figures, year=year)}

    return cached(key, compute)


def _context(request) -> dict:
    filters = _filters(request)
    agency = filters["agency"]
    if agency is not None:  # the bodies it continues and those that continue it
        filters["agency_lineage"] = agency_lineage(agency)
        filters["counted_predecessors"] = counted_predecessors(agency)
        if agency.closed_on:
            filters["last_year"] = last_year_seen(agency.closed_on)
    return {**filters, **_figures(filters)}


@login_required
@require_safe
def dashboard(request):
    """The page's body is cached whole, under the figures' version, the language
    and the filters (every official may read every scope), and the page around
    it (the reader's menu, name and form tokens) for a minute under the
    reader's session: a request both were cached for is answered from one
    cache read, without the form, the figures or a template."""
    printing = request.GET.get("print") == "1"
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    key = "dashboard-page:" + digest(get_language(), query)
    chrome_key = _chrome_key(request, printing)
    version, body, chrome = figures_cached(key, chrome_key)
    if body is None:
        body = _body(request, printing)
        figures_store(key, version, body)
    if chrome is None:
        page = render_to_string(
            "units/dashboard.html", {"body": mark_safe(BODY), "printing": printing}, request
        )
        chrome = page.split(BODY)
        if chrome_key:
            with contextlib.suppress(Exception):  # the cache is a courtesy
                cache.set(chrome_key, chrome, CHROME_FOR)
    return HttpResponse(chrome[0] + body + chrome[1])


BODY = "<!-- the dashboard's body -->"
CHROME_FOR = 60  # seconds: a reader's new name or role shows within a minute


def _chrome_key(request, printing: bool) -> str | None:
    """The reader's page around the body, cached per session and form token;
    not when a message waits to be shown or the token is new (its cookie is
    set with this response)."""
    token = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session = request.session
    if not token or "messages" in request.COOKIES or session.get("_messages"):
        return None
    return "dashboard-chrome:" + digest(
        session.session_key, token, request.user.pk, get_language(), printing
    )


def _body(request, printing: bool) -> str:
    context = _context(request)
    context["charts"] = _charts(context, request.GET.get("sector", ""))
    context["printing"] = printing
    query = request.GET.copy()
    query.pop("print", None)
    context["export_query"] = query.urlencode()
    return render_to_string("units/_dashboard_body.html", context, request=request)


def _charts(c: dict, sector: str) -> dict:
    """What static/js/dashboard-charts.js draws (the tables beside each chart
    hold the same numbers): the trend, the sectors, and a map of the child
    scopes that have a centroid, at the national scope (the provinces)."""
    drill = f"&sector={sector}" if sector else ""
    return {
        "trend": {
            "labels": [f.now.year for f in c["trend"]],
            "units": [f.units_now for f in c["trend"]],
            "staff": [f.staff_now for f in c["trend"]],
            "unitsLabel": _("Public service units"),
            "staffLabel": _("Quota staff assigned"),
        },
        "sectors": {
            "labels": [label for label, _f in c["sectors"]],
            "base": [f.units_base for _l, f in c["sectors"]],
            "now": [f.units_now for _l, f in c["sectors"]],
            "baseLabel": str(c["base"]),
            "nowLabel": str(c["year"]),
        },
        "map": [
            {
                "name": f.area.name,
                "x": f.area.longitude,
                "y": f.area.latitude,
                "units": f.units_now,
                "percent": _number(f.units_percent),
                "url": f"?{f.param}&base={c['base']}&year={c['year']}{drill}",
            }
            for f in (c["children"] if c["area"] is None else [])  # the provinces
            if f.area.latitude is not None and f.area.longitude is not None
        ],
        "unitsWord": _("units"),
        "reducedWord": _("reduced"),
    }


def _number(value):
    return float(value) if value is not None else None


def _ranked(key: str):
    return lambda c: _ranked_table(c, key)


def _ranked_table(c: dict, key: str) -> tuple[list, list]:
    header = [
        _("Agency") if key == "bodies" or c["agency"] else _("Scope"),
        str(c["base"]),
        str(c["year"]),
        _("Reduced"),
        "%",
        _("Quota staff") + f" {c['year']}",
    ]
    rows = [
        [
            f.area.name,
            f.units_base,
            f.units_now,
            f.units_reduced,
            _number(f.units_percent),
            f.staff_now,
        ]
        for f in c[key]
    ]
    return header, rows


def _trend(c: dict) -> tuple[list, list]:
    header = [
        _("Year"),
        _("Public service units"),
        _("Reduced since %(base)s (%%)") % {"base": c["base"]},
        _("Quota staff assigned"),
        _("Actual"),
        _("Vacancy"),
        _("Autonomy groups 1–2 (%)"),
    ]
    rows = [
        [
            f.now.year,
            f.units_now,
            _number(f.units_percent),
            f.staff_now,
            f.staff_actual,
            f.staff_vacancy,
            _number(f.autonomous_share),
        ]
        for f in c["trend"]
    ]
    return header, rows


def _waterfall(c: dict) -> tuple[list, list]:
    header = [_("Step"), _("Change"), _("Count")]
    last = len(c["waterfall"]) - 1
    rows = [
        [bar.label, bar.value if 0 < i < last else None, bar.running]
        for i, bar in enumerate(c["waterfall"])
    ]
    return header, rows


def _targets(c: dict) -> tuple[list, list]:
    header = [
        _("Target"),
        _("Base year"),
        _("Target year"),
        _("Set"),
        _("Achieved"),
        _("Progress"),
        _("Still to go"),
        str(capfirst(Target._meta.get_field("source").verbose_name)),
    ]
    rows = [
        [
            str(t.target.get_metric_display()),
            t.target.base_year,
            t.target.target_year,
            _number(t.target.percent),
            _number(t.achieved),
            _number(t.progress),
            t.gap,
            t.target.source,
        ]
        for t in c["targets"]
    ]
    return header, rows


def _sectors(c: dict) -> tuple[list, list]:
    header = [_("Sector"), str(c["base"]), str(c["year"]), _("Reduced"), "%"]
    header.append(_("Quota staff") + f" {c['year']}")
    rows = [
        [label, f.units_base, f.units_now, f.units_reduced, _number(f.units_percent), f.staff_now]
        for label, f in c["sectors"]
    ]
    return header, rows


TABLES = {
    "children": _ranked("children"),
    "bodies": _ranked("bodies"),
    "sectors": _sectors,
    "trend": _trend,
    "waterfall": _waterfall,
    "targets": _targets,
}


@login_required
@require_safe
def dashboard_export(request, table: str, fmt: str):
    """One of the dashboard's tables, for the same filters, in CSV or XLSX."""
    if table not in TABLES:
        raise Http404
    context = _context(request)
    header, rows = TABLES[table](context)
    scope = context["scope_param"].replace("=", "-") or "ca-nuoc"
    name = f"so-lieu-{table}-{scope}-{context['base']}-{context['year']}"
    if fmt == "csv":
        return exports.csv_response(name, header, rows)
    return exports.xlsx_response(name, header, rows)
