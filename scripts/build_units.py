"""Build data/units/quang_nam_units.csv, the committed official unit list.

Sources (see ../shared/geo/README.md): the GSO lists in units_quang_nam_2020_2024.csv (18 districts,
241 communes, crosswalk to 2025 codes) and units_quang_nam.csv (17/233 valid 01/01/2025-30/06/2025).
Provincial departments and land-registry branches use codes of this project's choosing.
Run: python scripts/build_units.py [SHARED_GEO_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "units" / "quang_nam_units.csv"

OLD_FROM = "2020-02-01"  # Resolution 863/NQ-UBTVQH14 (2020 mergers) took effect
OLD_TO = "2024-12-31"  # Resolution 1241/NQ-UBTVQH15 took effect 01/01/2025
NEW_FROM = "2025-01-01"
END = "2025-06-30"  # the province merged into Đà Nẵng on 01/07/2025; districts abolished
GSO = "GSO list (thanglequoc/vietnamese-provinces-database), via shared/geo"
PROJECT = "project code (not an official identifier)"

DEPARTMENTS = [
    ("SO_NV", "Sở Nội vụ"),
    ("SO_TP", "Sở Tư pháp"),
    ("SO_KHDT", "Sở Kế hoạch và Đầu tư"),
    ("SO_TC", "Sở Tài chính"),
    ("SO_CT", "Sở Công Thương"),
    ("SO_NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SO_GTVT", "Sở Giao thông vận tải"),
    ("SO_XD", "Sở Xây dựng"),
    ("SO_TNMT", "Sở Tài nguyên và Môi trường"),
    ("SO_TTTT", "Sở Thông tin và Truyền thông"),
    ("SO_LDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SO_VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SO_KHCN", "Sở Khoa học và Công nghệ"),
    ("SO_GDDT", "Sở Giáo dục và Đào tạo"),
    ("SO_YT", "Sở Y tế"),
    ("SO_NGV", "Sở Ngoại vụ"),
    ("BAN_DT", "Ban Dân tộc"),
    ("BQL_KKT", "Ban Quản lý các Khu kinh tế và Khu công nghiệp tỉnh"),
    ("TTR_TINH", "Thanh tra tỉnh"),
]


def main(shared_geo: Path) -> None:
    rows = province_rows(
        shared_geo / "units_quang_nam_2020_2024.csv",
        shared_geo / "units_quang_nam.csv",
        "49",
        "Tỉnh Quảng Nam",
        DEPARTMENTS,
        "",
    )
    write(rows, OUT)


def unit_row(code, name, kind, parent, vfrom, vto, successor="", area="", source=GSO) -> dict:
    """One version of a unit in the columns of data/units/*.csv."""
    return dict(
        code=code,
        name=name,
        kind=kind,
        parent_code=parent,
        valid_from=vfrom,
        valid_to=vto,
        successor_code=successor,
        area_code=area,
        source=source,
    )


def write(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} unit versions to {out}")


def province_rows(
    old_csv: Path, new_csv: Path, province: str, province_name: str, departments, prefix: str
) -> list[dict]:
    """One province's unit versions 2020-02-01 … 2025-06-30 from the GSO lists before and after its
    01/01/2025 changes; departments and land-registry branches with `prefix` before their project codes."""
    old = list(csv.DictReader(open(old_csv, encoding="utf-8")))
    new = list(csv.DictReader(open(new_csv, encoding="utf-8")))
    rows: list[dict] = []

    def add(code, name, kind, parent, vfrom, vto, successor="", area="", source=GSO):
        rows.append(unit_row(code, name, kind, parent, vfrom, vto, successor, area, source))

    add(province, province_name, "province", "", OLD_FROM, END)
    districts_old = {r["district_code"]: r for r in old}
    districts_new = {r["district_code"]: r for r in new}
    for code, r in sorted(districts_old.items()):
        if code in districts_new:
            n = districts_new[code]
            if n["district_full_name"] == r["district_full_name"]:
                add(code, r["district_full_name"], "district", province, OLD_FROM, END, area=code)
            else:
                add(code, r["district_full_name"], "district", province, OLD_FROM, OLD_TO, area=code)
                add(code, n["district_full_name"], "district", province, NEW_FROM, END, area=code)
        else:
            succ = {x["district_code_2025"] for x in old if x["district_code"] == code}
            assert len(succ) == 1, (code, succ)
            add(code, r["district_full_name"], "district", province, OLD_FROM, OLD_TO, succ.pop(), area=code)
    new_by_code = {r["commune_code"]: r for r in new}
    for r in old:
        code, n = r["commune_code"], new_by_code.get(r["commune_code"])
        if r["commune_code_2025"] != code:  # absorbed by another commune on 01/01/2025
            assert n is None, code
            add(
                code,
                r["commune_full_name"],
                "commune",
                r["district_code"],
                OLD_FROM,
                OLD_TO,
                r["commune_code_2025"],
                area=r["district_code"],
            )
        elif n["commune_full_name"] == r["commune_full_name"] and n["district_code"] == r["district_code"]:
            add(code, r["commune_full_name"], "commune", r["district_code"], OLD_FROM, END, area=r["district_code"])
        else:  # renamed or moved to another district: a new version of the same code
            add(code, r["commune_full_name"], "commune", r["district_code"], OLD_FROM, OLD_TO, area=r["district_code"])
            add(code, n["commune_full_name"], "commune", n["district_code"], NEW_FROM, END, area=n["district_code"])
    assert not set(new_by_code) - {r["commune_code"] for r in old}
    for code, name in departments:
        add(prefix + code, name, "department", province, OLD_FROM, END, source=PROJECT)
    office = prefix + "VPDKDD"
    title = "thành phố" if province_name.startswith("Thành phố") else "tỉnh"
    add(office, f"Văn phòng Đăng ký đất đai {title}", "department", prefix + "SO_TNMT", OLD_FROM, END, source=PROJECT)
    for code, r in sorted(districts_old.items()):
        name = f"Chi nhánh VPĐKĐĐ {r['district_name']}"
        if code in districts_new:
            add(f"{prefix}CN_{code}", name, "land_registry_branch", office, OLD_FROM, END, area=code, source=PROJECT)
        else:
            succ = next(x["district_code_2025"] for x in old if x["district_code"] == code)
            add(
                f"{prefix}CN_{code}",
                name,
                "land_registry_branch",
                office,
                OLD_FROM,
                OLD_TO,
                f"{prefix}CN_{succ}",
                area=code,
                source=PROJECT,
            )
    return rows


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "geo")
