"""The data-quality page (issue 23 point 4): each check's count in the reader's
scope, its rows (paginated, each linking to the record to fix) and their CSV.
Clerks, supervisors and admins only."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import exports
from ..selectors.data_quality import (
    Check,
    check_counts,
    check_of,
    checks,
    may_read_quality,
    quality_version,
)
from .common import paginate


def _allowed(request) -> None:
    if not may_read_quality(request.user):
        raise PermissionDenied


def _check(check_id: str) -> Check:
    check = check_of(check_id)
    if check is None:
        raise Http404
    return check


@login_required
@require_safe
def quality(request):
    _allowed(request)
    today = timezone.localdate()
    counts = check_counts(request.user, today)
    found = [(check, counts[check.id]) for check in checks()]
    context = {"checks": found, "total": sum(counts.values()), "today": today}
    return render(request, "units/data_quality.html", context)


def _labelled(check: Check, rows):
    """Each row's values with coded ones (kinds, categories) as their labels."""
    labels = [
        {value: str(label) for value, label in column.choices.choices} if column.choices else None
        for column in check.columns
    ]
    for pk, *values in rows:
        yield (
            pk,
            [
                names.get(value, value) if names else value
                for names, value in zip(labels, values, strict=True)
            ],
        )


@login_required
@require_safe
def quality_rows(request, check: str):
    _allowed(request)
    check = _check(check)
    today = timezone.localdate()
    rows = check.rows(request.user, today)
    context = paginate(request, rows, version=quality_version(request.user, today))
    context.update(
        check=check,
        headings=[str(column.heading) for column in check.columns],
        rows=[
            (reverse(check.link, args=[pk]), values)
            for pk, values in _labelled(check, context["page"].object_list)
        ],
    )
    return render(request, "units/data_quality_rows.html", context)


@login_required
@require_safe
def quality_export(request, check: str):
    """The check's rows in the reader's scope, streamed as CSV (a read: not audited)."""
    _allowed(request)
    check = _check(check)
    rows = check.rows(request.user, timezone.localdate())
    headings = ["id", *(str(column.heading) for column in check.columns)]
    lines = ([pk, *values] for pk, values in _labelled(check, rows.iterator(chunk_size=2000)))
    return exports.csv_response(f"chat-luong-du-lieu-{check.id}", headings, lines)
