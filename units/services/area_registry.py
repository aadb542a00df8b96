"""Loading the official area registry (units/data/areas/registry, exported from
vietnamadminunits 1.0.4): the 63 provinces, 696 districts and 10,035 communes
valid until 30/06/2025, the 34 provinces and 3,321 communes from 01/07/2025, and
the lineage between them; plus the changes of 01/01/2025 in quận Ngô Quyền and
quận Thanh Xuân that the package does not carry (units/data/areas/*.csv).

Idempotent: rows are matched on their natural key (level, code, start of
validity), created in bulk when missing and updated in bulk when they differ."""

import csv
import dataclasses
import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..audit import audit_bulk
from ..choices import AreaLevel
from ..models import Area, AreaLineage, RecomputeMark, User
from ..text import fold
from ..versions import areas_changed
from .figures import COVERS

DATA = Path(__file__).resolve().parent.parent / "data" / "areas"
REGISTRY = DATA / "registry"
SOURCE = "vietnamadminunits 1.0.4"
DISTRICTS_END = dt.date(2025, 6, 30)
REFORM = dt.date(2025, 7, 1)
JANUARY_2025 = dt.date(2025, 1, 1)
PROVINCE_DECISION = "Nghị quyết 202/2025/QH15"
COMMUNE_DECISION = "Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã năm 2025"
COMMUNE_DECISIONS = {"01": "1656/NQ-UBTVQH15"}  # those the demo cites
JANUARY_DECISIONS = {"304": "Nghị quyết 1232/NQ-UBTVQH15", "009": "Nghị quyết 1286/NQ-UBTVQH15"}
FIRST_FIGURE_YEAR = 2015
FIELDS = ["name", "name_folded", "parent_id", "valid_to", "latitude", "longitude"]


@dataclasses.dataclass
class Spec:
    level: str
    code: str
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    parent_key: tuple | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def key(self) -> tuple:
        return (self.level, self.code, self.valid_from)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _float(value: str) -> float | None:
    return float(value) if value else None


def registry_specs() -> tuple[list[Spec], list[tuple]]:
    """Every area and every lineage link of the registry, as plain data."""
    P, D, C = AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE
    groups: dict[str, list[str]] = defaultdict(list)
    for row in _rows(REGISTRY / "province_lineage.csv"):
        groups[row["new_code"]].append(row["old_code"])
    # A province that merged with none keeps its record (and its code) after 1/7/2025.
    unchanged = {new for new, olds in groups.items() if olds == [new]}
    after = {row["code"]: row for row in _rows(REGISTRY / "provinces_after.csv")}
    specs: list[Spec] = []
    for row in _rows(REGISTRY / "provinces_before.csv"):
        code = row["code"]
        source = after[code] if code in unchanged else row
        specs.append(
            Spec(
                P,
                code,
                source["name"],
                None,
                None if code in unchanged else DISTRICTS_END,
                None,
                _float(source["latitude"]),
                _float(source["longitude"]),
            )
        )
    for code, row in after.items():
        if code not in unchanged:
            lat, lon = _float(row["latitude"]), _float(row["longitude"])
            specs.append(Spec(P, code, row["name"], REFORM, None, None, lat, lon))
    for row in _rows(REGISTRY / "districts_before.csv"):
        lat, lon = _float(row["latitude"]), _float(row["longitude"])
        parent = (P, row["province_code"], None)
        specs.append(Spec(D, row["code"], row["name"], None, DISTRICTS_END, parent, lat, lon))
    january = _january_2025()
    for row in _rows(REGISTRY / "communes_before.csv"):
        start = JANUARY_2025 if row["code"] in january["new"] else None
        lat, lon = _float(row["latitude"]), _float(row["longitude"])
        parent = (D, row["district_code"], None)
        specs.append(Spec(C, row["code"], row["name"], start, DISTRICTS_END, parent, lat, lon))
    specs += january["ended"]
    for row in _rows(REGISTRY / "communes_after.csv"):
        province = row["province_code"]
        parent = (P, province, None if province in unchanged else REFORM)
        lat, lon = _float(row["latitude"]), _float(row["longitude"])
        specs.append(Spec(C, row["code"], row["name"], REFORM, None, parent, lat, lon))
    links = _province_links(groups, unchanged) + _commune_links(january) + january["links"]
    return specs, links


def _province_links(groups, unchanged) -> list[tuple]:
    P = AreaLevel.PROVINCE
    return [
        ((P, old, None), (P, new, REFORM), PROVINCE_DECISION, True)
        for new, olds in groups.items()
        if new not in unchanged
        for old in olds
    ]


def _commune_links(january) -> list[tuple]:
    C, D = AreaLevel.COMMUNE, AreaLevel.DISTRICT
    province_of = {r["code"]: r["province_code"] for r in _rows(REGISTRY / "communes_after.csv")}
    pairs: dict[tuple, tuple] = {}
    for row in _rows(REGISTRY / "commune_lineage.csv"):
        old = row["old_code"]
        start = JANUARY_2025 if old in january["new"] else None
        source = (C, old, start) if old else (D, row["old_district_code"], None)
        pairs[(source, row["new_code"])] = (row["divided"] == "1", row["main"] == "1")
    for row in _rows(REGISTRY / "commune_lineage_corrections.csv"):
        start = JANUARY_2025 if row["old_code"] in january["new"] else None
        pair = ((C, row["old_code"], start), row["new_code"])
        if row["action"] == "remove":
            pairs.pop(pair, None)
        else:
            pairs[pair] = (True, False)
    # Exactly one main successor per old commune: the one that kept its code if it
    # is among the successors, else the one the source marked, else the first.
    by_source: dict[tuple, list[str]] = defaultdict(list)
    for source, new in pairs:
        by_source[source].append(new)
    links = []
    for source, news in by_source.items():
        marked = [n for n in news if pairs[(source, n)][1]]
        main = source[1] if source[1] in news else (marked or sorted(news))[0]
        for new in news:
            decision = COMMUNE_DECISIONS.get(province_of[new], COMMUNE_DECISION)
            links.append((source, (C, new, REFORM), decision, new == main))
    return links


def _january_2025() -> dict:
    """The wards of quận Ngô Quyền and quận Thanh Xuân before 01/01/2025
    (units/data/areas/wards_sample.csv) and after (wards_sample_2025.csv): which
    2025 wards began then, which older wards ended, and the links that the codes,
    the names and the former names the registry keeps for each ward prove."""
    C, D = AreaLevel.COMMUNE, AreaLevel.DISTRICT
    before = {r["ward_code"]: r for r in _rows(DATA / "wards_sample.csv")}
    after = {r["ward_code"]: r for r in _rows(DATA / "wards_sample_2025.csv")}
    kept = {
        code for code, r in before.items() if after.get(code, {}).get("ward_name") == r["ward_name"]
    }
    new = set(after) - kept
    ended = [
        Spec(
            C,
            code,
            r["ward_name"],
            None,
            JANUARY_2025 - dt.timedelta(days=1),
            (D, r["district_code"], None),
        )
        for code, r in before.items()
        if code not in kept
    ]
    by_name = {r["ward_name"]: code for code, r in before.items()}
    by_slug = {_slug(r["ward_name"]): code for code, r in before.items()}
    former = {r["code"]: r["former"].split() for r in _rows(REGISTRY / "commune_former_names.csv")}
    links = []
    for code, row in after.items():
        start = JANUARY_2025 if code in new else None
        decision = JANUARY_DECISIONS[row["district_code"]]
        olds = {code, by_name.get(row["ward_name"])} | {
            by_slug.get(s) for s in former.get(code, [])
        }
        for old in olds - {None}:
            if old in before and old not in kept:
                links.append(((C, old, None), (C, code, start), decision, True))
    return {"new": new, "ended": ended, "links": links}


def _slug(name: str) -> str:
    return fold(name).replace(" ", "")


@transaction.atomic
def area_registry_load(*, actor: User | None = None) -> dict[str, int]:
    """Create or update every area and lineage link of the registry; returns counts."""
    specs, links = registry_specs()
    areas = {(a.level, a.code, a.valid_from): a for a in Area.objects.all()}
    counts = {"created": 0, "updated": 0, "links_created": 0, "links_updated": 0}
    for level in (AreaLevel.PROVINCE, AreaLevel.DISTRICT, AreaLevel.COMMUNE):
        _upsert([s for s in specs if s.level == level], areas, counts)
    _upsert_links(links, areas, counts)
    if counts["created"] or counts["updated"] or counts["links_created"]:
        _after_change(actor, counts, specs, areas)
    return counts


def _upsert(specs: list[Spec], areas: dict, counts: dict) -> None:
    create, update = [], []
    for spec in specs:
        values = {
            "name": spec.name,
            "name_folded": fold(spec.name),
            "parent_id": areas[spec.parent_key].pk if spec.parent_key else None,
            "valid_to": spec.valid_to,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
        }
        area = areas.get(spec.key)
        if area is None:
            area = Area(level=spec.level, code=spec.code, valid_from=spec.valid_from, **values)
            areas[spec.key] = area
            create.append(area)
        elif any(getattr(area, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(area, field, value)
            update.append(area)
    Area.objects.bulk_create(create, batch_size=2000)
    Area.objects.bulk_update(update, FIELDS, batch_size=2000)
    if create and create[0].pk is None:  # backends that do not return ids
        fresh = Area.objects.filter(level=specs[0].level)
        for area in fresh:
            areas[(area.level, area.code, area.valid_from)] = area
    counts["created"] += len(create)
    counts["updated"] += len(update)


def _upsert_links(links: list[tuple], areas: dict, counts: dict) -> None:
    existing = {
        (link.predecessor_id, link.successor_id): link for link in AreaLineage.objects.all()
    }
    create, update = [], []
    for old, new, decision, main in links:
        pair = (areas[old].pk, areas[new].pk)
        effective = new[2] or REFORM
        link = existing.get(pair)
        if link is None:
            create.append(
                AreaLineage(
                    predecessor_id=pair[0],
                    successor_id=pair[1],
                    effective_on=effective,
                    decision=decision,
                    main=main,
                )
            )
        elif (link.effective_on, link.decision, link.main) != (effective, decision, main):
            link.effective_on, link.decision, link.main = effective, decision, main
            update.append(link)
    AreaLineage.objects.bulk_create(create, batch_size=2000)
    AreaLineage.objects.bulk_update(update, ["effective_on", "decision", "main"], batch_size=2000)
    counts["links_created"] += len(create)
    counts["links_updated"] += len(update)


def _after_change(actor, counts, specs, areas) -> None:
    """Audit the load, mark the provinces' figures stale, and let cached area
    trees and scopes know the areas changed."""
    audit_bulk(
        actor=actor,
        action="areas.load",
        object_type="units.area",
        label=f"Official area registry ({SOURCE})",
        after=counts,
    )
    provinces = [areas[s.key] for s in specs if s.level == AreaLevel.PROVINCE]
    years = [*range(FIRST_FIGURE_YEAR, timezone.localdate().year + 1), COVERS]
    RecomputeMark.objects.bulk_create(
        [RecomputeMark(area=p, year=y) for p in provinces for y in years],
        update_conflicts=True,
        unique_fields=["area", "year"],
        update_fields=["marked_at"],
    )
    areas_changed()
