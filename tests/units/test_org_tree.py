import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, ServiceUnitFactory, UserFactory
from units.choices import RestructuringKind as K
from units.choices import Role
from units.history import lineage_graph, unit_lineage
from units.models import Unit
from units.restructurings import Decision, NewUnit, restructuring_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(clerk, district, agency):
    office = AgencyFactory(name="Phòng Giáo dục và Đào tạo", area=district, parent=agency)
    a = ServiceUnitFactory(name="Trường Tiểu học A", area=district, parent=office)
    b = ServiceUnitFactory(name="Trường Tiểu học B", area=district, parent=office)
    restructuring_apply(
        actor=clerk,
        kind=K.CONSOLIDATE,
        source_ids=[a.pk, b.pk],
        new_units=[NewUnit(name="Trường Tiểu học AB")],
        decision=Decision("5/QĐ", dt.date(2020, 1, 1), dt.date(2020, 2, 1), "UBND quận"),
    )
    return office


def children(client, office, day):
    url = reverse("units:org_children", args=[office.pk])
    return client.get(url, {"on": day}, HTTP_HX_REQUEST="true").content.decode()


def test_the_tree_shows_the_units_of_the_chosen_date(client, official, tree, agency):
    client.force_login(official)
    page = client.get(reverse("units:org_tree"), {"on": "01/01/2020"}).content.decode()
    assert agency.name in page and tree.name not in page  # children load on demand
    before = children(client, tree, "31/01/2020")
    assert "Trường Tiểu học A<" in before and "Trường Tiểu học B<" in before
    assert "Trường Tiểu học AB" not in before
    after = children(client, tree, "01/02/2020")
    assert "Trường Tiểu học AB" in after and "Trường Tiểu học A<" not in after


def test_counts_are_of_active_children(client, official, tree, agency):
    client.force_login(official)
    url = reverse("units:org_children", args=[agency.pk])
    html = client.get(url, {"on": "31/01/2020"}, HTTP_HX_REQUEST="true").content.decode()
    assert "2 (2)" in html
    html = client.get(url, {"on": "01/02/2020"}, HTTP_HX_REQUEST="true").content.decode()
    assert "1 (1)" in html


def test_official_sees_only_their_scope(client, tree, other_district):
    outsider = UserFactory(roles=[Role.OFFICIAL], scope_area=other_district)
    client.force_login(outsider)
    page = client.get(reverse("units:org_tree")).content.decode()
    assert tree.name not in page
    url = reverse("units:org_children", args=[tree.pk])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_lineage_graph_puts_each_generation_in_its_own_column(client, official, clerk, tree):
    ab = Unit.objects.get(name="Trường Tiểu học AB")
    restructuring_apply(
        actor=clerk,
        kind=K.SPLIT,
        source_ids=[ab.pk],
        new_units=[NewUnit(name="Trường Tiểu học C"), NewUnit(name="Trường Tiểu học D")],
        decision=Decision("6/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND quận"),
    )
    a = Unit.objects.get(name="Trường Tiểu học A")
    graph = lineage_graph(a, unit_lineage(a))
    column = {n["unit"].name: n["x"] for n in graph["nodes"]}
    assert column["Trường Tiểu học A"] == column["Trường Tiểu học B"] < column[ab.name]
    assert column[ab.name] < column["Trường Tiểu học C"] == column["Trường Tiểu học D"]
    assert len(graph["edges"]) == 4  # A→AB, B→AB, AB→C, AB→D
    client.force_login(official)
    page = client.get(reverse("units:unit_detail", args=[a.pk])).content.decode()
    assert page.count('class="edge edge-') == 4 and "gnode current" in page


def test_lineage_graph_pairs_each_transferred_unit_with_its_own_copy(clerk, district, agency):
    a, b = (ServiceUnitFactory(name=f"Trường {n}", area=district) for n in "XY")
    restructuring_apply(
        actor=clerk,
        kind=K.TRANSFER,
        source_ids=[a.pk, b.pk],
        new_parent_id=agency.pk,
        decision=Decision("7/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND quận"),
    )
    graph = lineage_graph(a, unit_lineage(a))
    assert [n["unit"].name for n in graph["nodes"]] == ["Trường X", "Trường X"]
    assert len(graph["edges"]) == 1
