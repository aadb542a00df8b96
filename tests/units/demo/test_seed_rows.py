"""The national generator and the restructuring service write the same rows.

Each kind of decision the generator makes is taken twice on the same small
country (one province, one district, one commune, every unit the generator
gives them): once as the generator does it (its event, the service's row
builder, the bulk write of national_write) and once replayed through
`restructuring_apply`. Every row of both databases is then compared field by
field; only ids and timestamps, which must differ, are left out."""

import datetime as dt

import pytest
from django.db import transaction

from reformwatch.middleware import current_request_id
from tests.factories import AreaFactory, CommuneFactory, DistrictFactory, UserFactory
from units.choices import LinkRole
from units.choices import RestructuringKind as K
from units.demo.national import NationalSeed
from units.demo.national_events import EVENTS
from units.demo.national_write import TABLES, write
from units.models import AuditEntry, Restructuring, Unit
from units.services.restructuring_rows import DecisionRows
from units.services.restructuring_rules import Decision, NewUnit
from units.services.restructurings import restructuring_apply, restructuring_reverse
from units.text import fold

pytestmark = pytest.mark.django_db

DAY = dt.date(2020, 6, 15)
SEED = 1  # a seed whose district has a market board (not every district does)
REQUEST_ID = "test-seed-rows-0001"
# What must differ between two writes of the same rows (an audit entry's hash
# covers its time; its prev_hash, the same head in both, is compared).
IGNORED = {"id", "created_at", "at", "marked_at", "hash"}


@pytest.fixture
def areas(db):
    province = AreaFactory(name="Tỉnh Nam Định", code="36")
    district = DistrictFactory(name="Huyện Giao Thủy", code="361", parent=province)
    commune = CommuneFactory(name="Xã Giao Thiện", code="14000", parent=district)
    return [province, district, commune]


@pytest.fixture
def actor(db):
    return UserFactory(username="seed", full_name="seed_national", is_superuser=True)


@pytest.fixture
def request_id():
    token = current_request_id.set(REQUEST_ID)
    yield REQUEST_ID
    current_request_id.reset(token)


def country(actor, areas) -> NationalSeed:
    """The generator's small country, in memory (the same for the same seed)."""
    seed = NationalSeed(scale=1, seed=SEED, actor=actor)
    seed.country(areas)
    seed.districts, seed.communes = areas[1:2], areas[2:]
    return seed


def key(unit: Unit) -> tuple[str, str]:
    """A unit the same in both databases: its code and (for a transfer's copy,
    which takes the code over) the day it began."""
    return unit.code, unit.established_on.isoformat()


def replay(rows: DecisionRows) -> dict:
    """The generator's decision as a clerk would record it through the service,
    with units named by `key`."""
    r = rows.restructuring
    sources = [link for link in rows.links if link.role == LinkRole.SOURCE]
    target = [link.unit for link in rows.links if link.role == LinkRole.RESULT and not link.created]
    decision = Decision(r.decision_number, r.decided_on, r.effective_on, r.authority, r.note)
    kwargs = {
        "kind": r.kind,
        "decision": decision,
        "source_ids": [key(link.unit) for link in sources],
        "target_id": key(target[0]) if target else None,
    }
    if r.kind == K.TRANSFER:
        kwargs["new_parent_id"] = key(r.new_parent)
    elif r.kind == K.RENAME:
        before, after = sources[0].before, sources[0].after
        kwargs["rename"] = {k: v for k, v in after.items() if before[k] != v}
    else:
        kwargs["new_units"] = [
            NewUnit(
                name=u.name,
                code=u.code,
                kind=u.kind,
                sector=u.sector,
                autonomy_group=u.autonomy_group,
                parent_id=key(u.parent),
                area_id=u.area_id,
                level=u.level,
            )
            for u in rows.results
        ]
    return kwargs


def written() -> dict[str, list]:
    """Every row the two ways may write (in the tables the bulk write fills),
    with ids of rows written in the savepoint (units, the decision, the audit
    entry) replaced by what names them in both databases; areas and users were
    made before and keep their ids."""
    units = {u.pk: key(u) for u in Unit.objects.all()}
    decisions = dict(Restructuring.objects.values_list("pk", "decision_number"))
    refs = {Unit: units, Restructuring: decisions, AuditEntry: {}}
    tables = {}
    for model in TABLES:
        rows = []
        for obj in model.objects.order_by("id"):
            row = {}
            for field in model._meta.concrete_fields:
                if field.name in IGNORED:
                    continue
                value = getattr(obj, field.attname)
                if field.is_relation and field.related_model in refs and value is not None:
                    value = refs[field.related_model].get(value, "entry")
                row[field.name] = value
            rows.append(row)
        tables[model._meta.model_name] = rows
    for entry in tables["auditentry"]:
        entry["object_id"] = decisions[int(entry["object_id"])]
        for link in entry["after"]["links"]:
            link["unit"] = units[link["unit"]]
    for name in ("unit", "auditlink", "recomputemark"):  # written in no set order
        tables[name].sort(key=str)
    return tables


def by_generator(actor, areas, kind) -> tuple[DecisionRows, dict]:
    """The generator's event on the small country, written in bulk; what it
    wrote, rolled back afterwards."""
    seed = country(actor, areas)
    change = EVENTS[kind](seed, DAY)
    assert change is not None and len(seed.decisions) == 1, "the event found no unit"
    rows = seed.decisions[0]
    assert rows.restructuring.kind == kind
    with transaction.atomic():
        write(seed)
        tables = written()
        transaction.set_rollback(True)
    return rows, tables


def by_service(actor, areas, kwargs) -> dict:
    """The same country written, then the decision applied by the service."""
    seed = country(actor, areas)
    with transaction.atomic():
        write(seed)
        ids = {key(u): u.pk for u in Unit.objects.all()}
        kwargs = {
            **kwargs,
            "source_ids": [ids[k] for k in kwargs["source_ids"]],
            "target_id": ids[kwargs["target_id"]] if kwargs["target_id"] else None,
        }
        if "new_parent_id" in kwargs:
            kwargs["new_parent_id"] = ids[kwargs["new_parent_id"]]
        for i, spec in enumerate(kwargs.get("new_units", [])):
            kwargs["new_units"][i] = NewUnit(**{**vars(spec), "parent_id": ids[spec.parent_id]})
        restructuring_apply(actor=actor, **kwargs)
        tables = written()
        transaction.set_rollback(True)
    return tables


@pytest.mark.parametrize("kind", list(EVENTS))
def test_the_generator_writes_each_kind_as_the_service_does(actor, areas, request_id, kind):
    rows, generated = by_generator(actor, areas, kind)
    applied = by_service(actor, areas, replay(rows))
    assert len(generated["restructuring"]) == 1 and generated["auditentry"]
    assert generated["recomputemark"] and generated["restructuringlink"]
    for table in applied:
        assert generated[table] == applied[table], table
    (entry,) = generated["auditentry"]
    assert entry["request_id"] == request_id
    assert {row["name"]: row["name_folded"] for row in generated["unit"]} == {
        row["name"]: fold(row["name"]) for row in generated["unit"]
    }


def test_a_generated_rename_keeps_what_a_reversal_restores(actor, areas):
    """GIVEN a centre in autonomy group 2 (the generator's default is 4)
    WHEN the generator renames it and the service reverses the rename
    THEN the centre has its old name, search name and group again."""
    seed = country(actor, areas)
    centre = seed.district[areas[1].pk]["Trung tâm Bồi dưỡng chính trị"]
    old_name, centre.autonomy_group = centre.name, 2
    EVENTS[K.RENAME](seed, DAY)
    assert (centre.name, centre.name_folded) == (
        "Trung tâm Chính trị huyện Giao Thủy",
        "trung tam chinh tri huyen giao thuy",
    )
    (link,) = seed.decisions[0].links
    assert link.before == {
        "closed_on": None,
        "name": old_name,
        "sector": centre.sector,
        "autonomy_group": 2,
    }
    assert link.after == {"name": centre.name, "sector": centre.sector, "autonomy_group": 2}
    write(seed)
    assert Unit.objects.filter(name_folded__contains="trung tam chinh tri").get().pk == centre.pk
    restructuring_reverse(
        restructuring_id=seed.decisions[0].restructuring.pk, actor=actor, reason="Nhầm"
    )
    centre.refresh_from_db()
    assert (centre.name, centre.name_folded, centre.autonomy_group) == (old_name, fold(old_name), 2)
