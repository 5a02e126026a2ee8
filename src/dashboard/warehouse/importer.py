"""Import of dossier exports (SPEC §2): CSV (UTF-8, with or without BOM) or the first sheet of an XLSX.

Every row lands in the warehouse or in quarantine with a reason in Vietnamese and English; a file with
a required column missing is refused whole. One file is one transaction. Rows are upserted by MaHoSo,
and a row whose content is already stored is left untouched, so importing a file twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.i18n import reasons
from dashboard.warehouse import schema
from dashboard.warehouse.engine import bulk_insert, bump_data_version, next_id, reserve_ids

REQUIRED_COLUMNS = ("MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "TrangThaiHoSo")
OPTIONAL_COLUMNS = (
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "KenhThucHien",
    "MucDo",
    "DuocThanhToanTrucTuyen",
    "CoPhiLePhi",
    "HoSoCoThanhPhanSoHoa",
    "CoPhieuXinLoi",
    "SoLanBoSung",
    "DanhGiaHaiLong",
)
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DATE_COLUMNS = ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra")
#: coded columns and the values they accept
CODES = {
    "KenhThucHien": (1, 2, 3),
    "MucDo": (2, 3, 4),
    "DuocThanhToanTrucTuyen": (0, 1, 2),
    "CoPhiLePhi": (0, 1),
    "HoSoCoThanhPhanSoHoa": (0, 1),
    "CoPhieuXinLoi": (0, 1),
    "DanhGiaHaiLong": (1, 2, 3, 4),
}
TARGET = {  # import column -> dossier column for coded values
    "KenhThucHien": "channel",
    "MucDo": "online_level",
    "DuocThanhToanTrucTuyen": "paid_online",
    "CoPhiLePhi": "has_fee",
    "HoSoCoThanhPhanSoHoa": "digitised",
    "CoPhieuXinLoi": "apology",
    "DanhGiaHaiLong": "rating",
    "SoLanBoSung": "supplement_count",
}

#: quarantine reasons: code → (Vietnamese, English) templates (the catalogues' [reasons.dossiers])
REASONS = reasons("dossiers")


class ImportRefused(Exception):
    """The whole file is refused (nothing from it is written to the warehouse)."""


@dataclass
class ImportResult:
    file: str
    rows: int = 0
    loaded: int = 0  # new + updated + unchanged
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0  # includes superseded
    superseded: int = 0
    refused: str | None = None
    import_id: int | None = None
    problems: list[dict] = dc_field(default_factory=list)  # first quarantine entries, for display

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


# ---- reading --------------------------------------------------------------------------------


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):  # date or time
        return v.isoformat()
    return str(v).strip()


def read_table(path: Path) -> pd.DataFrame:
    """The file's rows as strings ('' for empty), columns as in the header."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for broken files
            raise ImportRefused(f"{path.name}: không đọc được tệp XLSX / cannot read the XLSX file ({exc})") from exc
        try:
            rows = [[_cell_text(v) for v in r] for r in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
        while rows and not any(rows[-1]):
            rows.pop()
        if not rows:
            raise ImportRefused(f"{path.name}: tệp rỗng / the file is empty")
        header = rows[0]
        while header and header[-1] == "":
            header = header[:-1]
        width = len(header)
        body = [(r + [""] * width)[:width] for r in rows[1:]]
        return pd.DataFrame(body, columns=header, dtype=str)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{path.name}: tệp không phải UTF-8 (byte {exc.start}) / the file is not UTF-8 (byte {exc.start})"
        ) from exc
    if not text.strip():
        raise ImportRefused(f"{path.name}: tệp rỗng / the file is empty")
    first = text.splitlines()[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    return df.apply(lambda s: s.str.strip())


def map_columns(df: pd.DataFrame, file_name: str) -> tuple[pd.DataFrame, list[str]]:
    """Rename known columns (case-insensitive) to their canonical names; refuse on a missing one."""
    canon = {c.lower(): c for c in KNOWN_COLUMNS}
    rename, seen = {}, {}
    for col in df.columns:
        key = str(col).strip().lower()
        if key in canon:
            if canon[key] in seen:
                raise ImportRefused(
                    f"{file_name}: cột {canon[key]} xuất hiện hai lần / column {canon[key]} appears twice"
                )
            seen[canon[key]] = col
            rename[col] = canon[key]
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise ImportRefused(
            f"{file_name}: thiếu cột bắt buộc {', '.join(missing)} / required column missing: {', '.join(missing)}"
        )
    out = df.rename(columns=rename)
    extra = [c for c in out.columns if c not in KNOWN_COLUMNS]
    for c in OPTIONAL_COLUMNS:
        if c not in out.columns:
            out[c] = ""
    return out, extra


# ---- parsing --------------------------------------------------------------------------------

_DMY_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse yyyyMMddHHmmss, ISO 8601 or dd/MM/yyyy[ HH:mm[:ss]] (local time). Returns (values, bad)."""
    s = s.astype(str).str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    empty = s == ""
    national = s.str.fullmatch(r"\d{14}")
    if national.any():
        out[national] = pd.to_datetime(s[national], format="%Y%m%d%H%M%S", errors="coerce")
    dmy = s.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?")
    for fmt in _DMY_FORMATS:
        todo = dmy & out.isna()
        if todo.any():
            out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce")
    iso = ~empty & ~national & ~dmy
    if iso.any():
        out[iso] = [_parse_iso(v) for v in s[iso]]
    bad = ~empty & out.isna()
    return out, bad


def _parse_iso(v: str):
    try:
        ts = pd.Timestamp(datetime.fromisoformat(v.replace("Z", "+00:00")))
    except ValueError:
        return pd.NaT
    if ts.tzinfo is not None:  # convert to Vietnam local time, which the warehouse stores
        ts = ts.tz_convert("Asia/Ho_Chi_Minh").tz_localize(None)
    return ts


def _ints(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (''→ NA). Returns (values, bad) where bad marks non-empty non-integers."""
    s = s.astype(str).str.strip()
    ok = s.str.fullmatch(r"[+-]?\d+(\.0+)?")
    vals = pd.Series(pd.NA, index=s.index, dtype="Int64")
    if ok.any():
        vals[ok] = pd.to_numeric(s[ok]).astype("int64")
    return vals, (s != "") & ~ok


# ---- the import -----------------------------------------------------------------------------


def validate(df: pd.DataFrame, unit_codes: set[str]) -> tuple[pd.DataFrame, list[list[tuple]]]:
    """Parse and check every row. Returns the parsed frame and, per row, a list of (reason, field, value)."""
    n = len(df)
    problems: list[list[tuple]] = [[] for _ in range(n)]

    def flag(mask, reason, fieldname, values=None, **extra):
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            problems[i].append((reason, fieldname, "" if values is None else str(values.iloc[i]), extra))

    for c in REQUIRED_COLUMNS:
        flag(df[c] == "", "missing_value", c)
    parsed = pd.DataFrame(index=df.index)
    for c in DATE_COLUMNS:
        parsed[c], bad = parse_dates(df[c])
        flag(bad, "bad_date", c, df[c])
    status, bad_status = _ints(df["TrangThaiHoSo"])
    out_of_range = bad_status | (status.notna() & ~status.isin(range(1, 11))).fillna(False)
    flag(out_of_range & (df["TrangThaiHoSo"] != ""), "bad_status", "TrangThaiHoSo", df["TrangThaiHoSo"])
    status = status.where(~out_of_range)
    parsed["status"] = status
    needs_end = status.isin([7, 9, 10]).fillna(False) & (df["NgayKetThucXuLy"] == "")
    flag(needs_end, "missing_end_date", "NgayKetThucXuLy", status)
    rec_d, end_d = parsed["NgayTiepNhan"].dt.normalize(), parsed["NgayKetThucXuLy"].dt.normalize()
    flag((end_d < rec_d).fillna(False), "end_before_received", "NgayKetThucXuLy", df["NgayKetThucXuLy"])
    flag((df["MaDonVi"] != "") & ~df["MaDonVi"].isin(unit_codes), "unknown_unit", "MaDonVi", df["MaDonVi"])
    for c, allowed in CODES.items():
        vals, bad = _ints(df[c])
        wrong = bad | (vals.notna() & ~vals.isin(allowed)).fillna(False)
        flag(wrong, "code_out_of_range", c, df[c], allowed=", ".join(map(str, allowed)))
        parsed[TARGET[c]] = vals.where(~wrong)
    sup, bad = _ints(df["SoLanBoSung"])
    wrong = bad | (sup < 0).fillna(False)
    flag(wrong, "code_out_of_range", "SoLanBoSung", df["SoLanBoSung"], allowed="0, 1, 2, …")
    parsed["supplement_count"] = sup.where(~wrong)
    return parsed, problems


def _reason_texts(reason: str, fieldname: str, value: str, extra: dict) -> tuple[str, str]:
    vi, en = REASONS[reason]
    args = dict(field=fieldname, value=value, allowed=extra.get("allowed", ""))
    return vi.format(**args), en.format(**args)


def _none(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def import_file(conn: sa.Connection, path: Path, *, max_problems: int = 20) -> ImportResult:
    """Import one file inside the caller's transaction. Raises ImportRefused for a refused file."""
    path = Path(path)
    name = path.name
    result = ImportResult(file=str(path))
    if not path.exists():
        raise ImportRefused(f"{path}: không tìm thấy tệp / file not found")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    df, extra_cols = map_columns(read_table(path), name)
    df = df.reset_index(drop=True)
    n = result.rows = len(df)
    started = datetime.now()
    import_id = next_id(conn, schema.import_log)
    result.import_id = import_id

    unit_codes = set(conn.execute(sa.select(schema.unit.c.code).distinct()).scalars())
    parsed, problems = validate(df, unit_codes)
    row_numbers = np.arange(n) + 2  # header is row 1

    # within one file the last row of a MaHoSo wins; earlier ones are superseded
    codes = df["MaHoSo"]
    has_code = codes != ""
    last_pos = pd.Series(np.arange(n)).groupby(codes.values).transform("max").values
    superseded = has_code.values & (np.arange(n) != last_pos)
    for i in np.flatnonzero(superseded):
        problems[i] = [("superseded", "MaHoSo", str(row_numbers[last_pos[i]]), {})]
    bad = np.array([bool(p) for p in problems])
    result.superseded = int(superseded.sum())
    result.quarantined = int(bad.sum())

    # quarantine entries (an identical entry from an earlier import of the same rows is not repeated)
    q_rows = []
    raw_cols = list(df.columns)
    for i in np.flatnonzero(bad):
        raw = json.dumps({c: df.at[i, c] for c in raw_cols}, ensure_ascii=False)
        for reason, fieldname, value, extra in problems[i]:
            vi, en = _reason_texts(reason, fieldname, value, extra)
            q_rows.append(
                dict(
                    import_id=import_id,
                    file_name=name,
                    row_number=int(row_numbers[i]),
                    dossier_code=codes.iat[i] or None,
                    reason_code=reason,
                    field=fieldname,
                    reason_vi=vi,
                    reason_en=en,
                    raw=raw,
                )
            )
    result.problems = q_rows[:max_problems]
    if q_rows:
        q = pd.DataFrame(q_rows)
        existing = pd.DataFrame(
            conn.execute(
                sa.select(
                    schema.quarantine.c.row_number,
                    schema.quarantine.c.reason_code,
                    schema.quarantine.c.field,
                    schema.quarantine.c.raw,
                ).where(schema.quarantine.c.file_name == name)
            ).all(),
            columns=["row_number", "reason_code", "field", "raw"],
        )
        if len(existing):
            key = ["row_number", "reason_code", "field", "raw"]
            q = q.merge(existing.drop_duplicates(), on=key, how="left", indicator=True)
            q = q[q["_merge"] == "left_only"].drop(columns="_merge")
        if len(q):
            q.insert(0, "id", reserve_ids(conn, schema.quarantine, len(q)))
            bulk_insert(conn, schema.quarantine, q)

    good = ~bad
    g = df[good]
    p = parsed[good]
    rows = pd.DataFrame(
        {
            "code": g["MaHoSo"],
            "procedure_code": g["MaTTHC"],
            "procedure_name": g["TenTTHC"].replace("", None),
            "field_code": g["MaLinhVuc"].replace("", None),
            "field_name": g["TenLinhVuc"].replace("", None),
            "unit_code": g["MaDonVi"],
            "received_at": p["NgayTiepNhan"],
            "received_date": p["NgayTiepNhan"].dt.date,
            "due_at": p["NgayHenTra"],
            "due_date": p["NgayHenTra"].dt.date,
            "end_at": p["NgayKetThucXuLy"],
            "end_date": p["NgayKetThucXuLy"].dt.date,
            "returned_at": p["NgayTra"],
            "status": p["status"],
        }
    )
    for col in (
        "channel",
        "online_level",
        "paid_online",
        "has_fee",
        "digitised",
        "apology",
        "supplement_count",
        "rating",
    ):
        rows[col] = p[col]
    rows["extra"] = (
        [
            json.dumps({c: v for c, v in zip(extra_cols, vals)}, ensure_ascii=False)
            for vals in g[extra_cols].itertuples(index=False, name=None)
        ]
        if extra_cols
        else None
    )
    rows["row_hash"] = [
        hashlib.sha1("\x1f".join(map(str, vals)).encode()).hexdigest()
        for vals in rows.itertuples(index=False, name=None)
    ]
    rows["source_file"] = name
    rows["source_row"] = row_numbers[good]
    rows["import_id"] = import_id
    rows = rows.reset_index(drop=True)

    # upsert by code; rows with identical content stay as they are
    if len(rows):
        stage = sa.Table(
            f"import_stage_{import_id}",
            sa.MetaData(),
            sa.Column("code", sa.String(100)),
            sa.Column("row_hash", sa.String(64)),
            prefixes=["TEMPORARY"],
        )
        stage.create(conn)
        try:
            bulk_insert(conn, stage, rows[["code", "row_hash"]])
            d = schema.dossier
            stored = dict(conn.execute(sa.select(d.c.code, d.c.row_hash).join(stage, stage.c.code == d.c.code)).all())
            is_stored = rows["code"].isin(stored.keys())
            same = is_stored & (rows["row_hash"] == rows["code"].map(stored))
            changed = is_stored & ~same
            result.new = int((~is_stored).sum())
            result.updated = int(changed.sum())
            result.unchanged = int(same.sum())
            if result.updated:
                conn.execute(
                    d.delete().where(
                        d.c.code.in_(
                            sa.select(stage.c.code).where(stage.c.code == d.c.code, stage.c.row_hash != d.c.row_hash)
                        )
                    )
                )
            bulk_insert(conn, d, rows[~same])
        finally:
            stage.drop(conn)
        _add_catalogue(conn, rows[~same])
    result.loaded = len(rows)
    if result.changed:
        bump_data_version(conn)
    conn.execute(
        schema.import_log.insert().values(
            id=import_id,
            file_name=name,
            file_sha256=digest,
            started_at=started,
            finished_at=datetime.now(),
            status="loaded",
            rows_total=n,
            rows_new=result.new,
            rows_updated=result.updated,
            rows_unchanged=result.unchanged,
            rows_quarantined=result.quarantined,
            rows_superseded=result.superseded,
            extra_columns=json.dumps(extra_cols, ensure_ascii=False),
            message=None,
        )
    )
    return result


def _add_catalogue(conn: sa.Connection, rows: pd.DataFrame) -> None:
    """Add procedures and fields seen for the first time (names as recorded)."""
    for table, code_col, name_col, extra in (
        (schema.field, "field_code", "field_name", {}),
        (schema.procedure, "procedure_code", "procedure_name", {"field_code": "field_code"}),
    ):
        seen = rows[rows[code_col].notna()].drop_duplicates(code_col, keep="last")
        if seen.empty:
            continue
        known = set(conn.execute(sa.select(table.c.code)).scalars())
        new = seen[~seen[code_col].isin(known)]
        if len(new):
            frame = pd.DataFrame({"code": new[code_col], "name": new[name_col]})
            for target, src in extra.items():
                frame[target] = new[src]
            conn.execute(table.insert(), [{k: _none(v) for k, v in r.items()} for r in frame.to_dict("records")])


def log_refusal(conn: sa.Connection, path: Path, message: str) -> None:
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    now = datetime.now()
    conn.execute(
        schema.import_log.insert().values(
            id=next_id(conn, schema.import_log),
            file_name=path.name,
            file_sha256=digest,
            started_at=now,
            finished_at=now,
            status="refused",
            rows_total=None,
            message=message,
        )
    )


def import_files(engine: sa.Engine, paths: list[Path]) -> list[ImportResult]:
    """Import each file in its own transaction; a refused file leaves the warehouse unchanged."""
    results = []
    for path in paths:
        try:
            with engine.begin() as conn:
                results.append(import_file(conn, Path(path)))
        except ImportRefused as exc:
            with engine.begin() as conn:
                log_refusal(conn, Path(path), str(exc))
            results.append(ImportResult(file=str(path), refused=str(exc)))
    return results
