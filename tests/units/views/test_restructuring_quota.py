"""Staff follow restructurings: the guided form proposes the quota of the units a
decision leaves for the next full year, and saves it, through the staffing
service, only when the clerk confirms."""

import pytest

from tests.units.views.restructuring_steps import add_sources, fill_decision, start, step_url
from units.choices import RestructuringKind as K
from units.choices import StaffingCategory as C
from units.models import AuditEntry, Restructuring, StaffingFigure
from units.services.staffing import StaffingRow, staffing_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]


@pytest.fixture
def quotas(clerk, agency, schools):
    """The schools' budget-paid quotas: 30 and 25 (2019), 28 (2020, the latest)."""
    for year, figures in ((2019, (30, 25, 40)), (2020, (28, None, 40))):
        rows = [
            StaffingRow(s.pk, C.BUDGET_EMPLOYEE, assigned=n, actual=5)
            for s, n in zip(schools, figures, strict=True)
            if n is not None
        ]
        staffing_save(actor=clerk, year=year, rows=rows, about=agency)


def results_step(client, key, agency, district, names):
    data = {"new-TOTAL_FORMS": len(names), "new-INITIAL_FORMS": len(names), "action": "next"}
    for i, name in enumerate(names):
        data |= {
            f"new-{i}-name": name,
            f"new-{i}-kind": "service",
            f"new-{i}-sector": "education",
            f"new-{i}-autonomy_group": "4",
            f"new-{i}-parent_id": agency.pk,
            f"new-{i}-area_id": district.pk,
            f"new-{i}-level": "district",
        }
    return client.post(step_url(key, "results"), data)


def test_a_consolidation_proposes_the_sum_and_saves_it_on_confirm(
    client, clerk, agency, district, schools, quotas
):
    key = start(client, clerk, K.CONSOLIDATE)
    fill_decision(client, key)  # effective 01/02/2020: the quota is for 2021
    add_sources(client, key, schools[:2])
    results_step(client, key, agency, district, ["Trường Tiểu học Máy Chai - Máy Tơ"])
    preview = client.get(step_url(key, "preview"))
    quota = preview.context["quota"]
    assert (quota.year, quota.total, quota.distribute) == (2021, 28 + 25, False)
    (line,) = quota.lines
    assert (line.key, line.category, line.proposed) == ("r0", C.BUDGET_EMPLOYEE, 53)
    assert 'name="quota-r0" value="53"' in preview.content.decode()
    saved = StaffingFigure.objects.count()
    # A wrong number: nothing is written, the decision neither.
    wrong = client.post(step_url(key, "preview"), {"quota-r0": "năm mươi"})
    assert wrong.status_code == 400 and "số nguyên" in wrong.content.decode()
    assert not Restructuring.objects.exists() and StaffingFigure.objects.count() == saved
    client.post(step_url(key, "preview"), {"quota-r0": "50"})
    restructuring = Restructuring.objects.get()
    result = restructuring.links.get(created=True).unit
    figure = StaffingFigure.objects.get(unit=result)
    assert (figure.year, figure.category, figure.assigned, figure.actual) == (
        2021,
        C.BUDGET_EMPLOYEE,
        50,
        None,
    )
    entry = AuditEntry.objects.filter(action="staffing.save").latest("id")
    assert entry.object_type == "units.restructuring" and entry.object_id == str(restructuring.pk)


def test_a_split_asks_the_clerk_to_distribute_the_quota(
    client, clerk, agency, district, schools, quotas
):
    key = start(client, clerk, K.SPLIT)
    fill_decision(client, key)
    add_sources(client, key, schools[2:])
    results_step(client, key, agency, district, ["Trường A", "Trường B"])
    quota = client.get(step_url(key, "preview")).context["quota"]
    assert (quota.total, quota.distribute) == (40, True)
    assert [(line.key, line.proposed) for line in quota.lines] == [("r0", None), ("r1", None)]
    client.post(step_url(key, "preview"), {"quota-r0": "22", "quota-r1": ""})
    created = Restructuring.objects.get().links.filter(created=True).order_by("unit_id")
    assigned = [
        StaffingFigure.objects.filter(unit=link.unit, year=2021).first() for link in created
    ]
    assert assigned[0].assigned == 22 and assigned[1] is None  # an empty box assigns nothing


def test_a_merger_adds_the_sources_to_the_absorbing_units_quota_and_keeps_its_headcount(
    client, clerk, agency, district, schools, quotas
):
    staffing_save(
        actor=clerk,
        year=2021,
        rows=[StaffingRow(schools[2].pk, C.BUDGET_EMPLOYEE, assigned=40, actual=38)],
        about=agency,
    )
    key = start(client, clerk, K.MERGE)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    client.post(step_url(key, "results"), {"action": "target", "unit": schools[2].pk})
    client.post(step_url(key, "results"), {"action": "next"})
    quota = client.get(step_url(key, "preview")).context["quota"]
    (line,) = quota.lines
    assert (line.key, line.current, line.proposed) == (f"u{schools[2].pk}", 40, 68)
    client.post(step_url(key, "preview"), {f"quota-{line.key}": "68"})
    figure = StaffingFigure.objects.get(unit=schools[2], year=2021)
    assert (figure.assigned, figure.actual) == (68, 38)


def test_kinds_that_move_no_staff_propose_nothing(client, clerk, schools):
    key = start(client, clerk, K.DISSOLVE)
    fill_decision(client, key)
    add_sources(client, key, schools[:1])
    assert client.get(step_url(key, "preview")).context["quota"] is None


def test_units_without_a_quota_on_record_get_no_proposal_and_nothing_is_saved(
    client, clerk, agency, district, schools
):
    key = start(client, clerk, K.CONSOLIDATE)
    fill_decision(client, key)
    add_sources(client, key, schools[:2])
    results_step(client, key, agency, district, ["Trường Tiểu học Máy Chai - Máy Tơ"])
    preview = client.get(step_url(key, "preview"))
    assert preview.context["quota"].total is None
    assert [line.proposed for line in preview.context["quota"].lines] == [None]
    assert 'name="quota-r0" value=""' in preview.content.decode()
    client.post(step_url(key, "preview"), {"quota-r0": ""})
    assert Restructuring.objects.exists() and not StaffingFigure.objects.exists()


def test_a_number_of_5000_digits_is_a_message_not_a_crash(
    client, clerk, agency, district, schools, quotas
):
    key = start(client, clerk, K.CONSOLIDATE)
    fill_decision(client, key)
    add_sources(client, key, schools[:2])
    results_step(client, key, agency, district, ["Trường Tiểu học Máy Chai - Máy Tơ"])
    response = client.post(step_url(key, "preview"), {"quota-r0": "9" * 5000})
    assert response.status_code == 400 and not Restructuring.objects.exists()


def test_a_spin_off_leaves_the_sources_box_for_the_clerk(
    client, clerk, agency, district, schools, quotas
):
    key = start(client, clerk, K.SPIN_OFF)
    fill_decision(client, key)
    add_sources(client, key, schools[2:])
    results_step(client, key, agency, district, ["Trường mới"])
    quota = client.get(step_url(key, "preview")).context["quota"]
    source, new = quota.lines
    assert (source.current, source.proposed, new.proposed) == (40, None, None)
