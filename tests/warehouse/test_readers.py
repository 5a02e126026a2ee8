"""The two CSV readers give the same table: Arrow's (what an import uses whenever it can vouch for the file's
structure) and Python's csv module (the reference, and what reads anything odd). Every CSV of the hostile
corpus and random files — quotes, separators and line ends inside cells, CRLF, blank lines, title rows,
ragged rows, rows with empty cells beyond the header — read both ways."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_corpus import corpus

from dashboard.warehouse.importer import _header_score
from dashboard.warehouse.ingest import readers
from dashboard.warehouse.ingest.readers import ImportRefused

SCORE = _header_score(None)


def _as_tuple(t: readers.Table):
    return (
        t.header,
        [c.to_pylist() for c in t.columns],
        t.lines.tolist(),
        t.odd_rows,
        t.blank_lines,
        t.title_rows,
        t.header_line,
        t.separator,
        t.encoding,
        t.records,
    )


def _both(path: Path):
    try:
        fast = readers.read(path, SCORE)
    except ImportRefused as exc:
        with pytest.raises(ImportRefused) as slow:
            readers.read(path, SCORE, fast=False)
        assert str(slow.value) == str(exc)
        return None
    slow = readers.read(path, SCORE, fast=False)
    assert not slow.fast
    assert _as_tuple(fast) == _as_tuple(slow)
    return fast


CSV_CASES = [c for c in corpus() if c.name not in ("a_directory", "missing_file")]


@pytest.mark.parametrize("case", CSV_CASES, ids=[c.name for c in CSV_CASES])
def test_every_corpus_file_reads_the_same_both_ways(case, tmp_path):
    path = case.make(tmp_path)
    table = _both(path)
    if table is not None and table.format == "csv" and case.name in ("utf8", "semicolon", "tab", "title_rows"):
        assert table.fast  # the plain cases take the fast reader


HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "TrangThaiHoSo"]
cell = st.one_of(
    st.sampled_from(["", "A-1", "2.000815", "20341", "20250106083000", "4", "Chứng thực", " x "]),
    st.text(alphabet='ab ,;"\n\r\t|é', max_size=6),
)
row = st.one_of(
    st.lists(cell, min_size=5, max_size=5),
    st.lists(cell, min_size=0, max_size=8),  # ragged, blank, or with cells beyond the header
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(row, max_size=12),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.lists(st.sampled_from([["BÁO CÁO"], [], ["Từ ngày", "01/01/2025"]]), max_size=3),
    st.sampled_from(["minimal", "all"]),
)
def test_random_files_read_the_same_both_ways(tmp_path, rows, sep, newline, title, quoting):
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=sep, lineterminator=newline, quoting=getattr(csv, f"QUOTE_{quoting.upper()}"))
    for r in [*title, HEADER, *rows]:
        w.writerow(r)
    path = tmp_path / "random.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    _both(path)


def test_a_stray_quote_or_a_lone_carriage_return_is_left_to_the_csv_module(tmp_path):
    for name, text in (
        ("stray.csv", ",".join(HEADER) + '\nA,2.000815,20341,"20250106083000",4\nB,5" x,20341,20250106083000,4\n'),
        ("cr.csv", ",".join(HEADER) + "\rA,2.000815,20341,20250106083000,4\r"),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8", newline="")
        table = _both(path)
        assert table is not None and not table.fast
