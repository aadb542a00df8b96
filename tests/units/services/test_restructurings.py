import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import AgencyFactory, CommuneFactory, ServiceUnitFactory
from tests.units.services.restructuring_helpers import DAY, active_count, apply, decision, state
from units.choices import RestructuringKind as K
from units.models import AuditEntry, RecomputeMark, Unit
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_merge_closes_the_absorbed_units_and_keeps_the_target(clerk, schools):
    a, b, target, _ = schools
    r = apply(clerk, K.MERGE, source_ids=[a.pk, b.pk], target_id=target.pk)
    a.refresh_from_db()
    assert (a.closed_on, a.closed_by) == (DAY, r)
    target.refresh_from_db()
    assert target.closed_on is None
    assert active_count() == 2
    assert active_count(DAY - dt.timedelta(days=1)) == 4


def test_consolidate_creates_one_new_unit_from_the_sources(clerk, schools, district):
    a, b, *_ = schools
    r = apply(
        clerk,
        K.CONSOLIDATE,
        source_ids=[a.pk, b.pk],
        new_units=[NewUnit(name="Trường TH và THCS Lạc Viên")],
    )
    new = Unit.objects.get(name="Trường TH và THCS Lạc Viên")
    assert (new.established_on, new.area, new.sector, new.parent_id) == (
        DAY,
        district,
        a.sector,
        a.parent_id,
    )
    assert r.links.filter(created=True).get().unit == new
    assert active_count() == 3


def test_split_creates_results_and_ends_the_source(clerk, schools):
    r = apply(
        clerk,
        K.SPLIT,
        source_ids=[schools[0].pk],
        new_units=[NewUnit(name="A1"), NewUnit(name="A2"), NewUnit(name="A3")],
    )
    assert r.links.filter(role="result").count() == 3
    assert active_count() == 4 - 1 + 3


def test_spin_off_keeps_the_source(clerk, schools):
    apply(clerk, K.SPIN_OFF, source_ids=[schools[0].pk], new_units=[NewUnit(name="B")])
    schools[0].refresh_from_db()
    assert schools[0].closed_on is None
    assert active_count() == 5


@pytest.mark.parametrize("kind", [K.DISSOLVE, K.EQUITIZE])
def test_dissolve_and_equitize_end_each_unit(clerk, schools, kind):
    apply(clerk, kind, source_ids=[schools[0].pk, schools[1].pk])
    assert active_count() == 2


def test_establish_creates_a_unit(clerk, district, agency):
    apply(
        clerk,
        K.ESTABLISH,
        new_units=[
            NewUnit(
                name="Trung tâm mới",
                sector="health",
                autonomy_group=3,
                area_id=district.pk,
                level="district",
                parent_id=agency.pk,
            )
        ],
    )
    assert Unit.objects.get(name="Trung tâm mới").established_on == DAY


def test_transfer_moves_units_to_a_new_parent_and_area(clerk, schools, district, agency):
    ward = CommuneFactory(parent=district)
    commune_ubnd = AgencyFactory(area=ward, level="commune", name="UBND phường")
    a = schools[0]
    apply(clerk, K.TRANSFER, source_ids=[a.pk], new_parent_id=commune_ubnd.pk, new_area_id=ward.pk)
    a.refresh_from_db()
    assert a.closed_on == DAY
    moved = Unit.objects.get(name=a.name, closed_on__isnull=True)
    assert (moved.parent, moved.area, moved.level, moved.code) == (
        commune_ubnd,
        ward,
        "commune",
        a.code,
    )
    assert active_count() == 4
    assert Unit.objects.services().in_area(ward).active_on(DAY).count() == 1


def test_rename_changes_the_unit_in_place(clerk, schools):
    a = schools[0]
    apply(clerk, K.RENAME, source_ids=[a.pk], rename={"name": "Tên mới"})
    a.refresh_from_db()
    assert (a.name, a.name_folded, a.closed_on) == ("Tên mới", "ten moi", None)


@pytest.mark.parametrize(
    ("kind", "kwargs_of", "message"),
    [
        (
            K.CONSOLIDATE,
            lambda s: {"source_ids": [s[0].pk], "new_units": [NewUnit(name="X")]},
            "at least two units",
        ),
        (
            K.SPLIT,
            lambda s: {"source_ids": [s[0].pk], "new_units": [NewUnit(name="X")]},
            "at least two new units",
        ),
        (K.MERGE, lambda s: {"source_ids": [s[0].pk]}, "exactly one existing unit"),
        (K.MERGE, lambda s: {"source_ids": [s[0].pk], "target_id": s[0].pk}, "cannot also"),
        (
            K.ESTABLISH,
            lambda s: {"source_ids": [s[0].pk], "new_units": [NewUnit(name="X")]},
            "no source unit",
        ),
        (K.DISSOLVE, lambda s: {"source_ids": []}, "at least one unit"),
        (K.TRANSFER, lambda s: {"source_ids": [s[0].pk]}, "new managing body or area"),
        (
            K.RENAME,
            lambda s: {"source_ids": [s[0].pk], "rename": {"name": s[0].name}},
            "nothing would change",
        ),
        (
            K.SPLIT,
            lambda s: {"source_ids": [s[0].pk], "new_units": [NewUnit(name="X"), NewUnit(name="")]},
            "needs a name",
        ),
    ],
)
def test_invalid_shapes_are_refused_and_write_nothing(clerk, schools, kind, kwargs_of, message):
    before = state()
    with pytest.raises(ValidationError) as error:
        apply(clerk, kind, **kwargs_of(schools))
    assert message in " ".join(error.value.messages)
    assert state() == before


def test_a_closed_unit_cannot_be_restructured_again(clerk, schools):
    apply(clerk, K.DISSOLVE, source_ids=[schools[0].pk])
    before = state()
    with pytest.raises(ValidationError) as error:
        apply(
            clerk,
            K.DISSOLVE,
            source_ids=[schools[0].pk],
            decision=decision(DAY + dt.timedelta(days=30), "99/QĐ"),
        )
    assert "already been restructured by decision 15/QĐ-UBND" in error.value.messages[0]
    assert state() == before


def test_effective_date_before_the_unit_existed_is_refused(clerk, schools):
    with pytest.raises(ValidationError) as error:
        apply(clerk, K.DISSOLVE, source_ids=[schools[0].pk], decision=decision(dt.date(1999, 1, 1)))
    assert "before unit" in error.value.messages[0]


def test_overlapping_restructurings_are_refused(clerk, schools):
    apply(clerk, K.SPIN_OFF, source_ids=[schools[0].pk], new_units=[NewUnit(name="B")])
    before = state()
    with pytest.raises(ValidationError) as error:
        apply(
            clerk,
            K.RENAME,
            source_ids=[schools[0].pk],
            rename={"name": "C"},
            decision=decision(DAY - dt.timedelta(days=5), "16/QĐ"),
        )
    assert "already been restructured" in error.value.messages[0]
    assert state() == before


def test_effective_before_decided_is_refused(clerk, schools):
    bad = Decision(
        number="1", decided_on=DAY, effective_on=DAY - dt.timedelta(days=1), authority="UBND"
    )
    with pytest.raises(ValidationError):
        apply(clerk, K.DISSOLVE, source_ids=[schools[0].pk], decision=bad)


def test_out_of_scope_clerk_is_refused_and_nothing_changes(outsider_clerk, schools):
    before = state()
    with pytest.raises(PermissionDenied):
        apply(outsider_clerk, K.DISSOLVE, source_ids=[schools[0].pk])
    assert state() == before


@pytest.mark.parametrize("role", ["official", "supervisor"])
def test_readers_cannot_restructure(request, schools, role):
    with pytest.raises(PermissionDenied):
        apply(request.getfixturevalue(role), K.DISSOLVE, source_ids=[schools[0].pk])


def test_apply_and_reverse_each_write_exactly_one_audit_entry(clerk, schools):
    r = apply(clerk, K.MERGE, source_ids=[schools[0].pk], target_id=schools[1].pk)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["restructuring.apply"]
    restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="Nhập sai")
    assert AuditEntry.objects.filter(action="restructuring.reverse").count() == 1
    assert AuditEntry.objects.count() == 2


def test_apply_marks_the_affected_scopes_and_years(clerk, schools, district):
    apply(clerk, K.DISSOLVE, source_ids=[schools[0].pk])
    marks = set(RecomputeMark.objects.values_list("area_id", "year"))
    assert (district.pk, 2020) in marks
    assert (district.parent_id, 2020) in marks
    assert (district.pk, dt.date.today().year) in marks


def test_a_transfer_to_another_scope_needs_only_the_sources_in_scope(
    clerk, schools, other_district
):
    """Defect: a clerk could not record a transfer out of their province."""
    body = AgencyFactory(area=other_district)
    r = apply(clerk, K.TRANSFER, source_ids=[schools[0].pk], new_parent_id=body.pk)
    copy = r.links.get(role="result").unit
    assert (copy.parent, copy.area) == (body, schools[0].area)
    # Reversing it is the same clerk's right (the sources are theirs).
    restructuring_reverse(restructuring_id=r.pk, actor=clerk, reason="Nhập nhầm")


def test_a_body_that_ceases_leaves_no_units_behind(clerk, district, agency, other_district):
    """Probe: transferring an agency left its 29 schools under the closed record."""
    office = AgencyFactory(area=district, parent=agency, name="Phòng Giáo dục")
    school = ServiceUnitFactory(area=district, parent=office)
    body = AgencyFactory(area=other_district)
    before = state()
    for kind, extra in ((K.TRANSFER, {"new_parent_id": body.pk}), (K.DISSOLVE, {})):
        with pytest.raises(ValidationError, match="still manages 1 active units"):
            apply(clerk, kind, source_ids=[office.pk], **extra)
    assert state() == before
    # Moved or closed in the same decision, nothing is left behind.
    apply(clerk, K.DISSOLVE, source_ids=[office.pk, school.pk])


def test_a_new_unit_lies_where_its_managing_body_works(clerk, district, agency, other_district):
    """Probe: a clerk scoped to an agency could place its new units in any province."""
    with pytest.raises(ValidationError, match="must lie within"):
        apply(
            clerk,
            K.ESTABLISH,
            new_units=[
                NewUnit(
                    name="Trường Xa",
                    sector="education",
                    parent_id=agency.pk,
                    area_id=other_district.pk,
                    level="district",
                )
            ],
        )
    assert not Unit.objects.filter(name="Trường Xa").exists()


def test_a_transfer_goes_to_an_agency_only(clerk, schools):
    with pytest.raises(ValidationError, match="not an agency"):
        apply(clerk, K.TRANSFER, source_ids=[schools[0].pk], new_parent_id=schools[1].pk)
