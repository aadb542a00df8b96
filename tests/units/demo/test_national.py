"""seed_national at a small scale, then the benchmark over what it wrote."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from units.models import (
    AgencySuccession,
    AuditEntry,
    Restructuring,
    RestructuringLink,
    StaffingFigure,
    Unit,
)
from units.text import fold

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = (
    "units_list",
    "units_search",
    "units_last_page",
    "unit_detail",
    "area_tree",
    "area_tree_open",
    "org_tree",
    "restructurings_list",
    "restructuring_detail_typical",
    "restructuring_detail_largest",
    "activity",
    "staffing_overview",
)


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_seed_national_then_benchmark():
    text = run("seed_national", scale=0.01, seed=7)
    # The published national figures, scaled (55,891 → 48,442 → 47,596).
    totals = dict(re.findall(r"service units active on (\d\d/\d\d/\d{4}): (\d+)", text))
    assert abs(int(totals["31/12/2015"]) - 559) <= 3
    assert abs(int(totals["31/12/2021"]) - 484) <= 3
    assert abs(int(totals["31/12/2023"]) - 476) <= 3
    held, checked = map(int, re.search(r"(\d+) of (\d+) province × window", text).groups())
    assert held == checked == 97 * 3 - 33  # 63 + 34 provinces, minus windows before 2025
    # Staffing: every unit active at the end of 2015 has its quota row that year.
    quota = StaffingFigure.objects.filter(year=2015).exclude(category="contract")
    assert quota.count() == Unit.objects.active_on(dt.date(2015, 12, 31)).count() > 500
    # The same rows the restructuring service writes: every decision has links
    # and an audit entry, every closed unit names the decision that closed it.
    assert not Restructuring.objects.filter(links__isnull=True).exists()
    closed = Unit.objects.filter(closed_on__isnull=False)
    assert not closed.filter(closed_by__isnull=True).exists()
    assert RestructuringLink.objects.filter(ceases=True).count() == closed.count()
    # Written by the service's row builder: a renamed unit is found by its new
    # name, and a reversal would restore what it really was.
    names = Unit.objects.values_list("name", "name_folded")
    assert [name for name, folded in names if folded != fold(name)] == []
    renames = RestructuringLink.objects.filter(restructuring__kind="rename").select_related("unit")
    assert renames and Unit.objects.filter(name_folded__startswith="trung tam chinh tri").exists()
    for link in renames:
        assert link.before["autonomy_group"] == link.unit.autonomy_group
        assert (link.before["closed_on"], link.after["name"]) == (None, link.unit.name)
    # Nghị định 45/2025 in every province: six bodies end, each naming its
    # successor; on 1/7/2025 the districts' bodies name those that took over.
    march = AgencySuccession.objects.filter(effective_on=dt.date(2025, 3, 1))
    assert march.count() == 63 * 6
    home = march.filter(predecessor__name__startswith="Sở Lao động - Thương binh")
    assert home.filter(successor__name__startswith="Sở Nội vụ").count() == 63
    ended = AgencySuccession.objects.filter(restructuring__kind="dissolve")
    assert ended.filter(predecessor__level="district").exists()
    # Every audit entry of the run names the run.
    (run_id,) = set(AuditEntry.objects.values_list("request_id", flat=True))
    assert run_id.startswith("seed_national-7-")
    # The bulk entries are chained as the services chain theirs (issue 22).
    assert f"{AuditEntry.objects.count()} entries match" in run("audit_verify")

    report = run("benchmark", repeat=1)
    figures = dict(re.findall(r"^BENCH (\S+) ([\d.]+) ", report, flags=re.M))
    for who in ("official", "clerk"):
        for page in PAGES:
            assert float(figures[f"{who}.{page}.p95"]) > 0
            # Bounded, whatever the data (the cold run fills the caches).
            assert 0 < float(figures[f"{who}.{page}.queries"]) <= 25, (who, page)
    for name in (
        "export.units_csv.time",
        "export.units_xlsx.peak_memory",
        "export.audit_jsonl.time",
        "export.audit_jsonl.peak_memory",
    ):
        assert float(figures[name]) > 0
    assert float(figures["area_changes_one_province.units_moved"]) > 0
    assert float(figures["restructuring_apply.p50"]) > 0
    # Writes were rolled back.
    assert not Restructuring.objects.filter(decision_number="1/QĐ-BENCH").exists()
    assert float(figures["audit_verify.rows_per_s"]) > 0
    assert float(figures["audit_record.p50"]) > 0
    # The API's ordered cursor and the schema (generated once per process:
    # tests/units/api/test_schema_contract.py).
    for name in ("api.units_by_name", "api.units_by_name_next", "api.schema"):
        assert float(figures[f"{name}.p95"]) > 0, name
    assert f"{AuditEntry.objects.count()} entries match" in run("audit_verify")
