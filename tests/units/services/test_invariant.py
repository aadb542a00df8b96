"""DESIGN §4: for every scope and window, base + Σ deltas + transfers in − transfers
out = current, where deltas are read from the recorded decisions and counts from
the units' dates; and a reversal restores the previous state exactly."""

import datetime as dt
from collections import Counter

import pytest

from tests.factories import AgencyFactory, ServiceUnitFactory, UserFactory
from tests.units.services.exercised import assert_exercised
from tests.units.services.histories import apply_drawn, drawn_kwargs, four_wards, histories
from units.choices import RestructuringKind as K
from units.choices import Role
from units.models import Area, RestructuringLink, Unit

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


EXAMPLES = 40
TALLY: Counter[str] = Counter()


def test_counts_are_explained_by_decisions():
    """The invariant over random histories, which must have applied decisions of
    most kinds (a run that only saw refusals proves nothing)."""
    TALLY.clear()
    explore()
    assert_exercised(TALLY, EXAMPLES)


@histories(examples=EXAMPLES, kinds=KINDS, units=(3, 9), most=8, gap=400)
def explore(layout, operations):
    wards = four_wards()
    parent = AgencyFactory(area=wards[0].parent)
    for i, w in enumerate(layout):
        ServiceUnitFactory(area=wards[w], parent=parent, established_on=dt.date(2010, 1, i + 1))
    admin = UserFactory(roles=[Role.ADMIN])
    day = dt.date(2015, 1, 1)
    dates = [dt.date(2014, 12, 31)]
    for n, (kind, pick, how_many, gap, reverse) in enumerate(operations):
        day += dt.timedelta(days=gap)
        active = list(Unit.objects.services().active_on(day).order_by("id"))
        kwargs = drawn_kwargs(kind, n, pick, how_many, active=active, wards=wards)
        before = snapshot()
        applied = apply_drawn(
            TALLY, actor=admin, kind=kind, n=n, day=day, reverse=reverse, **kwargs
        )
        if applied is None or reverse:
            assert snapshot() == before  # a refused decision writes nothing, a reversal undoes all
        if applied is not None:
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
