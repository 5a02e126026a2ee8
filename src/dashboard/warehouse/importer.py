"""Import of dossier exports (SPEC §2) as they come from one-stop systems and the national sync record.

The pipeline, one file at a time and in one transaction:
read (ingest/readers: CSV in any common encoding, any XLSX sheet, JSON, JSON Lines, gzip; the header found
below any title block) → columns (ingest/columns: national names, Vietnamese headers, a mapping file) → clean
cells (NFKC, control characters, long texts cut) → values (codes, words such as "Đã trả kết quả", dates) →
units (by code or by name, valid on the received date) → checks → quarantine / upsert → import log.

Every data row is loaded, quarantined with its file line, column and reason, or skipped (blank or summary
row) and counted; a final check inside the transaction holds rows read = loaded + quarantined + skipped.
Only structural problems refuse a file. A column absent from the file leaves its fact unknown (NULL); an
empty cell of a present column keeps the SPEC §2 meaning. Rows are upserted by MaHoSo; a row whose content
is already stored is left untouched, so importing a file twice changes nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard import config
from dashboard.i18n import reasons
from dashboard.warehouse import incremental, schema
from dashboard.warehouse.engine import bulk_insert, bump_data_version, next_id
from dashboard.warehouse.ingest import columns as C
from dashboard.warehouse.ingest import pipeline, readers
from dashboard.warehouse.ingest.mapping import Mapping
from dashboard.warehouse.ingest.names import fold
from dashboard.warehouse.ingest.pipeline import ImportFailed, log_refusal  # noqa: F401  (re-exported)
from dashboard.warehouse.ingest.readers import ImportRefused
from dashboard.warehouse.ingest.unitmatch import UnitIndex

REQUIRED_COLUMNS = C.REQUIRED
OPTIONAL_COLUMNS = C.OPTIONAL
KNOWN_COLUMNS = C.CANONICAL
DATE_COLUMNS = C.DATES

#: quarantine reasons: code → (Vietnamese, English) templates (the catalogues' [reasons.dossiers])
REASONS = reasons("dossiers")
_SUMMARY = re.compile(r"^(tongcong|tongso|tong|cong|total|sum)")
#: first letters a summary word can start with as written ("Tổng", "TỔNG", "cộng", "Σ" is not one): folding
#: every row's first cell cost a fifth of an import
_SUMMARY_FIRST = frozenset("tTcCsS")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class ImportResult:
    file: str
    rows: int = 0  # data rows read (below the header)
    loaded: int = 0  # new + updated + unchanged
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0  # rows, including superseded
    superseded: int = 0
    skipped_blank: int = 0
    skipped_summary: int = 0
    title_rows: int = 0
    refused: str | None = None
    status: str = "loaded"  # loaded, refused, failed, dry-run
    import_id: int | None = None
    format: str | None = None
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    header_line: int | None = None
    compressed: bool = False
    columns: dict[str, str] = dc_field(default_factory=dict)  # canonical → header in the file
    absent: list[str] = dc_field(default_factory=list)  # optional columns the file lacks (facts unknown)
    extra_columns: list[str] = dc_field(default_factory=list)
    units_by_name: dict[str, str] = dc_field(default_factory=dict)  # name in the file → code
    other_sheets: list[tuple[str, int]] = dc_field(default_factory=list)
    reasons: dict[str, int] = dc_field(default_factory=dict)  # reason code → rows
    cut_cells: int = 0
    problems: list[dict] = dc_field(default_factory=list)  # first quarantine entries, for display

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)

    @property
    def skipped(self) -> int:
        return self.skipped_blank + self.skipped_summary

    def details(self) -> dict:
        return dict(
            format=self.format,
            encoding=self.encoding,
            separator=self.separator,
            sheet=self.sheet,
            header_line=self.header_line,
            title_rows=self.title_rows,
            compressed=self.compressed,
            columns=self.columns,
            absent=self.absent,
            units_by_name=self.units_by_name,
            other_sheets=self.other_sheets,
            skipped_blank=self.skipped_blank,
            skipped_summary=self.skipped_summary,
            reasons=self.reasons,
            cut_cells=self.cut_cells,
        )


# ---- columns ------------------------------------------------------------------------------------


def _header_score(mapping: Mapping | None):
    mapped = {fold(h) for h in mapping.columns.values()} if mapping else set()

    def score(cells: list[str]) -> int:
        hits = set()
        for c in cells:
            if fold(c) in mapped:
                hits.add(("m", fold(c)))
            elif (canon := C.canonical(c)) is not None:
                hits.add(("c", canon))
        return len(hits)

    return score


def header_labels(header: list[str]) -> list[str]:
    """The header cells as labels: an empty cell is named by its position."""
    return [h if h else f"(cột {i + 1})" for i, h in enumerate(header)]


def resolve_columns(
    header: list[str], mapping: Mapping | None, name: str
) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """canonical → index in the row, and the extra columns (header, index) kept as they are."""
    names = header_labels(header)
    taken: dict[str, int] = {}
    if mapping:
        for canon, wanted in mapping.columns.items():
            hits = [i for i, h in enumerate(header) if h == wanted] or [
                i for i, h in enumerate(header) if fold(h) == fold(wanted)
            ]
            if not hits:
                raise ImportRefused(
                    f"{name}: tệp ánh xạ {mapping.file} gán {canon} = '{wanted}' nhưng tệp không có cột đó / mapping "
                    f"{mapping.file} maps {canon} to '{wanted}', which the file lacks (it has: {', '.join(names)})"
                )
            taken[canon] = hits[0]
        if mapping.units_by == "name" and "MaDonVi" in taken and C.UNIT_NAME not in taken:
            taken[C.UNIT_NAME] = taken.pop("MaDonVi")
    used = set(taken.values())
    found: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        if i in used:
            continue
        hit = C.canonical(h)
        if hit is not None and hit not in taken:
            found.setdefault(hit, []).append(i)
    for canon, idx in found.items():
        if len(idx) > 1:
            both = ", ".join(f"'{names[i]}'" for i in idx)
            raise ImportRefused(
                f"{name}: nhiều cột cùng là {canon} ({both}); chọn một bằng --mapping / several columns name "
                f"{canon} ({both}): choose one with --mapping"
            )
        taken[canon] = idx[0]
    if mapping and mapping.units_by == "code" and C.UNIT_NAME in taken and "MaDonVi" not in taken:
        taken["MaDonVi"] = taken.pop(C.UNIT_NAME)
    missing = [c for c in C.REQUIRED if c not in taken and not (c == "MaDonVi" and C.UNIT_NAME in taken)]
    if missing:
        hint = "; ".join(f"{c} ({', '.join(C.SYNONYMS.get(c, ())[:3])})" for c in missing)
        raise ImportRefused(f"{name}: thiếu cột bắt buộc {', '.join(missing)} / required column missing: {hint}")
    idx_used = set(taken.values())
    extra, seen = [], set()
    for i, h in enumerate(names):
        if i in idx_used:
            continue
        label = h
        k = 2
        while label in seen:
            label, k = f"{h} ({k})", k + 1
        seen.add(label)
        extra.append((label, i))
    return taken, extra


# ---- cells and values ---------------------------------------------------------------------------


def tidy(values: list[str], limit: int) -> tuple[list[str], list[bool]]:
    """NFKC (full-width digits and the like become plain), control characters to spaces, stripped, cut to
    `limit` characters. Returns the values and, per value, whether it was cut."""
    joined = "".join(values)
    if joined.isascii() and joined.isprintable():  # codes, dates, numbers: nothing to normalise
        out = [v.strip() for v in values]
        if max(map(len, out), default=0) <= limit:
            return out, [False] * len(out)
    # names and words repeat (a procedure, a unit, a status): each distinct value is cleaned once
    done: dict[str, tuple[str, bool]] = {}
    for v in dict.fromkeys(values):
        w = v if v.isascii() and v.isprintable() else _CONTROL.sub(" ", unicodedata.normalize("NFKC", v))
        w = w.replace("\xa0", " ").strip()
        done[v] = (w[:limit], True) if len(w) > limit else (w, False)
    pairs = [done[v] for v in values]
    return [w for w, _ in pairs], [c for _, c in pairs]


_INT = re.compile(r"[+-]?\d{1,9}(\.0+)?")
_AMOUNT = re.compile(r"\d{1,3}([.,\s]\d{3})+|\d{1,12}([.,]\d{1,2})?")


def coded(col: str, s: pd.Series, mapped: dict[str, str] | None) -> tuple[pd.Series, pd.Series]:
    """Codes of a coded column from numbers or words (and a mapping's [values]). Returns (values, bad); an
    empty cell takes the SPEC §2 default of a present column."""
    allowed = C.CODES[col]
    words = C.WORDS.get(col, {})
    folded_map = {fold(k): v for k, v in (mapped or {}).items()}

    def one(v: str):
        if v == "":
            return C.EMPTY_MEANS.get(col, pd.NA), False
        if mapped:
            v = mapped.get(v, folded_map.get(fold(v), v))
        if _INT.fullmatch(v):
            n = int(float(v))
            if n in allowed:
                return n, False
            if col == "CoPhiLePhi" and n > 0:  # a fee amount: the dossier carries a fee
                return 1, False
            return pd.NA, True
        k = fold(v)
        if k in words:
            return words[k], False
        if col == "CoPhiLePhi" and v[:1] == "[":  # the sync record's list of fees: any fee listed
            try:
                fees = json.loads(v)
            except ValueError:
                return pd.NA, True
            return (1 if fees else 0), False
        if col == "CoPhiLePhi" and _AMOUNT.fullmatch(v.replace("đ", "").replace("VNĐ", "").strip()):
            return (1 if any(ch in "123456789" for ch in v) else 0), False
        return pd.NA, True

    return _per_value(s, one)


def whole_numbers(s: pd.Series, low: int, high: int) -> tuple[pd.Series, pd.Series]:
    """Whole numbers within [low, high] ('' → NA). Returns (values, bad)."""

    def one(v: str):
        if v == "":
            return pd.NA, False
        if _INT.fullmatch(v) and low <= int(float(v)) <= high:
            return int(float(v)), False
        return pd.NA, True

    return _per_value(s, one)


def _per_value(s: pd.Series, one) -> tuple[pd.Series, pd.Series]:
    """(values as Int64, bad) from `one(cell) -> (value, bad)`, called once per distinct cell: a column holds
    few distinct codes, so this is a dictionary look-up per row."""
    table = {v: one(v) for v in s.unique()}
    vals = s.map({k: r[0] for k, r in table.items()}).astype("Int64")
    bad = s.map({k: r[1] for k, r in table.items()}).astype(bool)
    return vals, bad


_DMY_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse yyyyMMddHHmmss, ISO 8601 or dd/MM/yyyy[ HH:mm[:ss]] (also with - or . between the parts; local
    time). Returns (values, bad)."""
    s = s.astype(str).str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    empty = s == ""
    national = s.str.fullmatch(r"\d{14}")
    if national.any():
        out[national] = pd.to_datetime(s[national], format="%Y%m%d%H%M%S", errors="coerce")
    dmy = s.str.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?")
    if dmy.any():
        s_dmy = s[dmy].str.replace(r"^(\d{1,2})[.-](\d{1,2})[.-]", r"\1/\2/", regex=True)
        for fmt in _DMY_FORMATS:
            todo = out[dmy].isna()
            idx = todo[todo].index
            if len(idx):
                out[idx] = pd.to_datetime(s_dmy[idx], format=fmt, errors="coerce")
    iso = ~empty & ~national & ~dmy
    if iso.any():
        out[iso] = [_parse_iso(v) for v in s[iso]]
    bad = ~empty & out.isna()
    return out, bad


def _parse_iso(v: str):
    try:
        ts = pd.Timestamp(datetime.fromisoformat(v.replace("Z", "+00:00")))
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT
    if ts.tzinfo is not None:  # convert to Vietnam local time, which the warehouse stores
        ts = ts.tz_convert("Asia/Ho_Chi_Minh").tz_localize(None)
    return ts


# ---- the import ---------------------------------------------------------------------------------


@dataclass
class _Problems:
    """Per row, the (reason, field, value, extra) problems found; sparse: most rows have none, and a list per
    row cost 0,3 s of a 200 000-row import."""

    rows: defaultdict[int, list[tuple]] = dc_field(default_factory=lambda: defaultdict(list))

    def flag(self, mask, reason, fieldname, values=None, **extra):
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)).tolist():
            v = "" if values is None else values[i] if isinstance(values, list) else str(values.iloc[i])
            self.rows[i].append((reason, fieldname, v, extra))


def _reason_texts(reason: str, fieldname: str, value: str, extra: dict) -> tuple[str, str]:
    vi, en = REASONS[reason]
    args = dict(field=fieldname, value=value[:200], allowed=extra.get("allowed", ""), detail=extra.get("detail", ""))
    return vi.format(**args), en.format(**args)


def _none(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def import_file(
    conn: sa.Connection,
    path: Path,
    *,
    mapping: Mapping | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    max_problems: int = 20,
) -> ImportResult:
    """Import one file inside the caller's transaction. Raises ImportRefused for a refused file; with
    dry_run, nothing is written (the caller rolls back) and the result says what would happen."""
    path = Path(path)
    name = path.name
    started = datetime.now()
    result = ImportResult(file=str(path), status="dry-run" if dry_run else "loaded")
    table = readers.read(
        path,
        _header_score(mapping),
        sheet=sheet or (mapping.sheet if mapping else None),
        header_row=header_row or (mapping.header_row if mapping else None),
        encoding=encoding or (mapping.encoding if mapping else None),
    )
    for attr in ("format", "encoding", "separator", "sheet", "header_line", "title_rows", "compressed", "other_sheets"):
        setattr(result, attr, getattr(table, attr))
    cols, extras = resolve_columns(table.header, mapping, name)
    header_names = header_labels(table.header)
    result.columns = {c: header_names[i] for c, i in cols.items()}
    result.absent = [c for c in C.OPTIONAL if c not in cols]
    result.extra_columns = [h for h, _ in extras]
    width = len(table.header)

    # ---- classify rows: blank and summary rows are skipped and counted; ragged rows are quarantined
    kept_cells: list[list[str]] = []
    kept_lines: list[int] = []
    early: list[tuple[int, str, str, str]] = []  # (line, reason, value, raw) of rows quarantined unread
    proc_i = cols.get("MaTTHC")
    for line, cells in zip(table.lines, table.rows):
        first = next((c for c in cells if c.strip()), None)
        if first is None:
            result.skipped_blank += 1
            continue
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        elif len(cells) < width and table.format == "xlsx":  # a sheet row ends at its last filled cell
            cells = cells + [""] * (width - len(cells))
        # "Tổng cộng …" under the data: a summary word first and no procedure code
        if (
            first.lstrip()[:1] in _SUMMARY_FIRST
            and _SUMMARY.match(fold(first))
            and (proc_i is None or proc_i >= len(cells) or not cells[proc_i].strip() or cells[proc_i] == first)
        ):
            result.skipped_summary += 1
            continue
        if len(cells) != width:
            raw = json.dumps(cells, ensure_ascii=False)
            early.append((line, "ragged_row", f"{len(cells)}/{width}", raw))
            continue
        kept_cells.append(cells)
        kept_lines.append(line)
    for line, reason in table.bad_records:
        early.append((line, reason, "", ""))
    result.rows = len(table.rows) + len(table.bad_records)

    n = len(kept_cells)
    limit = config.TEXT_CELL_MAX
    raw_df = pd.DataFrame(kept_cells, columns=header_names, dtype=object) if n else pd.DataFrame(columns=header_names)
    # the frame holds the cells now: the row lists go (a list per row is ≈ 180 MB at 1 000 000 rows)
    del kept_cells
    table.rows = []
    df = pd.DataFrame(index=range(n))
    cut_any = np.zeros(n, dtype=bool)
    notes: defaultdict[int, list[str]] = defaultdict(list)  # sparse, as _Problems.rows
    extra_vals: dict[str, list[str]] = {}
    for label, i, is_extra in [(c, i, False) for c, i in cols.items()] + [(h, i, True) for h, i in extras]:
        vals, cut = tidy(raw_df.iloc[:, i].tolist(), limit) if n else ([], [])
        if is_extra:
            extra_vals[label] = vals
        else:
            df[label] = pd.Series(vals, dtype=object)
        for j in np.flatnonzero(cut).tolist():
            notes[j].append(f"{label}: {limit}")
        cut_any |= np.asarray(cut, dtype=bool)
    result.cut_cells = int(cut_any.sum())
    for c in (*C.CANONICAL, C.UNIT_NAME):
        if c not in df:
            df[c] = pd.Series([""] * n, dtype=object)

    problems = _Problems()
    required = [c for c in C.REQUIRED if c != "MaDonVi"]
    for c in required:
        problems.flag(df[c] == "", "missing_value", c)
    unit_col = "MaDonVi" if "MaDonVi" in cols else C.UNIT_NAME
    problems.flag(df[unit_col] == "", "missing_value", result.columns.get(unit_col, unit_col))

    parsed = pd.DataFrame(index=df.index)
    first_day, last_day = config.date_window()
    lo, hi = pd.Timestamp(first_day), pd.Timestamp(last_day) + pd.Timedelta(days=1)
    window = f"{first_day:%d/%m/%Y} – {last_day:%d/%m/%Y}"
    for c in C.DATES:
        vals, bad = parse_dates(df[c])
        problems.flag(bad, "bad_date", c, df[c])
        outside = vals.notna() & ((vals < lo) | (vals >= hi))
        problems.flag(outside, "date_out_of_window", c, df[c], allowed=window)
        parsed[c] = vals.where(~outside)
    mapped_values = mapping.values if mapping else {}
    status, bad_status = coded("TrangThaiHoSo", df["TrangThaiHoSo"], mapped_values.get("TrangThaiHoSo"))
    problems.flag(bad_status & (df["TrangThaiHoSo"] != ""), "bad_status", "TrangThaiHoSo", df["TrangThaiHoSo"])
    parsed["status"] = status
    needs_end = status.isin([7, 9, 10]).fillna(False) & parsed["NgayKetThucXuLy"].isna() & (df["NgayKetThucXuLy"] == "")
    problems.flag(needs_end, "missing_end_date", "NgayKetThucXuLy", status.astype(str))
    rec_d, end_d = parsed["NgayTiepNhan"].dt.normalize(), parsed["NgayKetThucXuLy"].dt.normalize()
    problems.flag((end_d < rec_d).fillna(False), "end_before_received", "NgayKetThucXuLy", df["NgayKetThucXuLy"])
    for c, target in C.TARGET.items():
        if c == "SoLanBoSung":
            continue
        if c not in cols:
            parsed[target] = pd.Series(pd.NA, index=df.index, dtype="Int64")  # absent column: unknown
            continue
        vals, wrong = coded(c, df[c], mapped_values.get(c))
        allowed = ", ".join(map(str, C.CODES[c]))
        problems.flag(wrong, "code_out_of_range", c, df[c], allowed=allowed)
        parsed[target] = vals.where(~wrong)
    sup, wrong = whole_numbers(df["SoLanBoSung"], 0, 10_000)
    problems.flag(wrong, "code_out_of_range", "SoLanBoSung", df["SoLanBoSung"], allowed="0, 1, 2, …")
    parsed["supplement_count"] = sup.where(~wrong)

    # ---- units: by code, or by name, valid on the received date
    index = UnitIndex(conn)
    if mapping and mapping.province and mapping.province not in index.by_code:
        raise ImportRefused(
            f"{name}: không có đơn vị mã {mapping.province} (--province) / no unit has the code {mapping.province}"
        )
    received_day = parsed["NgayTiepNhan"].dt.normalize()
    if unit_col == "MaDonVi":
        unit_codes = df["MaDonVi"]
        reasons_u, details = index.check_codes(unit_codes, received_day)
        label = "MaDonVi"
    else:
        unit_codes, reasons_u, details, by_name = index.resolve_names(
            df[C.UNIT_NAME], received_day, within=mapping.province if mapping else None
        )
        result.units_by_name = {k: v for k, v in zip(df[C.UNIT_NAME], unit_codes) if v and k in by_name}
        label = result.columns[C.UNIT_NAME]
    for row_i in np.flatnonzero(reasons_u.notna().to_numpy()).tolist():
        problems.rows[row_i].append(
            (reasons_u.iat[row_i], label, df[unit_col].iat[row_i], {"detail": details[row_i] or ""})
        )

    # field names → field codes where the field list knows them
    field_codes = df["MaLinhVuc"].replace("", None)
    if "MaLinhVuc" not in cols and "TenLinhVuc" in cols:
        known = {
            fold(nm): code for code, nm in conn.execute(sa.select(schema.field.c.code, schema.field.c.name)).all() if nm
        }
        field_codes = df["TenLinhVuc"].map(lambda v: known.get(fold(v)) if v else None)

    # ---- within one file the last row of a MaHoSo wins; earlier ones are superseded
    line_numbers = np.asarray(kept_lines, dtype=np.int64)
    codes = df["MaHoSo"]
    has_code = (codes != "").to_numpy()
    last_pos = pd.Series(np.arange(n)).groupby(codes.values).transform("max").to_numpy() if n else np.array([], int)
    superseded = has_code & (np.arange(n) != last_pos)
    for row_i in np.flatnonzero(superseded).tolist():
        problems.rows[row_i] = [("superseded", "MaHoSo", str(line_numbers[last_pos[row_i]]), {})]
    bad = np.zeros(n, dtype=bool)
    bad[[i for i, p in problems.rows.items() if p]] = True
    result.superseded = int(superseded.sum())
    result.quarantined = int(bad.sum()) + len(early)

    # ---- quarantine entries
    q_rows: list[dict[str, Any]] = []
    for line, reason, value, raw in early:
        vi, en = _reason_texts(reason, "", value, {})
        q_rows.append(
            dict(
                row_number=line,
                dossier_code=None,
                reason_code=reason,
                field=None,
                reason_vi=vi,
                reason_en=en,
                raw=raw or "{}",
            )
        )
    counts: Counter = Counter(reason for _, reason, _, _ in early)
    for row_i in np.flatnonzero(bad).tolist():
        raw = json.dumps(dict(zip(header_names, raw_df.iloc[row_i].tolist())), ensure_ascii=False)
        seen = set()
        for reason, fieldname, value, extra in problems.rows[row_i]:
            vi, en = _reason_texts(reason, fieldname, value, extra)
            seen.add(reason)
            q_rows.append(
                dict(
                    row_number=int(line_numbers[row_i]),
                    dossier_code=codes.iat[row_i][:100] or None,
                    reason_code=reason,
                    field=fieldname[:64],
                    reason_vi=vi,
                    reason_en=en,
                    raw=raw,
                )
            )
        counts.update(seen)
    q_rows.sort(key=lambda r: r["row_number"])
    result.reasons = dict(counts)
    result.problems = [dict(r, file_name=name) for r in q_rows[:max_problems]]

    good = ~bad
    g = df[good]
    p = parsed[good]
    rows = pd.DataFrame(
        {
            "code": g["MaHoSo"].str.slice(0, 100),
            "procedure_code": g["MaTTHC"].str.slice(0, 64),
            "procedure_name": g["TenTTHC"].str.slice(0, 500).replace("", None),  # the columns' lengths
            "field_code": field_codes[good],
            "field_name": g["TenLinhVuc"].str.slice(0, 300).replace("", None),
            "unit_code": unit_codes[good],
            "received_at": p["NgayTiepNhan"],
            "received_date": p["NgayTiepNhan"].dt.normalize(),  # a DATE column takes midnight as the day
            "due_at": p["NgayHenTra"],
            "due_date": p["NgayHenTra"].dt.normalize(),  # a DATE column takes midnight as the day
            "end_at": p["NgayKetThucXuLy"],
            "end_date": p["NgayKetThucXuLy"].dt.normalize(),  # a DATE column takes midnight as the day
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
    good_idx = np.flatnonzero(good)
    rows["extra"] = (
        [json.dumps({k: extra_vals[k][i] for k in extra_vals}, ensure_ascii=False) for i in good_idx]
        if extras
        else None
    )
    rows["row_hash"] = row_hashes(rows)
    rows["source_file"] = name[:500]
    rows["source_row"] = line_numbers[good]
    rows["notes"] = [("; ".join(notes[i]) if i in notes else None) for i in good_idx.tolist()]
    rows = rows.reset_index(drop=True)

    import_id = None if dry_run else next_id(conn, schema.import_log)
    result.import_id = import_id
    if import_id is not None and q_rows:
        pipeline.write_quarantine(conn, import_id, name, q_rows)
    rows["import_id"] = import_id

    # ---- upsert by code; rows with identical content stay as they are
    fresh = not dry_run and incremental.ready(conn)  # before the data version moves
    delta = None
    if len(rows):
        delta = _upsert(conn, rows, result, dry_run, fresh)
    result.loaded = len(rows)
    if result.rows != result.loaded + result.quarantined + result.skipped:
        raise ImportFailed(
            f"{result.rows} dòng đọc ≠ {result.loaded} nạp + {result.quarantined} cách ly + {result.skipped} bỏ qua / "
            f"{result.rows} rows read ≠ {result.loaded} loaded + {result.quarantined} quarantined + "
            f"{result.skipped} skipped"
        )
    if import_id is None:  # a dry run
        return result
    if result.changed:
        bump_data_version(conn)
        if delta is not None:
            delta.apply()
    pipeline.write_log(
        conn,
        import_id,
        path,
        "loaded",
        started_at=started,
        rows_total=result.rows,
        rows_new=result.new,
        rows_updated=result.updated,
        rows_unchanged=result.unchanged,
        rows_quarantined=result.quarantined,
        rows_superseded=result.superseded,
        rows_skipped=result.skipped,
        file_sha256=table.sha256,
        extra_columns=result.extra_columns,
        details=result.details(),
        message=None,
    )
    return result


# two keys: 128 bits, so two versions of one dossier never share a hash by chance
_HASH_KEYS = ("bdtc-row-hash-01", "bdtc-row-hash-02")


def row_hashes(rows: pd.DataFrame) -> list[str]:
    """A content hash per row (32 hex digits), to tell a re-imported dossier that did not change. pandas'
    vectorised hash, because a sha1 of each row's text cost a third of an import's time (3 s of 10 at
    200 000 rows). Warehouses from before this change hold 40-digit hashes: their dossiers count once as
    updated when a file names them again (same values, rewritten)."""
    a, b = (pd.util.hash_pandas_object(rows, index=False, hash_key=k).to_numpy().tolist() for k in _HASH_KEYS)
    return [f"{x:016x}{y:016x}" for x, y in zip(a, b)]


def _upsert(
    conn: sa.Connection, rows: pd.DataFrame, result: ImportResult, dry_run: bool, fresh: bool = False
) -> incremental.Delta | None:
    """Write the new and changed rows. With `fresh` (every derived table current) and a small change, returns
    the change (old and new versions) for the incremental refresh."""
    stage = sa.Table(
        f"import_stage_{datetime.now():%H%M%S%f}",
        sa.MetaData(),
        sa.Column("code", sa.String(100)),
        sa.Column("row_hash", sa.String(64)),
        prefixes=["TEMPORARY"],
    )
    stage.create(conn)
    bulk_insert(conn, stage, rows[["code", "row_hash"]])
    d = schema.dossier
    stored = dict(conn.execute(sa.select(d.c.code, d.c.row_hash).join(stage, stage.c.code == d.c.code)).all())
    is_stored = rows["code"].isin(stored.keys())
    same = is_stored & (rows["row_hash"] == rows["code"].map(stored))
    changed = is_stored & ~same
    result.new = int((~is_stored).sum())
    result.updated = int(changed.sum())
    result.unchanged = int(same.sum())
    delta = None
    if not dry_run:
        if fresh and 0 < result.new + result.updated <= incremental.MAX_CHANGED:
            delta = incremental.Delta(conn)
        replaced = sa.select(stage.c.code).where(stage.c.code == d.c.code, stage.c.row_hash != d.c.row_hash)
        if result.updated:
            if delta is not None:
                delta.take_old(
                    sa.select(stage.c.code).join(d, stage.c.code == d.c.code).where(stage.c.row_hash != d.c.row_hash)
                )
            conn.execute(d.delete().where(d.c.code.in_(replaced)))
        bulk_insert(conn, d, rows[~same])
        if delta is not None:
            delta.take_new(rows[~same])
        _add_catalogue(conn, rows[~same])
    # dropped in the transaction: on an error the rollback removes it, and nothing here masks that error
    stage.drop(conn)
    return delta


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
            frame = pd.DataFrame(
                {
                    "code": new[code_col],
                    "name": new[name_col].str.slice(0, getattr(table.c.name.type, "length", None) or 500),
                }
            )
            for target, src in extra.items():
                frame[target] = new[src]
            conn.execute(table.insert(), [{k: _none(v) for k, v in r.items()} for r in frame.to_dict("records")])


def _failed(path: Path, message: str, status: str) -> ImportResult:
    return ImportResult(file=str(path), refused=message, status=status)


def import_files(engine: sa.Engine, paths: list[Path], **options) -> list[ImportResult]:
    """Import each file in its own transaction; a refused or failing file leaves the warehouse unchanged and
    the other files are imported all the same. With dry_run=True nothing is written."""
    if options.get("dry_run"):
        results = []
        for path in paths:
            with engine.connect() as conn:
                trans = conn.begin()
                try:
                    results.append(import_file(conn, Path(path), **options))
                except (ImportRefused, ImportFailed) as exc:
                    results.append(_failed(Path(path), str(exc), "refused"))
                finally:
                    trans.rollback()
        return results
    return pipeline.run_files(
        engine, [Path(p) for p in paths], lambda conn, p: import_file(conn, p, **options), _failed
    )


def read_table(path: Path, known: tuple[str, ...]) -> tuple[pd.DataFrame, list[int]]:
    """A table whose header names some of `known` (case-insensitive), as strings, with each row's line:
    for importers with their own columns (the official 766 scores)."""
    keys = {fold(k) for k in known}
    table = readers.read(Path(path), lambda cells: sum(1 for c in cells if fold(c) in keys) * 3)
    width = len(table.header)
    rows, lines = [], []
    for line, cells in zip(table.lines, table.rows):
        if not any(c.strip() for c in cells):
            continue
        rows.append([c.strip() for c in (cells + [""] * width)[:width]])
        lines.append(line)
    return pd.DataFrame(rows, columns=table.header, dtype=str), lines
