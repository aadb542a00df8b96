"""The units' figures for `manage.py benchmark` (see reformwatch/benchmark.py and
docs/PERFORMANCE.md): the main pages as a national official and as a district
clerk, the exports of the national list, one restructuring applied, and the 2025
area changes of one province. Writes run in a transaction that is rolled back,
so the database is left as it was."""

import contextlib
import datetime as dt
import io
import tracemalloc

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone

from . import (
    benchmarks_api,
    benchmarks_audit,
    benchmarks_figures,
    benchmarks_live,
    benchmarks_public,
    benchmarks_quality,
)
from .choices import AreaLevel, LinkRole, RestructuringKind, Role
from .demo.national_apply import DECISION as DECISION_2025
from .demo.national_apply import province_groups
from .models import (
    Area,
    AuditLink,
    Restructuring,
    RestructuringLink,
    StaffingFigure,
    Unit,
    User,
)
from .models.areas import subtree_q
from .models.staffing import categories_for
from .services.area_changes import apply_area_changes, plan_area_changes
from .services.restructuring_rules import Decision, NewUnit
from .services.restructurings import restructuring_apply
from .services.staffing_import import import_commit, import_preview, import_upload
from .staffing_sheet import SheetLine, unit_code, write_workbook
from .versions import figures_swapped

REFORM = DECISION_2025.effective_on


class Rollback(Exception):
    """Raised to undo a measured write."""


@contextlib.contextmanager
def rolled_back():
    """A transaction whose writes are undone at the end of the block."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def bench_user(username: str, role: str, **scope) -> User:
    user, _created = User.objects.update_or_create(
        username=username, defaults={"full_name": f"benchmark {role}", **scope}
    )
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def busiest_province(day: dt.date) -> Area:
    provinces = Area.objects.valid_on(day).filter(level=AreaLevel.PROVINCE)
    active = Unit.objects.services().active_on(day)
    return max(provinces, key=lambda p: active.in_area(p).count())


def busiest_district() -> Area:
    row = (
        Unit.objects.filter(area__parent__level=AreaLevel.DISTRICT)
        .values("area__parent_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if row is None:
        raise RuntimeError("No unit in a district: run seed_national (or load_demo) first.")
    return Area.objects.get(pk=row["area__parent_id"])


def run(bench) -> None:
    today = timezone.localdate()
    official = logged_in(bench_user("bench-official", Role.OFFICIAL))
    district = busiest_district()
    clerk = logged_in(bench_user("bench-clerk", Role.CLERK, scope_area=district))
    province = busiest_province(today)
    bench.out(f"# province: {province} · district clerk's scope: {district}")
    pages(bench, "official", official, province=province, today=today)
    pages(bench, "clerk", clerk, province=None, today=today, district=district)
    bench.page("landing.anonymous", None, "/")
    benchmarks_public.public_figures(bench, province)
    benchmarks_api.api_pages(bench, bench_user("bench-official", Role.OFFICIAL), province)
    benchmarks_quality.quality_checks(bench, province, bench_user)
    bench.download("export.units_csv", official, "/units/export.csv")
    bench.download("export.units_xlsx", official, "/units/export.xlsx")
    # Every decision of the country (issue 21: 115 queries and 7.4-8 s before).
    bench.download("export.restructurings_csv", official, "/restructurings/export.csv")
    # The whole audit log, as an admin exports it to re-verify its chain elsewhere.
    admin = logged_in(bench_user("bench-admin", Role.ADMIN))
    bench.download("export.audit_jsonl", admin, "/activity/export.jsonl")
    apply_one(bench, today)
    benchmarks_audit.audit_chain(bench, bench_user("bench-admin", Role.ADMIN))
    area_changes_one_province(bench)
    staffing_import(bench, today)
    benchmarks_figures.recompute_figures(bench)
    year = f"year={today.year}&base=2015"
    benchmarks_live.dashboard_rps(bench, official, year)
    benchmarks_live.write_to_figure(bench, bench_user("bench-admin", Role.ADMIN))


def pages(bench, who, client, *, province, today, district=None) -> None:
    # The district's units moved to the new communes on 1/7/2025: its clerk lists
    # every unit it ever had.
    base = "/units/?status=all" if district else "/units/"
    join = "&" if district else "?"
    bench.page(f"{who}.units_list", client, base)
    if province:
        bench.page(f"{who}.units_list_province", client, f"/units/?area={province.pk}")
    bench.page(f"{who}.units_search", client, f"{base}{join}q=truong+mam+non")
    bench.page(f"{who}.units_last_page", client, f"{base}{join}page=last")
    unit = sample_unit(district, today)
    bench.page(f"{who}.unit_detail", client, f"/units/{unit.pk}/")
    bench.page(f"{who}.area_tree", client, "/areas/")
    top = province or district
    bench.page(f"{who}.area_tree_open", client, f"/areas/{top.pk}/children/", htmx=True)
    bench.page(f"{who}.org_tree", client, "/organisation/")
    body = Unit.objects.agencies().filter(area=top, parent=None).first()
    if body:
        day = today if body.is_active_on(today) else body.established_on
        url = f"/organisation/{body.pk}/children/?on={day:%d/%m/%Y}"
        bench.page(f"{who}.org_tree_open", client, url, htmx=True)
    bench.page(f"{who}.restructurings_list", client, "/restructurings/")
    for label, part in sample_decisions(district):
        bench.page(f"{who}.restructuring_detail_{label}", client, f"/restructurings/{part.pk}/")
    bench.page(f"{who}.activity", client, "/activity/")
    year = f"year={today.year}&base=2015"
    bench.page(f"{who}.staffing_overview", client, f"/staffing/?{year}")
    if province:
        bench.page(f"{who}.staffing_province", client, f"/staffing/?area={province.pk}&{year}")
    # Cached (p50/p95) and uncached (the cache key moved on before each request).
    dashboards = [("dashboard", f"/figures/?{year}")]
    if province:
        dashboards.append(("dashboard_province", f"/figures/?area={province.pk}&{year}"))
        if body:  # the province's People's Committee: every agency below it
            dashboards.append(("dashboard_agency", f"/figures/?agency={body.pk}&{year}"))
        merged = benchmarks_figures.merged_department(province)
        if merged:  # figures through its predecessors (issue 26), and its page
            dashboards.append(("dashboard_agency_merged", f"/figures/?agency={merged.pk}&{year}"))
            bench.page(f"{who}.agency_detail_merged", client, f"/units/{merged.pk}/")
        commune = province.children.filter(valid_to__isnull=True).order_by("code").first()
        if commune:
            dashboards.append(("dashboard_commune", f"/figures/?area={commune.pk}&{year}"))
    # Foresight (issue 23) with the 2021 → 2025 targets of Nghị quyết 19.
    dashboards.append(("dashboard_foresight", f"/figures/?year={today.year}&base=2021"))
    for name, url in dashboards:
        bench.page(f"{who}.{name}", client, url)
        bench.page(f"{who}.{name}_uncached", client, url, before=figures_swapped)


def sample_unit(district: Area | None, today: dt.date) -> Unit:
    """A unit with a history: the result of a consolidation (in the district)."""
    links = RestructuringLink.objects.filter(
        created=True, restructuring__kind=RestructuringKind.CONSOLIDATE
    )
    if district:
        links = links.filter(unit__area__parent=district)
    link = links.order_by("id").first()
    if link:
        return link.unit
    units = Unit.objects.services()
    return (units.filter(area__parent=district) if district else units).order_by("id").first()


def sample_decisions(district: Area | None) -> list[tuple[str, Restructuring]]:
    """A typical decision and the largest one (the most links)."""
    parts = Restructuring.objects.all()
    if district:
        parts = parts.filter(links__unit__area__parent=district).distinct()
    typical = parts.filter(kind=RestructuringKind.CONSOLIDATE).order_by("id").first()
    largest = (
        Restructuring.objects.filter(pk__in=parts.values("pk"))
        .annotate(n=Count("links"))
        .order_by("-n")
        .first()
    )
    return [(label, part) for label, part in (("typical", typical), ("largest", largest)) if part]


def _consolidate(actor: User, decision: Decision, sources: list[int]) -> None:
    """The consolidation the write benchmarks time: `sources` into one new unit."""
    restructuring_apply(
        actor=actor,
        kind=RestructuringKind.CONSOLIDATE,
        decision=decision,
        source_ids=sources,
        new_units=[NewUnit(name="Đơn vị hợp nhất (benchmark)")],
    )


def apply_one(bench, today: dt.date) -> None:
    """A consolidation of two service units of one commune, under the service's
    locks, validation, audit and recompute marks."""
    found = benchmarks_live.two_siblings(today)
    if found is None:
        bench.out("# apply: no two units to consolidate")
        return
    sources = found[1]
    actor = bench_user("bench-admin", Role.ADMIN)
    decision = Decision(
        number="1/QĐ-BENCH", decided_on=today, effective_on=today, authority="Benchmark"
    )

    def consolidate():
        with rolled_back():
            _consolidate(actor, decision, sources)

    bench.job("restructuring_apply", consolidate, repeat=bench.repeat)


def area_changes_one_province(bench) -> None:
    """The 2025 area changes of the largest merged province, timed from the state
    of 30/06/2025: inside the rolled-back transaction the changes already applied
    to it are first undone (their results deleted, their sources reopened), then
    the plan and the apply are timed."""
    if not bench.wanted("area_changes_one_province"):
        return
    group = max(province_groups(), key=lambda g: Unit.objects.filter(area__in=_subtree(g)).count())
    actor = bench_user("bench-admin", Role.ADMIN)
    names = " + ".join(a.name for a in group)
    moved = {}

    def plan_and_apply():
        plan = plan_area_changes(areas=group, day=REFORM)
        moved.update(apply_area_changes(plan=plan, decision=DECISION_2025, actor=actor))

    with rolled_back():
        _undo_2025(group)
        bench.job("area_changes_one_province", plan_and_apply, note=names)
    bench.add("area_changes_one_province.units_moved", moved.get("moved", 0), "units", names)


def _subtree(group: list[Area]) -> list[int]:
    below = Q()
    for area in group:
        below |= subtree_q(area)
    return list(Area.objects.filter(below).values_list("pk", flat=True))


def _undo_2025(group: list[Area]) -> None:
    """Back to 30/06/2025 for the units of `group` (benchmark only, rolled back)."""
    areas = _subtree(group)
    parts = Restructuring.objects.filter(
        decision_number=DECISION_2025.number,
        links__role=LinkRole.SOURCE,
        links__unit__area__in=areas,
    ).distinct()
    part_ids = list(parts.values_list("pk", flat=True))
    links = RestructuringLink.objects.filter(restructuring_id__in=part_ids)
    created = list(links.filter(created=True).values_list("unit_id", flat=True))
    ceased = list(links.filter(ceases=True).values_list("unit_id", flat=True))
    AuditLink.objects.filter(unit_id__in=created).update(unit=None)
    links._raw_delete(links.db)
    Restructuring.objects.filter(pk__in=part_ids)._raw_delete(links.db)
    Unit.objects.filter(pk__in=created)._raw_delete(links.db)
    Unit.objects.filter(pk__in=ceased).update(closed_on=None, closed_by=None)


def staffing_import(bench, today: dt.date, lines: int = 10_000) -> None:
    """A national clerk's workbook of `lines` lines that change this year's
    figures: the dry-run preview (read, check, compare), its peak Python memory,
    and the commit (rolled back)."""
    if not bench.wanted("staffing_import"):
        return
    year = today.year
    units = Unit.objects.active_on(today).order_by("pk")[: lines // 2 + 1]
    saved = {
        (f.unit_id, f.category): f
        for f in StaffingFigure.objects.filter(year=year, unit__in=units.values("pk"))
    }
    sheet = []
    for unit in units:
        for category in categories_for(unit.kind):
            figure = saved.get((unit.pk, category))
            assigned = (figure.assigned or 0) + 1 if figure else 10
            sheet.append(SheetLine(unit_code(unit.code, unit.pk), unit.name, category, assigned))
    sheet = sheet[:lines]
    file = io.BytesIO()
    write_workbook(file, year=year, title="Benchmark", groups=[("I", sheet)])
    actor = bench_user("bench-admin", Role.ADMIN)
    upload = import_upload(actor=actor, year=year, filename="bench.xlsx", content=file.getvalue())
    note = f"{len(sheet)} lines, {len(file.getvalue()) // 1024} KiB"
    preview = import_preview(actor=actor, upload=upload)
    if preview.problems:
        bench.out(f"# staffing import: {preview.problems[:3]}")
    bench.job(
        "staffing_import.preview", lambda: import_preview(actor=actor, upload=upload), note=note
    )
    tracemalloc.start()
    import_preview(actor=actor, upload=upload)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bench.add("staffing_import.preview.peak_memory", peak / 2**20, "MiB", note)

    def commit():
        with rolled_back():
            import_commit(actor=actor, upload=upload, digest=preview.digest)

    bench.job("staffing_import.commit", commit, note=note)
    upload.delete()
