"""Mapping files (`import FILE --mapping MAP.toml`) for exports whose headers or words the built-in tables do
not know. Format and a worked example: docs/import-format.md."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.warehouse.ingest import columns
from dashboard.warehouse.ingest.readers import ImportRefused


@dataclass(frozen=True)
class Mapping:
    file: str
    columns: dict[str, str] = field(default_factory=dict)  # canonical → header in the file
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical → value in file → canonical value
    units_by: str | None = None  # "code" or "name"
    province: str | None = None  # the province whose system wrote the file: settles names several provinces use
    sheet: str | None = None
    header_row: int | None = None
    encoding: str | None = None


def load(path: Path) -> Mapping:
    path = Path(path)
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ImportRefused(f"{path}: không tìm thấy tệp ánh xạ / mapping file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ImportRefused(f"{name}: tệp ánh xạ không hợp lệ / invalid mapping file: {exc}") from exc
    known = set(columns.CANONICAL) | {columns.UNIT_NAME}

    def fail(msg_vi: str, msg_en: str) -> ImportRefused:
        return ImportRefused(f"{name}: {msg_vi} / {msg_en}")

    unknown_sections = set(data) - {"source", "columns", "values", "units"}
    if unknown_sections:
        s = ", ".join(sorted(unknown_sections))
        raise fail(f"mục không xác định [{s}]", f"unknown section [{s}] (known: source, columns, values, units)")
    src = data.get("source", {})
    header_row = src.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise fail("header_row phải là số nguyên ≥ 1", "header_row must be a whole number ≥ 1")
    cols = data.get("columns", {})
    for canon, header in cols.items():
        if canon not in known:
            raise fail(
                f"[columns] {canon} không phải tên cột chuẩn",
                f"[columns] {canon} is not a canonical column (known: {', '.join(sorted(known))})",
            )
        if not isinstance(header, str) or not header.strip():
            raise fail(f"[columns] {canon} phải là tên cột trong tệp", f"[columns] {canon} must name a header")
    values = data.get("values", {})
    for canon, table in values.items():
        if canon not in columns.CODES:
            raise fail(
                f"[values.{canon}] không phải cột mã",
                f"[values.{canon}] is not a coded column (coded: {', '.join(columns.CODES)})",
            )
        if not isinstance(table, dict):
            raise fail(f"[values.{canon}] phải là bảng", f"[values.{canon}] must be a table")
    units = data.get("units", {})
    unknown_keys = set(units) - {"by", "province"}
    if unknown_keys:
        k = ", ".join(sorted(unknown_keys))
        raise fail(f"[units] không biết {k}", f"[units] does not know {k} (known: by, province)")
    units_by = units.get("by")
    if units_by not in (None, "code", "name"):
        raise fail('[units] by phải là "code" hoặc "name"', '[units] by must be "code" or "name"')
    province = units.get("province")
    if province is not None and (not isinstance(province, str) or not province.strip()):
        raise fail("[units] province phải là mã tỉnh (chuỗi)", '[units] province must be a province code ("49")')
    return Mapping(
        file=name,
        columns={k: v.strip() for k, v in cols.items()},
        values={k: {str(a): str(b) for a, b in t.items()} for k, t in values.items()},
        units_by=units_by,
        province=province.strip() if province else None,
        sheet=src.get("sheet"),
        header_row=header_row,
        encoding=src.get("encoding"),
    )
