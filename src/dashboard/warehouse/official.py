"""Import of official 766 scores (CSV or XLSX: unit, period, group, score, max_score).

Same guarantees as the dossier import: one file is one transaction; every row lands in the table or in
quarantine with its file, row, field and a reason in Vietnamese and English; a missing column refuses
the whole file; within a file the last row of a (unit, period, group) wins and earlier ones are
quarantined as superseded; importing the same file twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard.fmt import strip_diacritics
from dashboard.i18n import reasons
from dashboard.metrics import periods
from dashboard.metrics.scorecard import GROUPS
from dashboard.warehouse import schema
from dashboard.warehouse.engine import frame, next_id
from dashboard.warehouse.importer import ImportRefused, read_table
from dashboard.warehouse.ingest import pipeline
from dashboard.warehouse.scope import ALL_TIME, within

COLUMNS = ("unit", "period", "group", "score", "max_score")
GROUP_KEYS = (*[g for g, _ in GROUPS], "total")
#: Vietnamese (and English) names of the groups as the portal prints them, folded for matching.
GROUP_NAMES = {
    "publicity": ("cong khai minh bach", "cong khai, minh bach", "publicity", "transparency"),
    "progress": ("tien do giai quyet", "tien do, ket qua giai quyet", "progress"),
    "online": ("dvc truc tuyen", "dich vu cong truc tuyen", "online services", "online"),
    "payment": ("thanh toan truc tuyen", "online payment", "payment"),
    "digitisation": ("so hoa ho so", "so hoa", "digitisation", "digitization"),
    "satisfaction": ("muc do hai long", "hai long", "satisfaction"),
    "total": ("tong", "tong diem", "total"),
}

#: quarantine reasons: code → (Vietnamese, English) templates (the catalogues' [reasons.scores])
REASONS = reasons("scores")


def _fold(text: str) -> str:
    return " ".join(strip_diacritics(text.lower()).split())


_GROUP_LOOKUP = {_fold(n): key for key, names in GROUP_NAMES.items() for n in (key, *names)}


def group_key(text: str) -> str | None:
    return _GROUP_LOOKUP.get(_fold(text))


def _number(text: str) -> float | None:
    """12.5, 12,5 (vi-VN decimal comma) → 12.5; anything else None."""
    t = text.strip().replace(" ", "")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        v = float(t)
    except ValueError:
        return None
    return v if v == v and abs(v) != float("inf") else None


@dataclass
class OfficialResult:
    file: str
    rows: int = 0
    loaded: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    superseded: int = 0
    problems: list[dict] = dc_field(default_factory=list)
    refused: str | None = None  # the message of a refused or failed file (nothing of it imported)


def import_files(engine: sa.Engine, paths: list[Path], cutoff: int) -> list[OfficialResult]:
    """Each file in its own transaction through the shared pipeline: a refused file is logged and reported,
    and the next one is tried all the same."""
    return pipeline.run_files(
        engine,
        paths,
        lambda conn, path: import_scores(conn, path, cutoff),
        lambda path, message, status: OfficialResult(file=str(path), refused=message),
    )


def import_scores(conn: sa.Connection, path: Path, cutoff: int) -> OfficialResult:
    """Import one file of official scores inside the caller's transaction (ImportRefused: nothing written)."""
    path = Path(path)
    started = datetime.now()
    if not path.exists():
        raise ImportRefused(f"{path}: không tìm thấy tệp / file not found")
    name = path.name
    raw, lines = read_table(path, COLUMNS)
    canon = {str(c).strip().lower(): c for c in raw.columns}
    missing = [c for c in COLUMNS if c not in canon]
    if missing:
        raise ImportRefused(
            f"{name}: thiếu cột bắt buộc / required column missing: {', '.join(missing)} "
            f"(cần / expected: {', '.join(COLUMNS)})"
        )
    df = pd.DataFrame({c: raw[canon[c]].astype(str).str.strip() for c in COLUMNS})
    result = OfficialResult(file=str(path), rows=len(df))
    import_id = next_id(conn, schema.import_log)
    units = set(conn.execute(sa.select(schema.unit.c.code).distinct()).scalars())

    good, bad = [], []
    for i, r in enumerate(df.to_dict("records")):
        row_no = lines[i]  # the row's line in the file (sheet row in an XLSX)

        def fail(reason, fieldname, value, row_no=row_no, r=r, **extra):
            vi, en = REASONS[reason]
            fmt = dict(field=fieldname, value=value, **extra)
            bad.append(
                dict(
                    row_number=row_no,
                    reason_code=reason,
                    field=fieldname,
                    reason_vi=vi.format(**fmt),
                    reason_en=en.format(**fmt),
                    raw=json.dumps(r, ensure_ascii=False),
                    dossier_code=f"{r['unit']}|{r['period']}|{r['group']}",
                )
            )

        empty = [c for c in COLUMNS if not r[c]]
        if empty:
            fail("required", empty[0], "")
            continue
        if r["unit"] not in units:
            fail("unknown_unit", "unit", r["unit"])
            continue
        try:
            period_key = periods.parse(r["period"], cutoff).key
        except ValueError:
            fail("bad_period", "period", r["period"])
            continue
        g = group_key(r["group"])
        if g is None:
            fail("unknown_group", "group", r["group"], allowed=", ".join(GROUP_KEYS))
            continue
        score, top = _number(r["score"]), _number(r["max_score"])
        if score is None:
            fail("bad_number", "score", r["score"])
            continue
        if top is None or top <= 0:
            fail("bad_number", "max_score", r["max_score"])
            continue
        if not 0 <= score <= top:
            fail("out_of_range", "score", r["score"])
            continue
        good.append(
            dict(
                unit_code=r["unit"],
                period_key=period_key,
                group_key=g,
                score=score,
                max_score=top,
                source_file=name,
                source_row=row_no,
                import_id=import_id,
            )
        )

    # the last row of a (unit, period, group) wins
    last: dict[tuple, dict] = {}
    for g in good:
        key = (g["unit_code"], g["period_key"], g["group_key"])
        if key in last:
            prev = last[key]
            vi, en = REASONS["superseded"]
            bad.append(
                dict(
                    row_number=prev["source_row"],
                    reason_code="superseded",
                    field="group",
                    reason_vi=vi.format(value=g["source_row"]),
                    reason_en=en.format(value=g["source_row"]),
                    raw=json.dumps(df.iloc[prev["source_row"] - 2].to_dict(), ensure_ascii=False),
                    dossier_code="|".join(key),
                )
            )
        last[key] = g

    o = schema.official_score
    for key, g in last.items():
        cond = sa.and_(o.c.unit_code == key[0], o.c.period_key == key[1], o.c.group_key == key[2])
        old = conn.execute(sa.select(o.c.score, o.c.max_score).where(cond)).first()
        if old is None:
            conn.execute(o.insert().values(**g))
            result.new += 1
        elif (old.score, old.max_score) != (g["score"], g["max_score"]):
            conn.execute(o.update().where(cond).values(**g))
            result.updated += 1
        else:
            result.unchanged += 1
    result.loaded = len(last)
    result.superseded = sum(1 for b in bad if b["reason_code"] == "superseded")
    result.quarantined = len(bad)

    # the quarantine and the import log as the dossier import writes them (ingest/pipeline)
    result.problems = sorted(bad, key=lambda b: b["row_number"])
    pipeline.write_quarantine(conn, import_id, name, result.problems)
    pipeline.write_log(
        conn,
        import_id,
        path,
        "loaded",
        started_at=started,
        rows_total=len(df),
        rows_new=result.new,
        rows_updated=result.updated,
        rows_unchanged=result.unchanged,
        rows_quarantined=result.quarantined,
        rows_superseded=result.superseded,
        extra_columns=[],
        message="official 766 scores",
    )
    return result


def scores(conn: sa.Connection, unit_code: str, period_key: str, root: str | None = None) -> pd.DataFrame:
    """The imported official scores of one unit and period (empty when none, when the unit is not under
    `root`, or in a warehouse built before the table existed)."""
    cols = ["group_key", "score", "max_score", "source_file", "source_row"]
    if not sa.inspect(conn).has_table("official_score"):
        return pd.DataFrame(columns=cols)
    o = schema.official_score
    rows = conn.execute(
        sa.select(*[o.c[c] for c in cols]).where(
            o.c.unit_code == unit_code, o.c.period_key == period_key, *within(o.c.unit_code, root, *ALL_TIME)
        )
    ).all()
    return frame(rows, cols)
