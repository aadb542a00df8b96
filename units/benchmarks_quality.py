"""The data-quality checks for `manage.py benchmark` (issue 23 point 4): each
check's count for the nation (an admin) and for the busiest province (its
clerk), uncached, then the page cached and uncached, a rows page and the CSV of
the largest check. Reads only."""

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from .choices import Role
from .selectors.data_quality import check_counts, checks, quality_version

# Each check is timed this many times at most (some scan the whole registry).
CHECK_REPEAT = 5


def quality_checks(bench, province, bench_user) -> None:
    """`bench_user(username, role, **scope)` makes the readers (units.benchmarks')."""
    if not bench.wanted("data_quality"):
        return
    today = timezone.localdate()
    readers = {
        "nation": bench_user("bench-admin", Role.ADMIN),
        "province": bench_user("bench-quality-clerk", Role.CLERK, scope_area=province),
    }
    bench.out(f"# data quality: the nation and {province}")
    for scope, user in readers.items():
        counts = {}
        for check in checks():
            name = f"data_quality.{scope}.{check.id}"
            bench.job(
                name,
                lambda check=check, user=user: check.rows(user, today).count(),
                repeat=min(bench.repeat, CHECK_REPEAT),
            )
            counts[check.id] = check.rows(user, today).count()
            bench.add(f"{name}.rows", counts[check.id], "rows")
        bench.job(
            f"data_quality.{scope}.all_checks",
            lambda user=user: [check.rows(user, today).count() for check in checks()],
            repeat=min(bench.repeat, CHECK_REPEAT),
        )
        client = Client()
        client.force_login(user)
        key = quality_version(user, today)
        bench.page(f"data_quality.{scope}.page", client, "/data-quality/")
        bench.page(
            f"data_quality.{scope}.page_uncached",
            client,
            "/data-quality/",
            before=lambda key=key: cache.delete(key),
        )
        largest = max(counts, key=counts.get)
        bench.page(f"data_quality.{scope}.rows_{largest}", client, f"/data-quality/{largest}/")
        bench.download(
            f"data_quality.{scope}.csv_{largest}", client, f"/data-quality/{largest}.csv"
        )
        check_counts(user, today)  # leaves the counts cached, as a reader would find them
