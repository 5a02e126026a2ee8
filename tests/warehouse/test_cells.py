"""The import's cell rules as columns (ingest/cells.py) against plain-Python references: the row-at-a-time code
they replaced, kept here as the oracle. Random cells (Vietnamese, full-width digits, control characters, every
kind of space, long texts) and random dates in every accepted shape, valid or not."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.warehouse.ingest import cells

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def tidy_reference(values: list[str], limit: int) -> tuple[list[str], list[bool]]:
    out, cut = [], []
    for v in values:
        w = v if v.isascii() and v.isprintable() else _CONTROL.sub(" ", unicodedata.normalize("NFKC", v))
        w = w.replace("\xa0", " ").strip()
        out.append(w[:limit])
        cut.append(len(w) > limit)
    return out, cut


def iso_reference(v: str):
    try:
        ts = pd.Timestamp(datetime.fromisoformat(v.replace("Z", "+00:00")))
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return None
    if ts.tzinfo is not None:
        ts = ts.tz_convert("Asia/Ho_Chi_Minh").tz_localize(None)
    return ts.to_pydatetime()


def date_reference(v: str):
    """One cell as the former importer read it (national, day-first, else ISO 8601 through Python)."""
    v = v.strip()
    if v == "":
        return None
    if re.fullmatch(r"\d{14}", v):
        try:
            return datetime.strptime(v, "%Y%m%d%H%M%S")
        except ValueError:
            return None
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?", v):
        v = re.sub(r"^(\d{1,2})[.-](\d{1,2})[.-]", r"\1/\2/", v)
        for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                return datetime.strptime(v, fmt)
            except ValueError:
                continue
        return None
    return iso_reference(v)


SPACES = " \t\n\r\xa0\u2007\u202f\u3000\u1680\u2028\u2029\x85\x1c\x1f"
cell_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcĐđăâêôơưàảãáạỳỹ0123456789１２３ＡＢ,;\"'-/.:"),
        st.sampled_from(SPACES),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cell_text, min_size=1, max_size=40), st.integers(1, 12))
def test_tidy_equals_the_python_reference(values, limit):
    got, cut = cells.tidy(values, limit)
    want, want_cut = tidy_reference(values, limit)
    assert got.to_pylist() == want
    assert cut.tolist() == want_cut


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["UBND phường An Mỹ", "Chứng thực", " x ", "１２", "a\x00b"]), min_size=30, max_size=99)
)
def test_tidy_of_a_column_that_repeats_its_values_equals_the_reference(values):
    """A column of few distinct values is cleaned per value (the dictionary path)."""
    got, _ = cells.tidy(values, 100)
    assert got.to_pylist() == tidy_reference(values, 100)[0]


def _shaped(draw_parts):
    y, m, d, hh, mm, ss, shape, sep = draw_parts
    date_part = {
        "national": f"{y:04d}{m:02d}{d:02d}{hh:02d}{mm:02d}{ss:02d}",
        "dmy": f"{d}{sep}{m}{sep}{y:04d}",
        "dmy0": f"{d:02d}{sep}{m:02d}{sep}{y:04d}",
        "dmy_hm": f"{d:02d}{sep}{m:02d}{sep}{y:04d} {hh}:{mm:02d}",
        "dmy_hms": f"{d}{sep}{m}{sep}{y:04d} {hh:02d}:{mm:02d}:{ss:02d}",
        "iso_d": f"{y:04d}-{m:02d}-{d:02d}",
        "iso_hm": f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}",
        "iso_hms": f"{y:04d}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}",
        "iso_frac": f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.25",
        "iso_tz": f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}+07:00",
        "iso_z": f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z",
    }
    return date_part[shape]


date_cells = st.one_of(
    st.tuples(
        st.integers(1900, 2100),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 60),
        st.integers(0, 61),
        st.sampled_from(
            ["national", "dmy", "dmy0", "dmy_hm", "dmy_hms", "iso_d", "iso_hm", "iso_hms", "iso_frac", "iso_tz"]
            + ["iso_z"]
        ),
        st.sampled_from("/.-"),
    ).map(_shaped),
    st.sampled_from(["", "hôm qua", "2025-02-30", "00000101000000", "0000-01-01", "10000-01-01", "20250106"]),
    st.text(alphabet="0123456789/-: T", max_size=16),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(date_cells, min_size=1, max_size=30))
def test_dates_equal_the_python_reference(values):
    got, bad = cells.parse_dates(values)
    want = [date_reference(v) for v in values]
    assert [None if v is None else v.replace(tzinfo=None) for v in got.to_pylist()] == want
    assert bad.tolist() == [v.strip() != "" and w is None for v, w in zip(values, want)]


def test_codes_and_words_map_per_distinct_value():
    vals, bad = cells.coded("TrangThaiHoSo", ["Đã trả kết quả", "10", "", "99999999999999999999", "4.0", "４"], None)
    assert vals.to_pylist() == [10, 10, None, None, 4, 4]  # (tidy has made "４" plain before this rule anyway)
    assert bad.tolist() == [False, False, False, True, False, False]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(cell_text, cell_text), min_size=1, max_size=10))
def test_extra_columns_as_json_equal_json_dumps(pairs):
    keys = ["STT", 'x"; DROP TABLE unit; --']
    values = [pa.chunked_array([pa.array([p[i] for p in pairs], pa.string())]) for i in range(2)]
    tidied = [cells.tidy(v, 4000)[0] for v in values]
    got = cells.json_objects(keys, tidied).to_pylist()
    want = [json.dumps(dict(zip(keys, row)), ensure_ascii=False) for row in zip(*(t.to_pylist() for t in tidied))]
    assert got == want
    assert [json.loads(g) for g in got] == [json.loads(w) for w in want]


def test_the_row_hash_tells_a_changed_value_and_a_null_from_an_empty_text():
    rows = pa.table(
        {
            "code": pa.array(["A", "A", "A", "A"]),
            "name": pa.array(["x", "y", None, ""]),
            "status": pa.array([4, 4, 4, 4], pa.int16()),
        }
    )
    with cells.duck() as con:
        h = cells.row_hashes(rows, con).to_pylist()
        again = cells.row_hashes(rows, con).to_pylist()
    assert h == again and len(set(h)) == 4
