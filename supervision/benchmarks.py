"""Supervision's figures for `manage.py benchmark` (see reformwatch/benchmark.py
and docs/PERFORMANCE.md), on the supervision share of seed_national: the overdue
list, the follow-up page and its tables of a national official, uncached (the cache emptied
before each request) and cached, the CSV export of every recommendation, and
the daily reminders job with clerks to notify. The job's writes and the clerks
are rolled back, so the database is left as it was."""

from django.core.cache import cache
from django.utils import timezone

from units.benchmarks import bench_user, busiest_province, logged_in, rolled_back
from units.choices import Role

from .choices import RecommendationStatus
from .models import Recommendation
from .services.notifications import reminders_send

PAGES = [
    ("overdue_national", "/recommendations/overdue/"),
    ("followup_national", "/recommendations/"),
    # The follow-up page's counts and tables, loaded by htmx after the list.
    ("followup_tables_national", "/recommendations/summary/"),
]
NAMES = [
    *(f"supervision.{name}{cached}" for name, _url in PAGES for cached in ("_uncached", "")),
    "supervision.export_all_csv",
    "supervision.reminders_job",
]


def run(bench) -> None:
    if not any(bench.wanted(name) for name in NAMES):
        return
    today = timezone.localdate()
    recs = Recommendation.objects.count()
    if not recs:
        bench.out("# supervision: no recommendations (run seed_national first)")
        return
    overdue = Recommendation.objects.overdue(today).count()
    bench.out(f"# supervision: {recs} recommendations, {overdue} overdue on {today:%d/%m/%Y}")
    official = bench_user("bench-official", Role.OFFICIAL, scope_area=None, scope_unit=None)
    client = logged_in(official)
    for name, url in PAGES:
        bench.page(f"supervision.{name}_uncached", client, url, before=cache.clear)
        bench.page(f"supervision.{name}", client, url)
    bench.download("supervision.export_all_csv", client, "/recommendations/all.csv")
    reminders(bench, today)


def reminders(bench, today) -> None:
    """The daily job over every recommendation, for a national clerk and the
    clerk of the busiest province (created inside the rolled-back block), each
    run rolled back on its own so that every run sends the same notices."""
    if not bench.wanted("supervision.reminders_job"):
        return
    sent = []

    def send():
        with rolled_back():
            sent.append(reminders_send(today=today))

    with rolled_back():
        province = busiest_province(today)
        bench_user("bench-sv-clerk", Role.CLERK, scope_area=None, scope_unit=None)
        bench_user("bench-sv-clerk-province", Role.CLERK, scope_area=province, scope_unit=None)
        due = Recommendation.objects.filter(status=RecommendationStatus.OPEN).count()
        note = f"{due} open, clerks: national + {province}"
        bench.job("supervision.reminders_job", send, repeat=bench.repeat, note=note)
    bench.add("supervision.reminders_job.notices", sent[-1] if sent else 0, "notices", note)
