"""Issue 26: managing bodies through 2025. A department formed by a merger
starts from its predecessors' base, the merger itself is no reduction and no
"transfers in" bar, and the old department leads to its successor — on the
demo's Hải Phòng (the departments of 1/3/2025, the end of quận Ngô Quyền)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from units.choices import SUCCESSION
from units.choices import RestructuringKind as K
from units.models import AgencySuccession, Restructuring, Unit, User
from units.selectors.dashboards import dashboard
from units.services import recompute as rc
from units.services.agency_mergers import agencies_merge
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_reverse

pytestmark = pytest.mark.django_db
HOME_AFFAIRS = "Sở Nội vụ thành phố Hải Phòng"
LABOUR = "Sở Lao động - Thương binh và Xã hội thành phố Hải Phòng"


def current(name: str) -> Unit:
    return Unit.objects.get(name=name, closed_on__isnull=True)


def original(code: str) -> Unit:
    return Unit.objects.filter(code=code).order_by("established_on", "id").first()


def services_of(bodies: list[Unit], day: dt.date) -> int:
    return Unit.objects.services().active_on(day).filter(parent__in=bodies).count()


def test_home_affairs_2015_to_2026_starts_from_its_own_and_labours_units(demo_figures):
    """The acceptance point: the base is the sum of the department's own units
    and Sở Lao động - Thương binh và Xã hội's in 2015, and the merger shows as
    no bar of units moved."""
    body = current(HOME_AFFAIRS)
    assert body.established_on == dt.date(2025, 7, 1)  # its record in the merged city
    old, labour = original("31000002"), original("31000004")
    end_2015 = dt.date(2015, 12, 31)
    own, theirs = services_of([old], end_2015), services_of([labour], end_2015)
    assert own and theirs
    figures = dashboard(area=body, year=2026, base_year=2015, sector="*")
    assert figures["head"].units_base == own + theirs == 4
    assert figures["head"].units_now == services_of([body], dt.date(2026, 12, 31)) == 3
    kinds = [bar.kind for bar in figures["waterfall"][1:-1]]
    assert kinds == [K.MERGE]  # the 2020 merger of two centres, and nothing moved in
    assert str(figures["head"].units_percent) == "25.00"


@pytest.mark.parametrize(
    "name, base, now",
    [
        (HOME_AFFAIRS, 4, 3),
        ("Sở Tài chính thành phố Hải Phòng", 1, 1),
        ("Sở Khoa học và Công nghệ thành phố Hải Phòng", 2, 2),
        ("Sở Xây dựng thành phố Hải Phòng", 3, 2),
        ("Sở Nông nghiệp và Môi trường thành phố Hải Phòng", 3, 3),
    ],
)
def test_the_five_merged_departments_compare_with_their_predecessors(demo_figures, name, base, now):
    figures = dashboard(area=current(name), year=2026, base_year=2015, sector="*")
    assert (figures["head"].units_base, figures["head"].units_now) == (base, now)
    bars = {bar.kind for bar in figures["waterfall"]}
    assert not bars & {K.TRANSFER, SUCCESSION}, figures["waterfall"]


def test_the_successions_of_2025_are_recorded(demo):
    march = AgencySuccession.objects.filter(effective_on=dt.date(2025, 3, 1))
    pairs = {(s.predecessor.code, s.successor.code) for s in march.select_related()}
    assert pairs == {
        ("31000004", "31000002"),
        ("31000006", "31000005"),
        ("31000008", "31000007"),
        ("31000010", "31000009"),
        ("31000011", "31000013"),
        ("31000012", "31000013"),
    }
    committee = Unit.objects.get(name="Ủy ban nhân dân quận Ngô Quyền")
    took_over = set(committee.successor_links.values_list("successor__name", flat=True))
    assert took_over == {
        "Ủy ban nhân dân thành phố Hải Phòng",
        "Sở Giáo dục và Đào tạo thành phố Hải Phòng",
        "Sở Y tế thành phố Hải Phòng",
    }
    office = Unit.objects.get(name="Phòng Giáo dục và Đào tạo quận Ngô Quyền")
    wards = office.successor_links.values_list("successor__name", flat=True)
    assert wards and all(name.startswith("Ủy ban nhân dân phường") for name in wards)


def test_units_a_body_handed_over_cancel_out_above_it_and_in_the_nation(demo_figures):
    """The district's units went to the wards and the city's departments: the
    city and the nation see no transfer; the district's own page says where
    they went."""
    city = current("Ủy ban nhân dân thành phố Hải Phòng")
    for scope in (None, city):
        bars = dashboard(area=scope, year=2026, base_year=2015, sector="*")["waterfall"]
        assert not {bar.kind for bar in bars} & {K.TRANSFER, SUCCESSION}, (scope, bars)
    committee = Unit.objects.get(name="Ủy ban nhân dân quận Ngô Quyền")
    bars = dashboard(area=committee, year=2026, base_year=2015, sector="*")["waterfall"]
    handed = [bar for bar in bars if bar.kind == SUCCESSION]
    assert len(handed) == 1 and handed[0].value < 0 and bars[-1].value == 0


def test_the_old_department_leads_to_its_successor(client, demo_figures):
    client.force_login(User.objects.get(username="lanhdao"))
    labour, successor = original("31000004"), original("31000002")
    page = client.get(f"/units/{labour.pk}/").content.decode()
    assert f'href="/units/{successor.pk}/"' in page.split('id="agency-successor"')[1][:800]
    assert 'id="succession"' in page and "606/QĐ-UBND" in page
    figures = client.get(f"/figures/?agency={labour.pk}&base=2015&year=2026").content.decode()
    # Its own figures stop at the last 31/12 it saw: handing over is no reduction.
    assert f"?agency={successor.pk}&amp;base=2015&amp;year=2024" in figures
    assert 'data-figure="units-base">3<' in figures and 'data-figure="units-now">2<' in figures
    assert "dừng ở 31/12/2024" in figures
    earlier = client.get(f"/figures/?agency={labour.pk}&base=2015&year=2020").content.decode()
    assert "dừng ở 31/12/2024" in earlier  # the body's last year, not the one shown
    home = client.get(f"/figures/?agency={current(HOME_AFFAIRS).pk}&base=2015&year=2026")
    assert LABOUR in home.content.decode().split('id="agency-predecessors"')[1][:2000]


def test_the_organisation_tree_shows_who_took_over_as_of_a_date(client, demo):
    client.force_login(User.objects.get(username="lanhdao"))
    city = original("31000001")
    before = client.get(f"/organisation/{city.pk}/children/?on=28/02/2025", HTTP_HX_REQUEST="true")
    assert "từ 01/03/2025: chuyển về Sở Nội vụ thành phố Hải Phòng" in before.content.decode()
    after = client.get(f"/organisation/{city.pk}/children/?on=01/03/2025", HTTP_HX_REQUEST="true")
    text = after.content.decode()
    assert f"kế thừa từ {LABOUR} (01/03/2025)" in text and LABOUR + "<" not in text


def test_the_api_gives_an_agencys_lineage(client, demo):
    from units.services.tokens import token_create

    _token, text = token_create(actor=User.objects.get(username="lanhdao"), name="Đọc", days=1)
    home = original("31000002")
    auth = {"HTTP_AUTHORIZATION": f"Token {text}"}
    body = client.get(f"/api/v1/units/{home.pk}/?status=all", **auth).json()
    assert [p["name"] for p in body["predecessors"]] == [LABOUR]
    assert body["predecessors"][0] | {"restructuring": None} == {
        "agency": original("31000004").pk,
        "name": LABOUR,
        "effective_on": "2025-03-01",
        "decision": "606/QĐ-UBND",
        "restructuring": None,
        "kind": "merge",
    }
    assert [s["name"] for s in body["successors"]] == [HOME_AFFAIRS]
    # The list leaves the lineage out (a province's committee took over from dozens).
    listed = client.get("/api/v1/units/?kind=agency&status=all", **auth).json()["results"]
    assert listed and "predecessors" not in listed[0]
    assert body["successors"][0]["effective_on"] == "2025-07-01"


def test_a_merger_counts_the_chain_and_its_reversal_takes_it_out(demo_figures):
    """Sở Tài chính merges into Sở Xây dựng in 2026 (recomputed from its marks):
    Xây dựng's base takes in Tài chính's and Kế hoạch và Đầu tư's (its own
    predecessor); reversed, they leave again, and each time the incremental
    run equals a full one."""
    admin = User.objects.get(username="admin")
    finance, building = (
        current("Sở Tài chính thành phố Hải Phòng"),
        current("Sở Xây dựng thành phố Hải Phòng"),
    )
    day = dt.date(2026, 2, 1)

    def figures():
        rows = dashboard(
            area=current("Sở Xây dựng thành phố Hải Phòng"), year=2026, base_year=2015, sector="*"
        )
        return rows["head"].units_base, [(b.kind, b.value) for b in rows["waterfall"]]

    def recomputed():
        rc.recompute(trigger="write")
        incremental = figures()
        rc.recompute(trigger="manual", everything=True)
        assert figures() == incremental
        return incremental

    before = recomputed()
    merger = agencies_merge(
        actor=admin,
        decision=Decision("15/QĐ-UBND", day, day, "UBND thành phố Hải Phòng"),
        source_ids=[finance.pk],
        target_id=building.pk,
    )
    base, bars = recomputed()
    assert base == before[0] + 1  # Kế hoạch và Đầu tư's centre, through Tài chính
    assert {kind for kind, _v in bars[1:-1]} == {K.EQUITIZE}
    restructuring_reverse(restructuring_id=merger.pk, actor=admin, reason="Ghi nhầm")
    assert not merger.successions.exists()
    base, bars = recomputed()
    assert base == before[0]
    assert (K.TRANSFER, 1) in bars  # the centre stays moved, now by a plain transfer


def test_a_merger_that_breaks_a_rule_leaves_nothing(demo):
    admin = User.objects.get(username="admin")
    closed = original("31000004")  # merged on 1/3/2025
    count = Restructuring.objects.count()
    with pytest.raises(ValidationError):
        agencies_merge(
            actor=admin,
            decision=Decision("1/QĐ-TEST", dt.date(2026, 1, 5), dt.date(2026, 1, 5), "UBND"),
            source_ids=[current("Sở Tài chính thành phố Hải Phòng").pk],
            target_id=closed.pk,
        )
    assert Restructuring.objects.count() == count
    assert current("Sở Tài chính thành phố Hải Phòng").children.filter(closed_on=None).exists()
