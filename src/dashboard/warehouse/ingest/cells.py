"""The cell rules of an import, a column at a time (Arrow compute and an in-memory DuckDB): tidy text, dates,
codes and words, whole numbers, extra columns as JSON, the content hash. Each rule gives the values and a mask
of the cells it could not read; the pipeline turns the masks into quarantine reasons. A 1 000 000-row export
went through these rules in 11 s as Python loops over cells; as columns they take about a second."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.warehouse.ingest import columns as C
from dashboard.warehouse.ingest.names import fold

#: control characters (C0 but tab, line feed and carriage return; DEL; C1) become spaces
CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL = re.compile(CONTROL)


def column(values: Any) -> pa.ChunkedArray:
    """An Arrow string column from a column, a pandas Series or a list (the rules take any)."""
    if isinstance(values, pa.ChunkedArray):
        return values
    if isinstance(values, pa.Array):
        return pa.chunked_array([values])
    if isinstance(values, pd.Series):
        values = values.tolist()
    return pa.chunked_array([pa.array(list(values), pa.string())])


def mask(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean Arrow column as a numpy mask (null = False)."""
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _by_value(col: pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]) -> pa.ChunkedArray:
    """fn over the distinct values when a column repeats them (names, words, codes), else over the cells."""
    if len(col) == 0:
        return col
    encoded = pc.dictionary_encode(col).combine_chunks()
    if len(encoded.dictionary) * 2 > len(col):
        return pa.chunked_array([fn(col.combine_chunks())])
    return pa.chunked_array([pc.take(fn(encoded.dictionary), encoded.indices)])


def tidy(values: Any, limit: int) -> tuple[pa.ChunkedArray, np.ndarray]:
    """NFKC (full-width digits and the like become plain), control characters to spaces, stripped, cut to
    `limit` characters. Returns the values and a mask of the cells that were cut."""
    col = column(values)
    if len(col) == 0:
        return col, np.zeros(0, dtype=bool)
    if pc.all(pc.string_is_ascii(col)).as_py():  # codes, dates, numbers: no normalisation to do
        if not pc.all(pc.ascii_is_printable(col)).as_py():
            col = pc.utf8_trim_whitespace(pc.replace_substring_regex(col, CONTROL, " "))
        elif pc.any(pc.or_(pc.starts_with(col, " "), pc.ends_with(col, " "))).as_py():
            col = pc.utf8_trim_whitespace(col)
        # else: printable ASCII with nothing to strip, kept as it is (no copy of a million cells)
    else:

        def clean(a: pa.Array) -> pa.Array:
            a = pc.utf8_normalize(a, "NFKC")
            if not pc.all(pc.utf8_is_printable(a)).as_py():
                a = pc.replace_substring_regex(a, CONTROL, " ")
            return pc.utf8_trim_whitespace(a)

        col = _by_value(col, clean)
    if (pc.max(pc.binary_length(col)).as_py() or 0) <= limit:  # bytes ≥ characters: nothing can be too long
        return col, np.zeros(len(col), dtype=bool)
    cut = mask(pc.greater(pc.utf8_length(col), limit))
    if cut.any():
        col = pc.if_else(pa.chunked_array([pa.array(cut)]), pc.utf8_slice_codeunits(col, 0, limit), col)
    return col, cut


def is_empty(col: pa.ChunkedArray) -> np.ndarray:
    return mask(pc.equal(col, ""))


# ---- codes and words ----------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d{1,9}(\.0+)?")
_AMOUNT = re.compile(r"\d{1,3}([.,\s]\d{3})+|\d{1,12}([.,]\d{1,2})?")


def _per_value(values: Any, one: Callable[[str], tuple[int | None, bool]]) -> tuple[pa.ChunkedArray, np.ndarray]:
    """(values as int64 with nulls, bad mask) from `one(cell) -> (value, bad)`, called once per distinct cell:
    a column holds few distinct codes, so this is a look-up per row."""
    col = column(values)
    if len(col) == 0:
        return pa.chunked_array([pa.array([], pa.int64())]), np.zeros(0, dtype=bool)
    encoded = pc.dictionary_encode(col).combine_chunks()
    results = [one(v) for v in encoded.dictionary.to_pylist()]
    vals = pa.array([None if v is None or v is pd.NA else int(v) for v, _ in results], pa.int64())
    bad = pa.array([b for _, b in results], pa.bool_())
    return pa.chunked_array([pc.take(vals, encoded.indices)]), mask(pc.take(bad, encoded.indices))


def coded(col: str, values: Any, mapped: dict[str, str] | None) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Codes of a coded column from numbers or words (and a mapping's [values]). Returns (values, bad); an
    empty cell takes the SPEC §2 default of a present column."""
    allowed = C.CODES[col]
    words = C.WORDS.get(col, {})
    folded_map = {fold(k): v for k, v in (mapped or {}).items()}

    def one(v: str) -> tuple[int | None, bool]:
        if v == "":
            return C.EMPTY_MEANS.get(col), False
        if mapped:
            v = mapped.get(v, folded_map.get(fold(v), v))
        if _INT.fullmatch(v):
            n = int(float(v))
            if n in allowed:
                return n, False
            if col == "CoPhiLePhi" and n > 0:  # a fee amount: the dossier carries a fee
                return 1, False
            return None, True
        k = fold(v)
        if k in words:
            return words[k], False
        if col == "CoPhiLePhi" and v[:1] == "[":  # the sync record's list of fees: any fee listed
            try:
                fees = json.loads(v)
            except ValueError:
                return None, True
            return (1 if fees else 0), False
        if col == "CoPhiLePhi" and _AMOUNT.fullmatch(v.replace("đ", "").replace("VNĐ", "").strip()):
            return (1 if any(ch in "123456789" for ch in v) else 0), False
        return None, True

    return _per_value(values, one)


def whole_numbers(values: Any, low: int, high: int) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Whole numbers within [low, high] ('' → null). Returns (values, bad)."""

    def one(v: str) -> tuple[int | None, bool]:
        if v == "":
            return None, False
        if _INT.fullmatch(v) and low <= int(float(v)) <= high:
            return int(float(v)), False
        return None, True

    return _per_value(values, one)


# ---- dates ----------------------------------------------------------------------------------------------


@contextmanager
def duck():
    """An in-memory DuckDB for column work (dates, the hash): vectorised, on both cores, whichever engine the
    warehouse is on."""
    con = duckdb.connect(":memory:")
    try:
        yield con
    finally:
        con.close()


# The shapes each parser takes (RE2, anchored by regexp_full_match): yyyyMMddHHmmss (the national sync record),
# dd/MM/yyyy[ HH:mm[:ss]] with / . or -, and ISO 8601 without an offset; one format per shape (strptime with a
# list of formats cost 1 µs a cell). strptime in DuckDB refuses 30/02 and hour 24 (Arrow's rolls them over into
# March and the next day). Year 0 is no year.
_DATES_SQL = r"""
SELECT CASE
  WHEN regexp_full_match(s, '\d{14}') THEN try_strptime(s, '%Y%m%d%H%M%S')
  WHEN regexp_full_match(s, '\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}') THEN try_strptime(s, '%d/%m/%Y %H:%M')
  WHEN regexp_full_match(s, '\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}') THEN try_strptime(s, '%d/%m/%Y %H:%M:%S')
  WHEN regexp_full_match(s, '\d{1,2}/\d{1,2}/\d{4}') THEN try_strptime(s, '%d/%m/%Y')
  WHEN regexp_full_match(s, '\d{1,2}[.-]\d{1,2}[.-]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?')
    THEN try_strptime(translate(s, '.-', '//'), ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'])
  WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}') THEN try_strptime(s, '%Y-%m-%d')
  WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}')
    THEN try_strptime(replace(s, 'T', ' '), '%Y-%m-%d %H:%M')
  WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}')
    THEN try_strptime(replace(s, 'T', ' '), '%Y-%m-%d %H:%M:%S')
END AS ts
FROM cells
"""


def parse_dates(values: Any, con: duckdb.DuckDBPyConnection | None = None) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Parse yyyyMMddHHmmss, ISO 8601 or dd/MM/yyyy[ HH:mm[:ss]] (also with - or . between the parts; local
    time). Returns (timestamps, bad)."""
    col = column(values)
    if con is None:
        with duck() as own:
            return parse_dates(col, own)
    if not pc.all(pc.equal(pc.utf8_trim_whitespace(col), col)).as_py():  # (the importer's cells are tidied)
        col = pc.utf8_trim_whitespace(col)
    empty = is_empty(col)
    if empty.all():  # an absent column, or no date given: nothing to parse
        return pa.chunked_array([pa.nulls(len(col), pa.timestamp("us"))]), np.zeros(len(col), dtype=bool)
    con.register("cells", pa.table({"s": col}))
    try:
        ts = con.execute(_DATES_SQL).to_arrow_table().column("ts").cast(pa.timestamp("us"))
    finally:
        con.unregister("cells")
    year0 = mask(pc.less(pc.year(ts), 1))
    if year0.any():
        ts = pc.if_else(pa.chunked_array([pa.array(year0)]), pa.scalar(None, pa.timestamp("us")), ts)
    other = ~empty & mask(pc.is_null(ts))
    if other.any():  # an ISO form with an offset or a fraction, or not a date: Python decides, per value
        idx = np.flatnonzero(other)
        taken = col.take(pa.array(idx)).to_pylist()
        parsed = {v: _parse_iso(v) for v in set(taken)}
        filled = np.full(len(col), None, dtype=object)
        filled[idx] = [parsed[v] for v in taken]
        ts = pc.coalesce(ts, pa.chunked_array([pa.array(filled.tolist(), pa.timestamp("us"))]))
    return ts, ~empty & mask(pc.is_null(ts))


def _parse_iso(v: str) -> datetime | None:
    try:
        ts = pd.Timestamp(datetime.fromisoformat(v.replace("Z", "+00:00")))
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return None
    if ts.tzinfo is not None:  # convert to Vietnam local time, which the warehouse stores
        ts = ts.tz_convert("Asia/Ho_Chi_Minh").tz_localize(None)
    return ts.to_pydatetime()


# ---- JSON and hash ----------------------------------------------------------------------------------------


def _json_string(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each cell as a JSON string literal, as json.dumps(ensure_ascii=False) writes it (after tidy, the only
    characters it escapes that can remain are the quote, the backslash, tab, line feed and carriage return)."""
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        col = pc.replace_substring(col, char, escaped)
    return pc.binary_join_element_wise('"', col, '"', "")


def json_objects(keys: Sequence[str], values: Sequence[pa.ChunkedArray]) -> pa.ChunkedArray:
    """One JSON object per row, {key: cell, …}, as json.dumps(…, ensure_ascii=False) writes it."""
    parts: list[Any] = []
    for i, (k, v) in enumerate(zip(keys, values)):
        parts.append(("{" if i == 0 else ", ") + json.dumps(k, ensure_ascii=False) + ": ")
        parts.append(_json_string(v))
    parts.append("}")
    return pc.binary_join_element_wise(*parts, "")


def row_hashes(rows: pa.Table, con: duckdb.DuckDBPyConnection) -> pa.ChunkedArray:
    """A content hash per row, to tell a re-imported dossier that did not change: DuckDB's 64-bit hash of the
    row's values (typed, nulls included), as a decimal string. It only ever compares a dossier with the stored
    version of the same code, so a false "unchanged" has odds of 2⁻⁶⁴ per changed row. md5 over the values as
    text cost a second per million rows, this a fifth of that. Should a DuckDB release change its hash,
    re-imported dossiers count once as updated (same values, rewritten), nothing else."""
    names = ", ".join(f'"{c}"' for c in rows.column_names)  # the importer's own column names, not the file's
    con.register("hash_rows", rows)
    try:
        return con.execute(f"SELECT CAST(hash({names}) AS VARCHAR) AS h FROM hash_rows").to_arrow_table().column(0)
    finally:
        con.unregister("hash_rows")
