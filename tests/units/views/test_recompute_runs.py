"""The jobs page lists the recompute runs; only admins start a full recompute,
which is audited and runs (eagerly here) to a finished run."""

import pytest
from django.urls import reverse

from units.models import AuditEntry, RecomputeMark, RecomputeRun, ReductionFigure
from units.services.recompute import recompute

pytestmark = pytest.mark.django_db


def test_the_jobs_page_lists_runs_with_duration_rows_and_errors(client, official, unit):
    done = recompute(trigger="manual", everything=True)
    RecomputeRun.objects.create(trigger="write", status="failed", error="OperationalError('x')")
    client.force_login(official)
    response = client.get(reverse("units:recompute_runs"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<tr data-status=") == 2
    assert 'data-status="failed"' in page and "OperationalError" in page
    assert f'value="{done.progress}"' in page and done.rows > 0
    assert f'<td class="num">{done.rows}</td>' in page
    assert "recompute-all" not in page  # the button is the admins'


def test_a_running_run_makes_the_table_poll_and_htmx_gets_the_fragment(client, official, db):
    RecomputeRun.objects.create(trigger="manual", progress=40)
    client.force_login(official)
    page = client.get(reverse("units:recompute_runs")).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page
    fragment = client.get(reverse("units:recompute_runs"), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="runs"')


@pytest.mark.parametrize("who", ["official", "clerk", "supervisor"])
def test_only_admins_start_a_full_recompute(client, request, who, unit):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("units:recompute_all"))
    assert response.status_code == 403
    assert not RecomputeRun.objects.exists()
    assert not AuditEntry.objects.filter(action="figures.recompute_all").exists()


def test_an_admin_full_recompute_is_audited_and_runs(
    client, admin_user, unit, eager_tasks, django_capture_on_commit_callbacks
):
    RecomputeMark.objects.all().delete()
    ReductionFigure.objects.all().delete()
    client.force_login(admin_user)
    page = client.get(reverse("units:recompute_runs")).content.decode()
    assert "recompute-all" in page
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(reverse("units:recompute_all"), follow=True)
    assert with_commit.status_code == 200
    run = RecomputeRun.objects.get()
    assert (run.trigger, run.status, run.progress) == ("manual", "done", 100)
    assert ReductionFigure.objects.filter(scope__isnull=True, sector="*").exists()
    assert AuditEntry.objects.filter(action="figures.recompute_all", actor=admin_user).count() == 1
