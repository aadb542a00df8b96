"""The officials' dashboard shows the foresight of the demo's targets (issue
23, point 3) with its method, from the same snapshot rows as its trend."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from units.models import Area, ReductionFigure, User
from units.selectors.foresight import project

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(demo_figures, client):
    client.force_login(User.objects.get(username="lanhdao"))


def ngo_quyen():
    return Area.objects.get(level="district", code="304", valid_to__isnull=False)


def test_the_demos_targets_read_their_pace_projection_and_method(client, figures):
    area = ngo_quyen()
    params = {"area": area.pk, "base": 2021, "year": 2023}
    response = client.get(reverse("units:dashboard"), params)
    foresight = response.context["foresight"]
    rows = {(r.target.metric, r.target.base_year, r.target.target_year): r for r in foresight.rows}
    # The unit and staff targets the dashboard shows for its base year (not
    # the autonomy share's: it is no reduction).
    assert set(rows) == {("units", 2021, 2025), ("staff", 2021, 2025)}
    # The numbers are the pure projection of the scope's snapshot series.
    units = {
        row.year: row.units
        for row in ReductionFigure.objects.filter(scope=area, sector=ReductionFigure.ALL)
    }
    expected = project(units, base_year=2021, target_year=2025, percent=Decimal(10), until=2023)
    assert rows[("units", 2021, 2025)].projection == expected
    assert expected.pace.years == 5 and expected.year == 2023 and expected.remaining_years == 2
    page = response.content.decode()
    section = re.search(r'<section class="card" id="foresight">.*?</section>', page, re.S)
    assert section, "no foresight on the dashboard"
    html = section.group(0)
    # In the portal's language (the catalogue's words, whatever it holds now).
    assert gettext("Foresight: where the pace leads") in html
    method = re.search(r'id="foresight-method">(.*?)</p>', html, re.S).group(1)
    assert method == escape(foresight.method) and "N" in foresight.method
    years = ngettext("last %(years)s year", "last %(years)s years", 5) % {"years": 5}
    assert f"{years}: 2018–2023" in html
    row = re.search(r'data-foresight="units-2021-2025">.*?</tr>', html, re.S).group(0)
    assert f'data-figure="projected">{expected.projected} ' in row
    never = gettext("not met within %(years)s years") % {"years": 10}
    met = re.search(r'data-figure="met-in">(.*?)</td>', row, re.S).group(1)
    assert met == (str(expected.met_in) if expected.met_in else f"<strong>{never}</strong>")


def test_a_target_without_a_pace_or_figures_says_why(client, figures):
    area = ngo_quyen()
    ReductionFigure.objects.filter(scope=area, year=2021).update(staff_assigned=0)
    cache.clear()  # written behind the recompute's back
    params = {"area": area.pk, "base": 2021, "year": 2023}
    response = client.get(reverse("units:dashboard"), params)
    rows = {(r.target.metric, r.target.target_year): r for r in response.context["foresight"].rows}
    staff = rows[("staff", 2025)]
    assert staff.projection is None and staff.progress.missing
    assert staff.progress.missing in response.content.decode()
