"""The official unit list (SPEC §1) and the published index figures (SPEC §5), loaded from data/."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard import config
from dashboard.warehouse import schema
from dashboard.warehouse.engine import bulk_insert, reserve_ids

KINDS = ("province", "district", "commune", "department", "land_registry_branch", "other")


def read_units_csv(path: Path = config.UNITS_CSV) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = sorted(set(df["kind"]) - set(KINDS))
    if bad:
        raise ValueError(f"{path}: unknown unit kinds {bad}")
    return df


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
