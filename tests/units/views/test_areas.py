import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import queries_of
from tests.factories import AgencyFactory, ServiceUnitFactory, UserFactory
from units.choices import RestructuringKind as K
from units.choices import Role
from units.models import Area, Unit
from units.selectors.lineage import lineage_graph, unit_lineage
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply, restructuring_apply_rows

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


def test_a_bulk_transfer_brings_only_the_units_own_copy_into_its_lineage(
    client, official, clerk, district, agency
):
    """Benchmark: a unit moved by NQ 202/2025 with 2,000 others had all of them in
    its lineage (1.1 s, 658 KiB); its lineage is itself, its copy and what it
    came from."""
    a, b, c = (ServiceUnitFactory(name=f"Trường {n}", area=district) for n in "ABC")
    merged = restructuring_apply_rows(
        actor=clerk,
        kind=K.CONSOLIDATE,
        source_ids=[a.pk, b.pk],
        new_units=[NewUnit(name="Trường AB")],
        decision=Decision("6/QĐ", dt.date(2020, 1, 1), dt.date(2020, 2, 1), "UBND quận"),
    ).results[0]
    others = ServiceUnitFactory.create_batch(5, area=district)
    restructuring_apply(
        actor=clerk,
        kind=K.TRANSFER,
        source_ids=[merged.pk, c.pk, *(u.pk for u in others)],
        new_parent_id=agency.pk,
        decision=Decision("7/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND quận"),
    )
    copy = Unit.objects.get(name="Trường AB", closed_on__isnull=True)
    events = unit_lineage(copy)
    assert [e.decision_number for e in events] == ["6/QĐ", "7/QĐ"]
    names = {link.unit.name for event in events for link in event.links.all()}
    assert names == {"Trường A", "Trường B", "Trường AB"}
    client.force_login(official)
    page = client.get(reverse("units:unit_detail", args=[copy.pk])).content.decode()
    assert "Trường C" not in page


def test_a_large_decision_shows_its_units_a_page_at_a_time(client, clerk, district, official):
    units = ServiceUnitFactory.create_batch(130, area=district)
    part = restructuring_apply(
        actor=clerk,
        kind=K.DISSOLVE,
        source_ids=[u.pk for u in units],
        decision=Decision("8/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND quận"),
    )
    client.force_login(official)
    url = reverse("units:restructuring_detail", args=[part.pk])
    first = client.get(url)
    assert len(first.context["sources"]) == 100 and first.context["counts"]["sources"] == 130
    second = client.get(url, {"page": 2})
    shown = {link.unit_id for link in [*first.context["sources"], *second.context["sources"]]}
    assert shown == {u.pk for u in units}
    assert "(130)" in first.content.decode()


def test_lineage_graph_tells_siblings_with_long_names_apart(clerk, district):
    """Defect: names were cut at ~32 characters, so two results looked the same."""
    source = ServiceUnitFactory(
        name="Trung tâm Văn hóa - Thông tin và Thể thao quận Thanh Xuân", area=district
    )
    names = [
        "Trung tâm Văn hóa - Thông tin quận Thanh Xuân",
        "Trung tâm Văn hóa - Thể dục thể thao quận Thanh Xuân",
    ]
    restructuring_apply(
        actor=clerk,
        kind=K.SPLIT,
        source_ids=[source.pk],
        new_units=[NewUnit(name=n) for n in names],
        decision=Decision("8/QĐ", dt.date(2021, 1, 1), dt.date(2021, 2, 1), "UBND quận"),
    )
    graph = lineage_graph(source, unit_lineage(source))
    shown = {" ".join(text for text, _y in n["lines"]) for n in graph["nodes"]}
    assert set(names) <= shown  # whole names, over two lines where needed
    assert all(len(n["lines"]) <= 2 for n in graph["nodes"])


def test_org_tree_costs_a_fixed_number_of_queries(client, official, agency, district):
    client.force_login(official)
    top, children = [], []
    for offices in (1, 5):
        cache.clear()  # factories write around the services that mark the registry changed
        for i in range(offices):
            office = AgencyFactory(area=district, parent=agency, name=f"Phòng {offices}-{i}")
            ServiceUnitFactory.create_batch(3, area=district, parent=office)
            AgencyFactory(area=district, name=f"Cơ quan {offices}-{i}")
        top.append(queries_of(lambda: client.get(reverse("units:org_tree"))))
        url = reverse("units:org_children", args=[agency.pk])
        children.append(queries_of(lambda url=url: client.get(url, HTTP_HX_REQUEST="true")))
    assert top[0] == top[1] <= 6 and children[0] == children[1] <= 6, (top, children)


@pytest.fixture
def registry(db):
    from units.services.area_registry import area_registry_load

    area_registry_load()


@pytest.mark.parametrize(
    "typed, found",
    [
        ("dak lak", "Tỉnh Đắk Lắk"),
        ("DONG THAP", "Tỉnh Đồng Tháp"),
        ("Đồng Tháp", "Tỉnh Đồng Tháp"),
        ("ngo quyen", "Quận Ngô Quyền"),
        ("31", "Thành phố Hải Phòng"),
    ],
)
def test_the_area_type_ahead_ignores_accents_and_case(client, official, registry, typed, found):
    client.force_login(official)
    response = client.get(reverse("units:area_pick"), {"field": "area", "q": typed})
    options = response.context["areas"]
    assert found in [a.name for a in options]
    assert len(options) <= 20
    # Districts come before communes, current areas before ended ones.
    assert "<html" not in response.content.decode()


def test_choosing_an_area_sets_the_field_and_tells_the_page(client, official, registry):
    client.force_login(official)
    hai_phong = Area.objects.get(level="province", code="31", valid_from=dt.date(2025, 7, 1))
    response = client.get(reverse("units:area_pick"), {"field": "area", "choose": hai_phong.pk})
    html = response.content.decode()
    assert f'name="area" value="{hai_phong.pk}"' in html
    assert response["HX-Trigger-After-Swap"] == "area-chosen"
    bad = client.get(reverse("units:area_pick"), {"field": "<script>", "q": "x"})
    assert bad.status_code == 404


def test_a_scoped_picker_offers_only_the_clerks_areas(client, registry):
    ngo_quyen = Area.objects.get(level="district", code="304")
    clerk = UserFactory(username="cv", roles=[Role.CLERK], scope_area=ngo_quyen)
    client.force_login(clerk)
    url = reverse("units:area_pick")
    mine = client.get(url, {"field": "a", "q": "cau tre", "scoped": "1"}).context["areas"]
    assert [a.name for a in mine] == ["Phường Cầu Tre"]
    theirs = client.get(url, {"field": "a", "q": "thanh xuan", "scoped": "1"}).context["areas"]
    assert theirs == []


def test_the_units_list_filters_an_area_by_its_subtree_ids(client, official, registry):
    """One IN over the subtree's ids (indexable), in a fixed number of queries
    whatever the area; a merged province also takes in the areas it came from."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ServiceUnitFactory

    client.force_login(official)
    ward = Area.objects.get(level="commune", code="11338", valid_from=None)
    hanoi_ward = Area.objects.get(level="commune", code="00343", valid_from=None)
    ServiceUnitFactory(area=ward, name="Trường Cầu Tre")
    ServiceUnitFactory(area=hanoi_ward, name="Trường Nhân Chính")
    new_hai_phong = Area.objects.get(level="province", code="31", valid_from=dt.date(2025, 7, 1))
    counts, queries = [], []
    for area in (ward, new_hai_phong):
        client.get(reverse("units:unit_list"), {"area": area.pk})  # the area's ids, cached
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("units:unit_list"), {"area": area.pk})
        counts.append(len(captured))
        queries.append([q["sql"][:90] for q in captured])
        names = [u.name for u in response.context["page"]]
        assert names == ["Trường Cầu Tre"], area
        # The page (and the count, when not cached) filter on the ids.
        unit_queries = [q["sql"] for q in captured if 'FROM "units_unit"' in q["sql"]]
        assert unit_queries
        for sql in unit_queries:
            where = sql.split("WHERE", 1)[1]
            assert '"units_unit"."area_id" IN (' in where and '"units_area"' not in where, sql
    assert counts[0] == counts[1], queries


@pytest.mark.parametrize("name", ["units:area_tree", "units:org_tree"])
def test_the_date_box_of_the_trees_is_the_one_its_label_names(client, official, name):
    """Browser journey: the label "As of" pointed at id_on, which no input had."""
    client.force_login(official)
    page = client.get(reverse(name)).content.decode()
    assert 'for="id_on"' in page and 'id="id_on"' in page


def test_the_ids_of_an_area_iterate_the_same_from_the_cache(registry):
    """CI (PostgreSQL + Redis): a set came back from the cache in another order,
    so the same list built another SQL string and missed its cached row count."""
    import pickle

    from units.scope import area_ids

    new_hai_phong = Area.objects.get(level="province", code="31", valid_from=dt.date(2025, 7, 1))
    fresh = area_ids(new_hai_phong)
    cached = pickle.loads(pickle.dumps(fresh))
    assert list(cached) == list(fresh) == sorted(fresh)
    assert len(fresh) > 300 and next(iter(fresh)) in cached
