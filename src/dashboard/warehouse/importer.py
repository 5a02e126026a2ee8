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

import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dashboard import config
from dashboard.i18n import reasons
from dashboard.warehouse import incremental, rollups, schema
from dashboard.warehouse.engine import bulk_source, bump_data_version, next_id
from dashboard.warehouse.ingest import cells, pipeline, readers
from dashboard.warehouse.ingest import columns as C
from dashboard.warehouse.ingest.cells import coded, parse_dates, tidy, whole_numbers  # noqa: F401  (re-exported)
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


# ---- the import ---------------------------------------------------------------------------------


@dataclass
class _Problems:
    """Per row, the (reason, field, value, extra) problems found; sparse: most rows have none, and a list per
    row cost 0,3 s of a 200 000-row import."""

    rows: defaultdict[int, list[tuple]] = dc_field(default_factory=lambda: defaultdict(list))

    def flag(self, where, reason, fieldname, values=None, **extra):
        for i in np.flatnonzero(np.asarray(where, dtype=bool)).tolist():
            self.add(i, reason, fieldname, _cell(values, i), **extra)

    def add(self, i: int, reason: str, fieldname: str, value: str = "", **extra):
        self.rows[i].append((reason, fieldname, value, extra))


def _cell(values, i: int) -> str:
    if values is None:
        return ""
    v = values[i].as_py() if isinstance(values, (pa.ChunkedArray, pa.Array)) else values[i]
    return "" if v is None else str(v)


def _reason_texts(reason: str, fieldname: str, value: str, extra: dict) -> tuple[str, str]:
    vi, en = REASONS[reason]
    args = dict(field=fieldname, value=value[:200], allowed=extra.get("allowed", ""), detail=extra.get("detail", ""))
    return vi.format(**args), en.format(**args)


def _none(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _summary(first: str | None) -> bool:
    """A "Tổng cộng …" cell: a summary word first."""
    return first is not None and first.lstrip()[:1] in _SUMMARY_FIRST and bool(_SUMMARY.match(fold(first)))


def _null_if_empty(col: pa.ChunkedArray) -> pa.ChunkedArray:
    if len(col) and pc.max(pc.binary_length(col)).as_py() == 0:  # an absent column: no cell to keep
        return pa.chunked_array([pa.nulls(len(col), pa.string())])
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


def _strings(n: int, value: str = "") -> pa.ChunkedArray:
    return pa.chunked_array([pa.repeat(pa.scalar(value, pa.string()), n)])


def _take(col: pa.ChunkedArray, rows: pa.Array | None) -> pa.ChunkedArray:
    """The column at `rows` (None: every row, as it is)."""
    return col if rows is None else col.take(rows)


def _skipped_rows(table: readers.Table, tidied: list[pa.ChunkedArray], proc_i: int | None) -> tuple[np.ndarray, int]:
    """Blank and summary rows among the data rows: (mask of the rows skipped, how many were summaries)."""
    n = table.n
    blank = np.ones(n, dtype=bool)
    for col in tidied:
        blank &= cells.is_empty(col)
    summary = np.zeros(n, dtype=bool)
    starts = pa.array(sorted(_SUMMARY_FIRST))

    def may_start(col: pa.ChunkedArray) -> np.ndarray:
        return cells.mask(pc.is_in(pc.utf8_slice_codeunits(col, 0, 1), starts))

    # "Tổng cộng …" under the data: a summary word first and no procedure code (or the word again)
    rows = np.arange(n)
    if proc_i is not None:
        proc = tidied[proc_i]
        rows = np.flatnonzero(cells.is_empty(proc) | may_start(proc))
        if not len(rows):
            return blank, 0
    sub = [c.take(pa.array(rows)) for c in tidied] if len(rows) < n else tidied
    first = pc.coalesce(*[_null_if_empty(c) for c in sub]) if sub else _strings(len(rows))
    maybe = may_start(first)
    if proc_i is not None:
        maybe &= cells.mask(pc.or_(pc.equal(sub[proc_i], ""), pc.equal(sub[proc_i], first)))
    for i in np.flatnonzero(maybe).tolist():
        summary[rows[i]] = _summary(first[i].as_py())
    return blank | summary, int((summary & ~blank).sum())


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
    result.rows = table.records
    result.skipped_blank = table.blank_lines
    limit = config.TEXT_CELL_MAX
    proc_i = cols.get("MaTTHC")

    # ---- every cell tidied, a column at a time; then blank and summary rows skipped and counted
    label_of = {i: c for c, i in cols.items()} | {i: h for h, i in extras}
    tidied: list[pa.ChunkedArray] = []
    cut_masks: list[np.ndarray] = []
    for i in range(width):
        vals, cut = cells.tidy(table.columns[i], limit)
        tidied.append(vals)
        cut_masks.append(cut)
    skip, summaries = _skipped_rows(table, tidied, proc_i)
    result.skipped_summary += summaries
    result.skipped_blank += int(skip.sum()) - summaries

    # rows of another width: blank, a summary, or ragged (quarantined unread)
    early: list[tuple[int, str, str, str]] = []  # (line, reason, value, raw) of rows quarantined unread
    for line, row_cells in table.odd_rows:
        first = next((c for c in row_cells if c.strip()), None)
        if first is None:
            result.skipped_blank += 1
        elif _summary(first) and (
            proc_i is None or proc_i >= len(row_cells) or not row_cells[proc_i].strip() or row_cells[proc_i] == first
        ):
            result.skipped_summary += 1
        else:
            early.append((line, "ragged_row", f"{len(row_cells)}/{width}", json.dumps(row_cells, ensure_ascii=False)))
    for line, reason in table.bad_records:
        early.append((line, reason, "", ""))

    kept = np.flatnonzero(~skip)
    n = len(kept)
    if n != table.n:
        take = pa.array(kept)
        tidied = [c.take(take) for c in tidied]
        raw_cols = [c.take(take) for c in table.columns]
        cut_masks = [m[kept] for m in cut_masks]
    else:
        raw_cols = table.columns
    line_numbers = table.lines[kept]
    table.columns = []  # the raw cells are in raw_cols now
    notes: defaultdict[int, list[str]] = defaultdict(list)  # sparse, as _Problems.rows
    cut_any = np.zeros(n, dtype=bool)
    for i, cut in enumerate(cut_masks):
        for j in np.flatnonzero(cut).tolist():
            notes[j].append(f"{label_of[i]}: {limit}")
        cut_any |= cut
    result.cut_cells = int(cut_any.sum())
    col = {c: tidied[i] for c, i in cols.items()}
    for c in (*C.CANONICAL, C.UNIT_NAME):
        col.setdefault(c, _strings(n))
    empty = {c: cells.is_empty(v) for c, v in col.items()}

    problems = _Problems()
    for c in C.REQUIRED:
        if c != "MaDonVi":
            problems.flag(empty[c], "missing_value", c)
    unit_col = "MaDonVi" if "MaDonVi" in cols else C.UNIT_NAME
    problems.flag(empty[unit_col], "missing_value", result.columns.get(unit_col, unit_col))

    parsed: dict[str, pa.ChunkedArray] = {}
    first_day, last_day = config.date_window()
    lo, hi = (
        pa.scalar(datetime.combine(first_day, time()), pa.timestamp("us")),
        pa.scalar(datetime.combine(last_day + timedelta(days=1), time()), pa.timestamp("us")),
    )
    window = f"{first_day:%d/%m/%Y} – {last_day:%d/%m/%Y}"
    with cells.duck() as con:
        for c in C.DATES:
            vals, bad = cells.parse_dates(col[c], con)
            problems.flag(bad, "bad_date", c, col[c])
            outside = cells.mask(pc.or_(pc.less(vals, lo), pc.greater_equal(vals, hi)))
            problems.flag(outside, "date_out_of_window", c, col[c], allowed=window)
            parsed[c] = pc.if_else(pa.array(outside), pa.scalar(None, pa.timestamp("us")), vals)
        mapped_values = mapping.values if mapping else {}
        status, bad_status = cells.coded("TrangThaiHoSo", col["TrangThaiHoSo"], mapped_values.get("TrangThaiHoSo"))
        problems.flag(bad_status & ~empty["TrangThaiHoSo"], "bad_status", "TrangThaiHoSo", col["TrangThaiHoSo"])
        needs_end = (
            cells.mask(pc.is_in(status, pa.array([7, 9, 10], pa.int64())))
            & cells.mask(pc.is_null(parsed["NgayKetThucXuLy"]))
            & empty["NgayKetThucXuLy"]
        )
        problems.flag(needs_end, "missing_end_date", "NgayKetThucXuLy", status)
        day = {c: pc.cast(parsed[c], pa.date32(), safe=False) for c in ("NgayTiepNhan", "NgayKetThucXuLy")}
        ends_early = cells.mask(pc.less(day["NgayKetThucXuLy"], day["NgayTiepNhan"]))
        problems.flag(ends_early, "end_before_received", "NgayKetThucXuLy", col["NgayKetThucXuLy"])
        coded_vals: dict[str, pa.ChunkedArray] = {}
        for c, target in C.TARGET.items():
            if c == "SoLanBoSung":
                continue
            if c not in cols:  # absent column: unknown
                coded_vals[target] = pa.chunked_array([pa.nulls(n, pa.int64())])
                continue
            vals, wrong = cells.coded(c, col[c], mapped_values.get(c))
            problems.flag(wrong, "code_out_of_range", c, col[c], allowed=", ".join(map(str, C.CODES[c])))
            coded_vals[target] = pc.if_else(pa.array(wrong), pa.scalar(None, pa.int64()), vals)
        sup, wrong = cells.whole_numbers(col["SoLanBoSung"], 0, 10_000)
        problems.flag(wrong, "code_out_of_range", "SoLanBoSung", col["SoLanBoSung"], allowed="0, 1, 2, …")
        coded_vals["supplement_count"] = pc.if_else(pa.array(wrong), pa.scalar(None, pa.int64()), sup)

        # ---- units: by code, or by name, valid on the received date
        index = UnitIndex(conn)
        if mapping and mapping.province and mapping.province not in index.by_code:
            raise ImportRefused(
                f"{name}: không có đơn vị mã {mapping.province} (--province) / no unit has the code {mapping.province}"
            )
        received_day = day["NgayTiepNhan"].to_numpy().astype("datetime64[D]")
        if unit_col == "MaDonVi":
            unit_codes = col["MaDonVi"]
            unit_problems = index.check_codes(unit_codes, received_day)
            label = "MaDonVi"
        else:
            by_name, unit_problems, result.units_by_name = index.resolve_names(
                col[C.UNIT_NAME], received_day, within=mapping.province if mapping else None
            )
            unit_codes = pa.chunked_array([pa.array(by_name, pa.string())])
            label = result.columns[C.UNIT_NAME]
        unit_values = col[unit_col]
        for idx, reason, detail in unit_problems:
            for row_i in idx.tolist():
                problems.add(row_i, reason, label, _cell(unit_values, row_i), detail=detail or "")

        # field names → field codes where the field list knows them
        if "MaLinhVuc" not in cols and "TenLinhVuc" in cols:
            known = {
                fold(nm): code
                for code, nm in conn.execute(sa.select(schema.field.c.code, schema.field.c.name)).all()
                if nm
            }
            encoded = pc.dictionary_encode(col["TenLinhVuc"]).combine_chunks()
            found = pa.array([known.get(fold(v)) if v else None for v in encoded.dictionary.to_pylist()], pa.string())
            field_codes = pa.chunked_array([pc.take(found, encoded.indices)])
        else:
            field_codes = _null_if_empty(col["MaLinhVuc"])

        # ---- within one file the last row of a MaHoSo wins; earlier ones are superseded
        codes = col["MaHoSo"]
        has_code = ~empty["MaHoSo"]
        superseded = np.zeros(n, dtype=bool)
        if pc.count_distinct(codes).as_py() < n:  # some code repeats (or is empty): find which rows lose
            series = pd.Series(codes.to_numpy(zero_copy_only=False), dtype=object)
            superseded = has_code & series.duplicated(keep="last").to_numpy()
            if superseded.any():
                last_line = pd.Series(line_numbers, index=series.to_numpy()).groupby(level=0).last()
                for row_i in np.flatnonzero(superseded).tolist():
                    problems.rows[row_i] = [("superseded", "MaHoSo", str(last_line[series.iat[row_i]]), {})]
            del series
        bad = np.zeros(n, dtype=bool)
        bad[[i for i, p in problems.rows.items() if p]] = True
        result.superseded = int(superseded.sum())
        result.quarantined = int(bad.sum()) + len(early)

        # ---- quarantine entries
        q_rows = _quarantine_entries(early, problems, bad, raw_cols, header_names, line_numbers, codes)
        counts: Counter = Counter(reason for _, reason, _, _ in early)
        for row_i in np.flatnonzero(bad).tolist():
            counts.update({reason for reason, *_ in problems.rows[row_i]})
        result.reasons = dict(counts)
        result.problems = [dict(r, file_name=name) for r in q_rows[:max_problems]]
        del raw_cols  # the cells as read are needed for the quarantine only

        # ---- the rows to load, as the warehouse stores them
        good_np = np.flatnonzero(~bad)
        good = pa.array(good_np) if bad.any() else None
        g = {c: _take(v, good) for c, v in col.items()}
        p = {c: _take(v, good) for c, v in parsed.items()}
        k = {c: _take(v, good) for c, v in coded_vals.items()}
        content = {
            "code": pc.utf8_slice_codeunits(g["MaHoSo"], 0, 100),
            "procedure_code": pc.utf8_slice_codeunits(g["MaTTHC"], 0, 64),
            "procedure_name": _null_if_empty(pc.utf8_slice_codeunits(g["TenTTHC"], 0, 500)),  # the columns' lengths
            "field_code": pc.utf8_slice_codeunits(_take(field_codes, good), 0, 64),
            "field_name": _null_if_empty(pc.utf8_slice_codeunits(g["TenLinhVuc"], 0, 300)),
            "unit_code": _take(unit_codes, good),
            "received_at": p["NgayTiepNhan"],
            "received_date": pc.cast(p["NgayTiepNhan"], pa.date32(), safe=False),
            "due_at": p["NgayHenTra"],
            "due_date": pc.cast(p["NgayHenTra"], pa.date32(), safe=False),
            "end_at": p["NgayKetThucXuLy"],
            "end_date": pc.cast(p["NgayKetThucXuLy"], pa.date32(), safe=False),
            "returned_at": p["NgayTra"],
            "status": pc.cast(_take(status, good), pa.int16()),
        }
        for c in ("channel", "online_level", "paid_online", "has_fee", "digitised", "apology", "supplement_count"):
            content[c] = pc.cast(k[c], pa.int32() if c == "supplement_count" else pa.int16())
        content["rating"] = pc.cast(k["rating"], pa.int16())
        content["extra"] = (
            cells.json_objects([h for h, _ in extras], [_take(tidied[i], good) for _, i in extras])
            if extras
            else pa.chunked_array([pa.nulls(len(good_np), pa.string())])
        )
        rows = pa.table(content)
        # a million-row file is held three times over by now (as read, tidied, typed): only the rows stay
        del content, g, p, k, col, tidied, parsed, coded_vals, empty, status, field_codes, unit_codes
        rows = rows.append_column("row_hash", cells.row_hashes(rows, con))
    m = len(good_np)
    rows = rows.append_column("source_file", _strings(m, name[:500]))
    rows = rows.append_column("source_row", pa.array(line_numbers[good_np], pa.int32()))
    if notes:
        position = {int(i): k for k, i in enumerate(good_np.tolist())} if len(notes) * 8 > m else None
        note_cells = np.full(m, None, dtype=object)
        for i, texts in notes.items():
            if not bad[i]:
                note_cells[position[i] if position else int(np.searchsorted(good_np, i))] = "; ".join(texts)
        rows = rows.append_column("notes", pa.array(note_cells.tolist(), pa.string()))
    else:
        rows = rows.append_column("notes", pa.nulls(m, pa.string()))

    import_id = None if dry_run else next_id(conn, schema.import_log)
    result.import_id = import_id
    if import_id is not None and q_rows:
        pipeline.write_quarantine(conn, import_id, name, q_rows)
    rows = rows.append_column("import_id", pa.repeat(pa.scalar(import_id, pa.int32()), m))

    # ---- upsert by code; rows with identical content stay as they are
    fresh = not dry_run and incremental.ready(conn)  # before the data version moves
    # into an empty warehouse the first file is counted faster by the rebuild (every period it spans is new and
    # would be counted from the events one by one), in this transaction all the same
    first_file = fresh and rollups.data_range(conn) is None
    delta = None
    if m:
        delta = _upsert(conn, rows, result, dry_run, fresh and not first_file)
    result.loaded = m
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
        elif first_file:
            rollups.rebuild(conn)
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


def _quarantine_entries(early, problems, bad, raw_cols, header_names, line_numbers, codes) -> list[dict[str, Any]]:
    """One entry per (row, problem): rows quarantined unread (`early`) and rows with problems, with the row's
    cells as read (JSON), sorted by file line."""
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
    bad_idx = np.flatnonzero(bad)
    if len(bad_idx):
        taken = pa.table({f"c{j}": c.take(pa.array(bad_idx)) for j, c in enumerate(raw_cols)}).to_pylist()
    for row_i, cells_of in zip(bad_idx.tolist(), taken if len(bad_idx) else []):
        values = [unicodedata.normalize("NFC", cells_of[f"c{j}"] or "") for j in range(len(raw_cols))]
        raw = json.dumps(dict(zip(header_names, values)), ensure_ascii=False)
        for reason, fieldname, value, extra in problems.rows[row_i]:
            vi, en = _reason_texts(reason, fieldname, value, extra)
            q_rows.append(
                dict(
                    row_number=int(line_numbers[row_i]),
                    dossier_code=(codes[row_i].as_py() or "")[:100] or None,
                    reason_code=reason,
                    field=fieldname[:64],
                    reason_vi=vi,
                    reason_en=en,
                    raw=raw,
                )
            )
    q_rows.sort(key=lambda r: r["row_number"])
    return q_rows


_compared = itertools.count()  # names of the comparison tables (one per file, temporary)


def _upsert(
    conn: sa.Connection, rows: pa.Table, result: ImportResult, dry_run: bool, fresh: bool = False
) -> incremental.Delta | None:
    """Write the new and changed rows. With `fresh` (every derived table current) and a small change, returns
    the change (old and new versions) for the incremental refresh. The rows are compared with the stored ones
    by joins in the warehouse (no dictionary of every stored hash in Python, no correlated DELETE)."""
    d = schema.dossier
    stored = d.alias("stored")
    cols = [c.name for c in d.columns]
    with bulk_source(conn, rows, like=d) as src:
        # each row of the file against the stored dossier of its code, once, into a small table of the new (0)
        # and changed (1) codes: the delta, the delete and the insert below join it instead of scanning the
        # stored codes again (at 10 M dossiers each such scan is ≈ 0,2 s and there were five)
        cmp = sa.Table(
            f"_compared_{next(_compared)}",
            sa.MetaData(),
            sa.Column("code", d.c.code.type),
            sa.Column("state", sa.SmallInteger),
            prefixes=["TEMPORARY"],
        )
        cmp.create(conn)
        joined = src.outerjoin(stored, stored.c.code == src.c.code)
        state = sa.case((stored.c.code.is_(None), 0), else_=1)
        conn.execute(
            cmp.insert().from_select(
                ["code", "state"],
                sa.select(src.c.code, state)
                .select_from(joined)
                .where(sa.or_(stored.c.code.is_(None), stored.c.row_hash != src.c.row_hash)),
            )
        )
        n_new, n_changed = conn.execute(
            sa.select(sa.func.count().filter(cmp.c.state == 0), sa.func.count().filter(cmp.c.state == 1))
        ).one()
        result.new, result.updated = int(n_new), int(n_changed)
        result.unchanged = rows.num_rows - result.new - result.updated
        written = sa.select(*[src.c[c] for c in cols]).select_from(src.join(cmp, cmp.c.code == src.c.code))
        delta = None
        if not dry_run and (result.new or result.updated):
            if fresh and result.new + result.updated <= incremental.MAX_CHANGED:
                delta = incremental.Delta(conn)
                delta.take_new(written)  # before they are written
            if result.updated:
                changed = sa.select(cmp.c.code).where(cmp.c.state == 1)
                if delta is not None:
                    delta.remove_old(changed)
                else:
                    conn.execute(d.delete().where(d.c.code.in_(changed)))
            conn.execute(d.insert().from_select(cols, written))
            _add_catalogue(conn, rows)
        cmp.drop(conn)
    return delta


def _add_catalogue(conn: sa.Connection, rows: pa.Table) -> None:
    """Add procedures and fields seen for the first time (names as recorded, the file's last row of a code)."""
    with pd.option_context("mode.string_storage", "pyarrow"):  # a million rows: Arrow's strings, not objects
        frame = rows.select(["field_code", "field_name", "procedure_code", "procedure_name"]).to_pandas()
    for table, code_col, name_col, extra in (
        (schema.field, "field_code", "field_name", {}),
        (schema.procedure, "procedure_code", "procedure_name", {"field_code": "field_code"}),
    ):
        seen = frame[frame[code_col].notna()].drop_duplicates(code_col, keep="last")
        if seen.empty:
            continue
        known = set(conn.execute(sa.select(table.c.code)).scalars())
        new = seen[~seen[code_col].isin(known)]
        if len(new):
            out = pd.DataFrame(
                {
                    "code": new[code_col],
                    "name": new[name_col].str.slice(0, getattr(table.c.name.type, "length", None) or 500),
                }
            )
            for target, src in extra.items():
                out[target] = new[src]
            conn.execute(table.insert(), [{k: _none(v) for k, v in r.items()} for r in out.to_dict("records")])


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
    every = sorted([*zip(table.lines.tolist(), table.row_lists()), *table.odd_rows], key=lambda r: r[0])
    rows, lines = [], []
    for line, row_cells in every:
        if not any(c.strip() for c in row_cells):
            continue
        rows.append([c.strip() for c in (row_cells + [""] * width)[:width]])
        lines.append(line)
    return pd.DataFrame(rows, columns=table.header, dtype=str), lines
