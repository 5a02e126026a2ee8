"""The official unit list (SPEC §1) and the published index figures (SPEC §5), loaded from data/."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard import config
from dashboard.warehouse import schema
from dashboard.warehouse.engine import bulk_insert, reserve_ids

KINDS = ("province", "district", "commune", "department", "land_registry_branch", "other")


COLUMNS = ("code", "name", "kind", "parent_code", "valid_from", "valid_to", "successor_code", "area_code", "source")
OPTIONAL = ("successor_code", "area_code", "source")  # an absent one is empty in every row


def read_units_csv(path: Path = config.UNITS_CSV) -> pd.DataFrame:
    """A unit list (the format of data/units/*.csv, docs/units-format.md), checked: every problem is named
    with its file line and column, and any problem refuses the whole list (ValueError)."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
        raise ValueError(f"{path}: cannot read the unit list ({e})") from e
    missing = [c for c in COLUMNS if c not in df.columns and c not in OPTIONAL]
    if missing:
        raise ValueError(f"{path}: columns missing: {', '.join(missing)} (expected {', '.join(COLUMNS)})")
    for c in OPTIONAL:
        if c not in df.columns:
            df[c] = ""
    df = df.apply(lambda col: col.str.strip())
    problems = check_units(df)
    if problems:
        shown = "\n".join(f"  {path} {p}" for p in problems[:30])
        more = f"\n  … and {len(problems) - 30} more" if len(problems) > 30 else ""
        raise ValueError(f"{path}: {len(problems)} problem(s) in the unit list:\n{shown}{more}")
    return df


def check_units(df: pd.DataFrame) -> list[str]:
    """Problems of a unit list, each as 'line N [column]: what': kinds, dates, one version of a code at a
    time, parents and successors that exist when they are needed."""
    out: list[str] = []
    versions: dict[str, list[tuple[date, date, int]]] = {}
    parsed = []
    for i, r in enumerate(df.to_dict("records"), start=2):  # line 1 is the header
        where = f"line {i}"
        if not r["code"]:
            out.append(f"{where} [code]: empty")
            continue
        if r["kind"] not in KINDS:
            out.append(f"{where} [kind]: {r['kind']!r} is not one of {', '.join(KINDS)}")
        if not r["name"]:
            out.append(f"{where} [name]: empty")
        try:
            start = date.fromisoformat(r["valid_from"])
            end = date.fromisoformat(r["valid_to"]) if r["valid_to"] else date.max
        except ValueError:
            out.append(f"{where} [valid_from/valid_to]: not a date YYYY-MM-DD ({r['valid_from']!r}, {r['valid_to']!r})")
            continue
        if end < start:
            out.append(f"{where} [valid_to]: {r['valid_to']} is before valid_from {r['valid_from']}")
        if r["successor_code"] and not r["valid_to"]:
            out.append(f"{where} [successor_code]: a unit still valid has no successor")
        versions.setdefault(r["code"], []).append((start, end, i))
        parsed.append((i, r, start, end))

    def valid_on(code: str, day: date) -> bool:
        return any(a <= day <= b for a, b, _ in versions.get(code, []))

    for code, vs in versions.items():
        vs.sort()
        for (_, b1, l1), (a2, _, l2) in zip(vs, vs[1:]):
            if a2 <= b1:
                out.append(f"line {l2} [valid_from]: code {code} already has a version valid then (line {l1})")
    for i, r, start, end in parsed:
        if r["parent_code"] and not valid_on(r["parent_code"], start):
            out.append(f"line {i} [parent_code]: {r['parent_code']} has no version valid on {start.isoformat()}")
        if r["successor_code"] and end != date.max:
            after = end + timedelta(days=1)
            if not valid_on(r["successor_code"], after):
                out.append(
                    f"line {i} [successor_code]: {r['successor_code']} has no version valid on {after.isoformat()}"
                )
    return out


def load_units(conn: sa.Connection, path: Path = config.UNITS_CSV) -> int:
    """Replace the unit and crosswalk tables with the list in `path`."""
    df = read_units_csv(path)
    units = pd.DataFrame(
        {
            "code": df["code"],
            "valid_from": pd.to_datetime(df["valid_from"]).dt.date,
            "valid_to": [date.fromisoformat(v) if v else None for v in df["valid_to"]],
            "name": df["name"],
            "kind": df["kind"],
            "parent_code": df["parent_code"].replace("", None),
            "area_code": df["area_code"].replace("", None),
            "source": df["source"],
        }
    )
    succ = df[df["successor_code"] != ""]
    successors = pd.DataFrame(
        {
            "code": succ["code"],
            "successor_code": succ["successor_code"],
            "effective_date": [date.fromisoformat(v) + pd.Timedelta(days=1) for v in succ["valid_to"]],
        }
    )
    conn.execute(schema.unit.delete())
    conn.execute(schema.unit_successor.delete())
    # Rows go in as Python objects so every backend gets plain dates.
    conn.execute(schema.unit.insert(), units.astype(object).where(units.notna(), None).to_dict("records"))
    if len(successors):
        successors["effective_date"] = [d.date() if hasattr(d, "date") else d for d in successors["effective_date"]]
        conn.execute(schema.unit_successor.insert(), successors.to_dict("records"))
    return len(units)


def dossiers_without_unit(conn: sa.Connection) -> int:
    """Dossiers whose unit has no version valid on their received date."""
    d, u = schema.dossier, schema.unit
    valid = sa.exists().where(
        u.c.code == d.c.unit_code,
        u.c.valid_from <= d.c.received_date,
        sa.or_(u.c.valid_to.is_(None), u.c.valid_to >= d.c.received_date),
    )
    return int(conn.execute(sa.select(sa.func.count()).select_from(d).where(~valid)).scalar_one())


def published_frame(path: Path = config.PUBLISHED_CSV) -> pd.DataFrame:
    """The published index figures as the warehouse stores them (notes in both languages, empty = None)."""
    df = pd.read_csv(path, dtype={"area_code": str, "period": str}, keep_default_na=False)
    missing = df[df["source_url"].str.strip() == ""]
    if len(missing):
        raise ValueError(f"{path}: rows {list(missing.index + 2)} have no source_url")
    if "note_vi" in df.columns:  # bilingual notes in the one note column (i18n.note_text reads them)
        df["note"] = [
            json.dumps({"vi": vi, "en": en}, ensure_ascii=False) if (vi or en) else ""
            for vi, en in zip(df.pop("note_vi"), df["note"])
        ]
    df = df.replace("", None)
    for col in ("score", "max_score"):
        df[col] = pd.to_numeric(df[col])
    for col in ("rank", "rank_of"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    return df


def load_published(conn: sa.Connection, path: Path = config.PUBLISHED_CSV) -> int:
    """Replace the published index figures with the CSV in data/ (every row carries its source)."""
    df = published_frame(path)
    conn.execute(schema.published_index.delete())
    df.insert(0, "id", reserve_ids(conn, schema.published_index, len(df)))
    bulk_insert(conn, schema.published_index, df)
    return len(df)
