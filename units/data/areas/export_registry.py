"""Export the official area registry from the `vietnamadminunits` package to the
CSV files in registry/, which `manage.py load_areas` reads.

Run it only to refresh the data, in any environment that has the pinned package
(it is not a dependency of the portal: its import pulls numpy, shapely and geopy,
about 100 MB, and the loader needs only its two data files):

    python3 -m venv /tmp/vau && /tmp/vau/bin/pip install vietnamadminunits==1.0.4
    /tmp/vau/bin/python units/data/areas/export_registry.py

It reads the package's SQLite and JSON files with the standard library only. The
mapping there is keyed by name slugs; this joins it back to codes. Types come from
the name's prefix (the package's type column is wrong in seven rows). The main
successor of a divided commune is the new commune that kept its code (the rule of
QĐ 124/2004/QĐ-TTg) when there is one, else the package's default, a geometric
guess (see SOURCES.md). Corrections reviewed against the national statistics
office's conversion table are applied by the loader, not here.
"""

import csv
import importlib.metadata
import importlib.util
import json
import sqlite3
from pathlib import Path

VERSION = "1.0.4"
OUT = Path(__file__).resolve().parent / "registry"


def main() -> None:
    installed = importlib.metadata.version("vietnamadminunits")
    if installed != VERSION:
        raise SystemExit(f"vietnamadminunits {VERSION} is pinned; {installed} is installed")
    spec = importlib.util.find_spec("vietnamadminunits")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    con = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    legacy = [dict(r) for r in con.execute("SELECT * FROM admin_units_legacy")]
    current = [dict(r) for r in con.execute("SELECT * FROM admin_units")]
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    OUT.mkdir(exist_ok=True)

    def write(name, header, rows):
        with open(OUT / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(sorted(rows))

    write(
        "provinces_before.csv",
        ["code", "name", "latitude", "longitude"],
        {(r["provinceCode"], r["province"], r["provinceLat"], r["provinceLon"]) for r in legacy},
    )
    write(
        "districts_before.csv",
        ["code", "name", "province_code", "latitude", "longitude"],
        {
            (
                r["districtCode"],
                r["district"],
                r["provinceCode"],
                r["districtLat"],
                r["districtLon"],
            )
            for r in legacy
        },
    )
    write(
        "communes_before.csv",
        ["code", "name", "district_code", "province_code", "latitude", "longitude"],
        [
            (
                r["wardCode"],
                r["ward"],
                r["districtCode"],
                r["provinceCode"],
                r["wardLat"],
                r["wardLon"],
            )
            for r in legacy
            if r["wardCode"]
        ],
    )
    write(
        "provinces_after.csv",
        ["code", "name", "latitude", "longitude"],
        {(r["provinceCode"], r["province"], r["provinceLat"], r["provinceLon"]) for r in current},
    )
    write(
        "communes_after.csv",
        ["code", "name", "province_code", "latitude", "longitude", "area_km2"],
        [
            (
                r["wardCode"],
                r["ward"],
                r["provinceCode"],
                r["wardLat"],
                r["wardLon"],
                "" if r["wardAreaKm2"] is None else r["wardAreaKm2"],
            )
            for r in current
        ],
    )
    old_province = {r["provinceKey"]: r["provinceCode"] for r in legacy}
    new_province = {r["provinceKey"]: r["provinceCode"] for r in current}
    write(
        "province_lineage.csv",
        ["old_code", "new_code"],
        [
            (old_province[old], new_province[new])
            for new, olds in converter["DICT_PROVINCE"].items()
            for old in olds
        ],
    )
    old_by_key = {f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": r for r in legacy}
    new_by_key = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in current}
    rows = []
    # An island district with no commune (5 of them) becomes a special zone: its
    # link starts from the district (old_code empty, old_district_code set).
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, olds in wards.items():
            for key in olds:
                old = old_by_key[key]
                new = new_by_key[(province, new_key)]
                rows.append((old["wardCode"] or "", old["districtCode"], new, 0, 1))
    for province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, targets in olds.items():
            old = old_by_key[key]
            codes = [new_by_key[(province, t["newWardKey"])] for t in targets]
            kept = old["wardCode"] if old["wardCode"] in codes else None
            for target, code in zip(targets, codes, strict=True):
                main = code == kept if kept else target["isDefaultNewWard"]
                rows.append((old["wardCode"], old["districtCode"], code, 1, int(main)))
    write(
        "commune_lineage.csv",
        ["old_code", "old_district_code", "new_code", "divided", "main"],
        rows,
    )
    # The address parser's keywords keep the names of communes merged into each
    # commune before 1/7/2025 ("phuongmayto" under Phường Gia Viên): the loader
    # reads them to link the wards of the 1/1/2025 mergers it records.
    parser = json.loads((data / "parser_legacy.json").read_text(encoding="utf-8"))
    own = {r["wardCode"]: r["wardKey"] for r in legacy if r["wardCode"]}
    former = {}
    for entry in parser["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"].values():
        for wards in entry.values():
            for ward in wards.values():
                code = ward["wardCode"]
                others = {
                    k for k in ward["wardKeywords"] if k.startswith(("phuong", "xa", "thitran"))
                }
                others.discard(own.get(code))
                if others:
                    former[code] = " ".join(sorted(others))
    write("commune_former_names.csv", ["code", "former"], former.items())
    print(f"vietnamadminunits {installed}: {len(legacy)} legacy rows, {len(current)} communes")


if __name__ == "__main__":
    main()
