"""Build data/units/da_nang_territory_units.csv: every unit of today's Thành phố Đà Nẵng's territory in every
period — Quảng Nam (49) and old Đà Nẵng (48) with their districts and communes until 30/06/2025 (with the
01/01/2025 changes of both), and from 01/07/2025 the city (48) with its 94 communes directly under it.

Sources (../shared/geo, see its READMEs): the Quảng Nam lists as in build_units.py; da_nang/
units_da_nang_2020_2024.csv and units_da_nang_2025h1.csv (old Đà Nẵng, the same layout); da_nang/
units_da_nang_city_2025_07.csv (the 94 new units, Công văn 1027/CTK-CSCL) and crosswalk_2025_07.csv (every
old unit → its new unit, Resolution 1659/NQ-UBTVQH15). Assumptions (also in data/units/README.md):
- a commune's successor is its crosswalk row that carries its polygon: the whole unit, or for Xã Hòa Liên
  (split between Hải Vân and Liên Chiểu) the part that took most of it, Liên Chiểu;
- a code that names an old unit and a new unit (20242 Phước Ninh → Phường Hải Châu) is one code with two
  versions; the crosswalk never maps an old code elsewhere while the code lives on (pack README §5);
- districts, abolished on 01/07/2025, and the two provinces pass their remaining dossiers to the city;
  Huyện Hoàng Sa (no communes) to Đặc khu Hoàng Sa;
- the city's departments from 01/07/2025 are the 2025 set: a department of either province goes to the
  city department of the same name, and the merged ones as the 2025 restructuring merged them (KHĐT →
  Tài chính, GTVT → Xây dựng, TNMT and NN&PTNT → Nông nghiệp và Môi trường, TTTT → KH&CN, LĐTB&XH →
  Nội vụ, Ban Dân tộc → Sở Dân tộc và Tôn giáo), all from 01/07/2025 (the provinces' own March 2025
  mergers are not in the lists before);
- the land-registry branches continue under the city's office, one per former district area, keeping
  their codes (old Đà Nẵng's with the prefix DN_).
Run: python scripts/build_territory_units.py [SHARED_GEO_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from build_units import DEPARTMENTS, END, GSO, PROJECT, ROOT, province_rows, unit_row, write

OUT = ROOT / "data" / "units" / "da_nang_territory_units.csv"
REFORM = "2025-07-01"
CITY = "48"
MERGED = {  # department of either province → the city's department from 01/07/2025
    "SO_KHDT": "SO_TC",
    "SO_GTVT": "SO_XD",
    "SO_TNMT": "SO_NNMT",
    "SO_NNPTNT": "SO_NNMT",
    "SO_TTTT": "SO_KHCN",
    "SO_LDTBXH": "SO_NV",
    "BAN_DT": "SO_DTTG",
}
CITY_DEPARTMENTS = [
    ("SO_NV", "Sở Nội vụ"),
    ("SO_TP", "Sở Tư pháp"),
    ("SO_TC", "Sở Tài chính"),
    ("SO_CT", "Sở Công Thương"),
    ("SO_NNMT", "Sở Nông nghiệp và Môi trường"),
    ("SO_XD", "Sở Xây dựng"),
    ("SO_KHCN", "Sở Khoa học và Công nghệ"),
    ("SO_VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SO_GDDT", "Sở Giáo dục và Đào tạo"),
    ("SO_YT", "Sở Y tế"),
    ("SO_NGV", "Sở Ngoại vụ"),
    ("SO_DTTG", "Sở Dân tộc và Tôn giáo"),
    ("BQL_KKT", "Ban Quản lý Khu công nghệ cao và các khu công nghiệp"),
    ("TTR_TINH", "Thanh tra thành phố"),
]
CROSSWALK = "crosswalk 2025-07 (Resolution 1659/NQ-UBTVQH15), via shared/geo/da_nang"


def main(shared: Path) -> None:
    dn = shared / "da_nang"
    qn = province_rows(
        shared / "units_quang_nam_2020_2024.csv",
        shared / "units_quang_nam.csv",
        "49",
        "Tỉnh Quảng Nam",
        DEPARTMENTS,
        "",
    )
    old_dn = province_rows(
        dn / "units_da_nang_2020_2024.csv",
        dn / "units_da_nang_2025h1.csv",
        CITY,
        "Thành phố Đà Nẵng",
        DEPARTMENTS,
        "DN_",
    )
    # Huyện Hoàng Sa: a district with no commune-level units (only in the district layers)
    old_dn.append(unit_row("498", "Huyện Hoàng Sa", "district", CITY, "2020-02-01", END, area="498"))
    crosswalk = list(csv.DictReader(open(dn / "crosswalk_2025_07.csv", encoding="utf-8")))
    successor = {r["old_code"]: r["new_code"] for r in crosswalk if r["polygon_assigned"] == "yes"}
    city = list(csv.DictReader(open(dn / "units_da_nang_city_2025_07.csv", encoding="utf-8")))
    new_codes = {r["code"] for r in city}
    rows = []
    for r in qn + old_dn:
        r = dict(r)
        if r["valid_to"] == END and not r["successor_code"]:
            code, kind = r["code"], r["kind"]
            if kind == "commune" or code == "498":
                r["successor_code"] = "" if successor[code] == code else successor[code]
                r["source"] = f"{r['source']}; {CROSSWALK}"
            elif kind in ("district", "province"):
                r["successor_code"] = "" if code == CITY else CITY
            elif kind == "department":
                base = code.removeprefix("DN_")
                target = "VPDKDD" if base == "VPDKDD" else MERGED.get(base, base)
                r["successor_code"] = "" if target == code else target
            elif kind == "land_registry_branch":
                r["successor_code"] = ""  # continues under the city's office (a new version below)
        rows.append(r)
    assert set(successor) <= {r["code"] for r in rows}, set(successor) - {r["code"] for r in rows}
    assert set(successor.values()) == new_codes

    def add(code, name, kind, parent, area="", source=GSO):
        rows.append(unit_row(code, name, kind, parent, REFORM, "", "", area, source))

    add(CITY, "Thành phố Đà Nẵng", "province", "", source="Resolution 202/2025/QH15; Công văn 915/CTK-CSCL")
    for r in city:
        add(r["code"], r["name"], "commune", CITY, source="Công văn 1027/CTK-CSCL via shared/geo/da_nang")
    for code, name in CITY_DEPARTMENTS:
        add(code, name, "department", CITY, source=PROJECT)
    add("VPDKDD", "Văn phòng Đăng ký đất đai thành phố", "department", "SO_NNMT", source=PROJECT)
    for r in qn + old_dn:
        if r["kind"] == "land_registry_branch" and r["valid_to"] == END:
            add(
                r["code"],
                r["name"].replace("Chi nhánh VPĐKĐĐ ", "Chi nhánh VPĐKĐĐ khu vực "),
                "land_registry_branch",
                "VPDKDD",
                source=PROJECT,
            )
    write(rows, OUT)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "geo")
