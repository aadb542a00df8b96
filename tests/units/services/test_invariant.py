"""DESIGN §4: for every scope and window, base + Σ deltas + transfers in − transfers
out = current, where deltas are read from the recorded decisions and counts from
the units' dates; and a reversal restores the previous state exactly."""

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AgencyFactory, CommuneFactory, ServiceUnitFactory, UserFactory
from tests.units.services.exercised import assert_exercised, refused, tally_applied
from units.choices import RestructuringKind as K
from units.choices import Role
from units.models import Area, RestructuringLink, Unit
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply, restructuring_reverse

pytestmark = pytest.mark.django_db
KINDS = [
    K.MERGE,
    K.CONSOLIDATE,
    K.SPLIT,
    K.SPIN_OFF,
    K.DISSOLVE,
    K.EQUITIZE,
    K.TRANSFER,
    K.RENAME,
    K.ESTABLISH,
]


def count(area: Area, day: dt.date) -> int:
    return Unit.objects.services().in_area(area).active_on(day).count()


def deltas(area: Area, base: dt.date, end: dt.date) -> tuple[int, int, int]:
    """(Σ deltas of non-transfer decisions, transfers in, transfers out) in (base, end]."""
    links = RestructuringLink.objects.filter(
        restructuring__reversed_at__isnull=True,
        restructuring__effective_on__gt=base,
        restructuring__effective_on__lte=end,
        unit__kind="service",
    ).filter(_in_area(area))
    other = transfers_in = transfers_out = 0
    for link in links.select_related("restructuring"):
        sign = (1 if link.created else 0) - (1 if link.ceases else 0)
        if link.restructuring.kind == K.TRANSFER:
            transfers_in += sign > 0
            transfers_out += sign < 0
        else:
            other += sign
    return other, transfers_in, transfers_out


def _in_area(area):
    from units.models.areas import area_subtree_q

    return area_subtree_q(area, prefix="unit__area")


def snapshot():
    return sorted(
        Unit.objects.values_list(
            "id", "name", "parent_id", "area_id", "closed_on", "closed_by_id", "autonomy_group"
        )
    )


operation = st.tuples(
    st.sampled_from(KINDS),
    st.integers(min_value=0, max_value=1000),  # picks units
    st.integers(min_value=1, max_value=3),  # how many
    st.integers(min_value=1, max_value=400),  # days after the previous decision
    st.booleans(),  # reverse it right away?
)


EXAMPLES = 40
TALLY: Counter[str] = Counter()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    layout=st.lists(st.integers(min_value=0, max_value=3), min_size=3, max_size=9),
    operations=st.lists(operation, min_size=1, max_size=8),
)
def explore(layout, operations):
    with transaction.atomic():
        _scenario(layout, operations)
        transaction.set_rollback(True)


def test_counts_are_explained_by_decisions():
    """The invariant over random histories, which must have applied decisions of
    most kinds (a run that only saw refusals proves nothing)."""
    TALLY.clear()
    explore()
    assert_exercised(TALLY, EXAMPLES)


def _scenario(layout, operations):
    wards = [CommuneFactory()]
    wards.append(CommuneFactory(parent=wards[0].parent))
    wards.append(CommuneFactory())
    wards.append(CommuneFactory(parent=wards[2].parent))
    parent = AgencyFactory(area=wards[0].parent)
    for i, w in enumerate(layout):
        ServiceUnitFactory(area=wards[w], parent=parent, established_on=dt.date(2010, 1, i + 1))
    admin = UserFactory(roles=[Role.ADMIN])
    day = dt.date(2015, 1, 1)
    dates = [dt.date(2014, 12, 31)]
    for n, (kind, pick, how_many, gap, reverse) in enumerate(operations):
        day += dt.timedelta(days=gap)
        active = list(Unit.objects.services().active_on(day).order_by("id"))
        chosen = [active[(pick + i) % len(active)].pk for i in range(how_many)] if active else []
        kwargs = {"source_ids": chosen}
        if kind == K.MERGE and len(active) > 1:
            target = active[(pick + how_many) % len(active)].pk
            kwargs = {"source_ids": [c for c in chosen if c != target], "target_id": target}
        elif kind in (K.CONSOLIDATE, K.SPIN_OFF):
            kwargs["new_units"] = [NewUnit(name=f"Mới {n}")]
        elif kind == K.SPLIT:
            kwargs = {
                "source_ids": chosen[:1],
                "new_units": [NewUnit(name=f"Tách {n}.{i}") for i in range(how_many + 1)],
            }
        elif kind == K.TRANSFER:
            kwargs["new_area_id"] = wards[(pick + 1) % len(wards)].pk
        elif kind == K.RENAME:
            kwargs = {"source_ids": chosen[:1], "rename": {"name": f"Đổi tên {n}"}}
        elif kind == K.ESTABLISH:
            kwargs = {
                "new_units": [
                    NewUnit(
                        name=f"Lập {n}",
                        sector="health",
                        level="district",
                        area_id=wards[pick % len(wards)].pk,
                    )
                ]
            }
        before = snapshot()
        decision = Decision(number=f"{n}/QĐ", decided_on=day, effective_on=day, authority="UBND")
        try:
            applied = restructuring_apply(actor=admin, kind=kind, decision=decision, **kwargs)
        except ValidationError as error:
            assert snapshot() == before  # a refused decision writes nothing
            refused(TALLY, kind, error)
            continue
        tally_applied(TALLY, kind, reverse)
        if reverse:
            restructuring_reverse(restructuring_id=applied.pk, actor=admin, reason="thử")
            assert snapshot() == before
        dates.append(day)
    dates.append(day + dt.timedelta(days=1))
    scopes = [*wards, *{w.parent for w in wards}, *{w.parent.parent for w in wards}]
    for scope in scopes:
        for i, base in enumerate(dates):
            for end in dates[i:]:
                other, t_in, t_out = deltas(scope, base, end)
                assert count(scope, base) + other + t_in - t_out == count(scope, end), (
                    scope,
                    base,
                    end,
                )
