"""Readers: a file as it comes from a one-stop system (CSV in any common encoding and separator, any sheet of
an XLSX, a JSON array or JSON Lines, any of them gzipped) → its header and data columns, with the line (or
sheet row) each row came from. The header is found, not assumed: the first row that names known columns; rows
above it are a title block and are counted. Only structural problems refuse a file (ImportRefused, one line
naming the file and the cause); a bad value is the pipeline's business and quarantines its row.

The data come out as columns (Arrow string arrays, '' for an empty cell), because a row-at-a-time Python
reader made a 1 000 000-row export cost 20 s before any rule was applied. A CSV is parsed by Arrow's reader
(C++, both cores) whenever its structure can be checked beside it — each record's first line found from the
bytes, ragged rows named by line; anything it cannot vouch for (a stray quote, a lone carriage return, a row
whose width differs with nothing but empty cells) is read by Python's csv module instead, which gives the
same table (tests/warehouse/test_readers.py holds the two equal)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import unicodedata
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

#: how many rows from the top may hold a title block before the header
HEADER_SEARCH_ROWS = 50
#: a header names at least this many known columns (a title line such as "Đơn vị: …" names one at most)
MIN_HEADER_SCORE = 3
SEPARATORS = (",", ";", "\t", "|")
# a cell may be long (it is cut to config.TEXT_CELL_MAX later, and the row says so): not csv's 128 KiB limit
csv.field_size_limit(256 * 1024 * 1024)
# bytes that Windows-1258 uses for Vietnamese letters and tone marks (ă â đ ơ ư, combining tones); in a file
# that is not UTF-8 their presence tells Vietnamese Windows text from Western (cp1252) text
_CP1258_VIETNAMESE = frozenset(b"\xc3\xe3\xd5\xf5\xdd\xfd\xd0\xf0\xcc\xec\xd2\xde\xf2\xc2\xe2\xca\xea\xd4\xf4")
# every other byte: deleting them leaves the Vietnamese-only bytes (bytes.translate runs in C, a Python
# loop over a 12 MB export took 0.8 s)
_NOT_CP1258_VIETNAMESE = bytes(b for b in range(256) if b not in _CP1258_VIETNAMESE)


class ImportRefused(Exception):
    """The whole file is refused (nothing from it is written to the warehouse)."""


@dataclass
class Table:
    """One table read from a file: header cells as written, and the data rows as columns (one Arrow string
    array per header cell, '' for empty) with the line or sheet row each row starts on; rows whose number of
    cells is not the header's come apart (`odd_rows`), as do empty lines (`blank_lines`) and records that
    are not rows at all (`bad_records`). Plus what the reader decided on the way."""

    header: list[str]
    columns: list[pa.ChunkedArray]
    lines: np.ndarray  # int64, one per data row
    format: str  # csv, xlsx, json, jsonl
    header_line: int | None = None  # None for JSON (keys name the columns)
    title_rows: int = 0  # non-empty rows above the header
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    compressed: bool = False
    other_sheets: list[tuple[str, int]] = field(default_factory=list)  # (name, non-empty rows) not read
    odd_rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells) of another width
    blank_lines: int = 0  # empty lines below the header, passed over
    bad_records: list[tuple[int, str]] = field(default_factory=list)  # (line, reason code) of unreadable records
    sha256: str | None = None  # of the file as stored (compressed or not), for the import log
    fast: bool = False  # read by Arrow's CSV reader (for the tests and the import's details)

    @property
    def n(self) -> int:
        return len(self.lines)

    @property
    def records(self) -> int:
        """Every record below the header: data rows, odd rows, empty lines and unreadable records."""
        return self.n + len(self.odd_rows) + self.blank_lines + len(self.bad_records)

    def row_lists(self) -> list[list[str]]:
        """The data rows as lists of cells (small tables only: the official 766 scores)."""
        cols = [c.to_pylist() for c in self.columns]
        return [list(r) for r in zip(*cols)] if cols else [[] for _ in range(self.n)]


#: (header cells) → how many known columns they name; the pipeline's column matcher
HeaderScore = Callable[[list[str]], int]


def read(
    path: Path,
    score: HeaderScore,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    fast: bool = True,
) -> Table:
    """The file's table. fast=False reads a CSV with Python's csv module only (the tests' reference)."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise ImportRefused(f"{path}: không tìm thấy tệp / file not found")
    if path.is_dir():
        raise ImportRefused(f"{path}: là thư mục, không phải tệp / is a directory, not a file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{name}: không đọc được tệp / cannot read the file ({exc.strerror})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    compressed = raw[:2] == b"\x1f\x8b"
    if compressed:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ImportRefused(f"{name}: tệp gzip bị hỏng / damaged gzip file ({exc})") from exc
    if not raw or raw.isspace():  # (bytes.strip() would copy a large file to find out)
        raise ImportRefused(f"{name}: tệp rỗng / the file is empty")
    if raw[:4] == b"PK\x03\x04":
        table = _read_xlsx(raw, name, score, sheet, header_row)
    elif raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused(
            f"{name}: tệp Excel cũ (.xls), hãy lưu lại thành .xlsx / old Excel format (.xls): save it as .xlsx"
        )
    else:
        data, enc, normalised = utf8_bytes(raw, name, encoding)
        del raw
        first = re.match(rb"\s*", data)
        start = data[first.end() : first.end() + 1] if first else b""
        if start in (b"[", b"{"):
            text = data.decode("utf-8")
            text = text if normalised else unicodedata.normalize("NFC", text)
            table = _read_json_array(text, name) if start == b"[" else _read_json_lines(text, name)
        else:
            table = _read_csv(data, name, score, header_row, normalised, fast)
        table.encoding = enc
    table.compressed = compressed
    table.sha256 = digest
    if table.format in ("json", "jsonl") and score(table.header) == 0:
        raise ImportRefused(f"{name}: không có khóa nào là tên cột đã biết / no key names a known column")
    return table


# ---- text ----------------------------------------------------------------------------------------


def _valid_utf8(data: bytes) -> bool:
    """Whether `data` is UTF-8, checked by Arrow in C++ (decoding a 150 MB export in Python to find out cost
    0,3 s and 300 MB)."""
    if len(data) >= 2**31:  # beyond a string array's 32-bit offsets: let Python decide for a file this large
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    offsets = pa.array([0, len(data)], pa.int32()).buffers()[1]
    arr = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        arr.cast(pa.string(), safe=True).validate(full=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return True


def utf8_bytes(raw: bytes, name: str, encoding: str | None = None) -> tuple[bytes, str, bool]:
    """(the text as UTF-8 bytes, the encoding it was read in, whether the text was NFC-normalised). A plain
    UTF-8 file (the common case) comes back as it is, without a BOM; any other goes through decode()."""
    if encoding is None and b"\x00" not in raw:
        plain = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and _valid_utf8(plain):
            return plain, ("utf-8-sig" if plain is not raw else "utf-8"), False
    text, enc = decode(raw, name, encoding)
    return text.encode("utf-8"), enc, True


def decode(raw: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used): BOMs first, then UTF-8, UTF-16 without a BOM, Windows-1258, Windows-1252."""
    if encoding:
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding)), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportRefused(
                f"{name}: không giải mã được bằng {encoding} / cannot decode as {encoding} ({exc})"
            ) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        head = raw[:4000]
        # ASCII text in UTF-16 has a NUL in every other byte
        if head.count(0) > len(head) // 4:
            even, odd = head[0::2].count(0), head[1::2].count(0)
            candidates = ["utf-16-le" if odd > even else "utf-16-be"]
        else:
            candidates = ["utf-8"]
            if raw.count(0) <= len(raw) // 100:
                vietnamese = bool(raw.translate(None, _NOT_CP1258_VIETNAMESE))
                candidates += ["cp1258", "cp1252"] if vietnamese else ["cp1252", "cp1258"]
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if text.count("\x00") > len(text) // 100:  # a binary file, not text with a stray NUL
            break
        return unicodedata.normalize("NFC", text.replace("\x00", " ")), enc
    raise ImportRefused(
        f"{name}: không giải mã được tệp (không phải văn bản UTF-8, UTF-16, Windows-1258 hay Windows-1252) / "
        "cannot decode the file (not UTF-8, UTF-16, Windows-1258 or Windows-1252 text)"
    )


def _find_header(rows: list[tuple[int, list[str]]], score: HeaderScore, header_row: int | None) -> int:
    """Index in `rows` of the header row."""
    if header_row is not None:
        for i, (line, _) in enumerate(rows):
            if line == header_row:
                return i
        return -1
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if score(cells) >= MIN_HEADER_SCORE:
            return i
    return -1


def _no_header(name: str, header_row: int | None) -> ImportRefused:
    if header_row is not None:
        return ImportRefused(f"{name}: không có dòng {header_row} / there is no row {header_row}")
    return ImportRefused(
        f"{name}: không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu (cần tên cột như MaHoSo, "
        f"Mã hồ sơ, Ngày tiếp nhận) / no header row in the first {HEADER_SEARCH_ROWS} rows (expected column "
        "names such as MaHoSo, Mã hồ sơ, Ngày tiếp nhận)"
    )


def string_columns(rows: list[list[str]], width: int) -> list[pa.ChunkedArray]:
    """Rows of exactly `width` cells → one Arrow string array per column."""
    if not rows:
        return [pa.chunked_array([pa.array([], pa.string())]) for _ in range(width)]
    return [pa.chunked_array([pa.array(list(col), pa.string())]) for col in zip(*rows)]


# ---- CSV -------------------------------------------------------------------------------------------


def _csv_records(text: str, sep: str, strict: bool = True) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells); blank lines come as []. Raises csv.Error on an unterminated quote."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=strict)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # name the line the broken record starts on, not the last good one
            raise CsvRecordError(end + 1, str(exc)) from exc
        yield end + 1, cells
        end = reader.line_num


class CsvRecordError(csv.Error):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


def _head(data: bytes, lines: int) -> str:
    """The first `lines` lines of UTF-8 `data` as text (NFC), cut at a line end."""
    end = -1
    for _ in range(lines):
        end = data.find(b"\n", end + 1)
        if end < 0:
            end = len(data)
            break
    return unicodedata.normalize("NFC", data[:end].decode("utf-8", errors="replace"))


def _read_csv(data: bytes, name: str, score: HeaderScore, header_row: int | None, normalised: bool, fast: bool):
    head_text = _head(data, HEADER_SEARCH_ROWS + 5)
    best: tuple[int, int, str, int] | None = None  # (score, fields, sep, header line)
    for sep in SEPARATORS:
        try:
            sample = list(_csv_records(head_text, sep, strict=False))
        except csv.Error:
            continue
        i = _find_header(sample, score, header_row)
        if i < 0:
            continue
        s = (score(sample[i][1]), len(sample[i][1]), sep, sample[i][0])
        if best is None or s[:2] > best[:2]:
            best = s
    if best is None:
        raise _no_header(name, header_row)
    sep, header_at = best[2], best[3]
    if fast:
        table = _csv_arrow(data, sep, header_at, head_text)
        if table is not None:
            return table
    text = data.decode("utf-8")
    return _csv_python(text if normalised else unicodedata.normalize("NFC", text), name, sep, header_at)


def _csv_python(text: str, name: str, sep: str, header_at: int) -> Table:
    """The reference reader: Python's csv module, a record at a time."""
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    odd: list[tuple[int, list[str]]] = []
    title = blank = 0
    header_line = 0
    width = 0
    try:
        for line, cells in _csv_records(text, sep):
            if header is None:
                if line == header_at:
                    header, header_line = [c.strip() for c in cells], line
                    width = len(header)
                elif any(c.strip() for c in cells):
                    title += 1
                continue
            if not cells:
                blank += 1
                continue
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            if len(cells) != width:
                odd.append((line, cells))
                continue
            rows.append(cells)
            lines.append(line)
    except CsvRecordError as exc:
        raise ImportRefused(
            f"{name}: lỗi cấu trúc CSV ở bản ghi bắt đầu từ dòng {exc.line} (dấu ngoặc kép không đóng?) / CSV "
            f"structure error in the record starting at line {exc.line} (unterminated quote?): {exc.reason}"
        ) from exc
    assert header is not None
    return Table(
        header,
        string_columns(rows, width),
        np.asarray(lines, dtype=np.int64),
        "csv",
        header_line=header_line,
        title_rows=title,
        separator=sep,
        odd_rows=odd,
        blank_lines=blank,
    )


def _csv_arrow(data: bytes, sep: str, header_at: int, head_text: str) -> Table | None:
    """The CSV read by Arrow, or None when its structure is one this cannot vouch for (the caller then reads
    it with Python's csv module). Each record's first line comes from the bytes: a line end inside quotes
    (an odd number of quote characters before it) does not end a record."""
    buf = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    if b"\r" in data:  # a lone carriage return ends a line for csv, not here
        cr = np.flatnonzero(buf == 13)
        if (cr == len(buf) - 1).any() or (buf[np.minimum(cr + 1, len(buf) - 1)] != 10).any():
            return None
    if b'"' in data:
        q = np.flatnonzero(buf == 34)
        edge = np.array([ord(sep), 10, 13, 34], dtype=np.uint8)
        before = np.isin(buf[np.maximum(q - 1, 0)], edge) | (q == 0)
        after = np.isin(buf[np.minimum(q + 1, len(buf) - 1)], edge) | (q == len(buf) - 1)
        if len(q) % 2 or not (before | after).all():  # a quote left open, or one inside a field: csv's call
            return None
        ends = nl[np.searchsorted(q, nl) % 2 == 0]
        del q
    else:
        ends = nl
    del buf
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(data)]))
    if starts[-1] >= len(data):  # the file ends with a line end: no record after it
        starts, stops = starts[:-1], stops[:-1]
    first_line = np.searchsorted(nl, starts) + 1
    found = np.flatnonzero(first_line == header_at)
    if len(found) != 1:
        return None
    h = int(found[0])
    header_text = data[starts[h] : stops[h]].decode("utf-8")
    header = next(csv.reader([unicodedata.normalize("NFC", header_text.rstrip("\r"))], delimiter=sep), [])
    header = [c.strip() for c in header]
    width = len(header)
    title = 0
    for line, cells in _csv_records(head_text, sep, strict=False):
        if line >= header_at:
            break
        title += any(c.strip() for c in cells)
    body_starts, body_stops, body_lines = starts[h + 1 :], stops[h + 1 :], first_line[h + 1 :]
    length = body_stops - body_starts
    cr = np.zeros(len(length), dtype=bool)
    if len(length):
        nonzero = length > 0
        cr[nonzero] = np.frombuffer(data, dtype=np.uint8)[body_stops[nonzero] - 1] == 13
    empty = (length == 0) | ((length == 1) & cr)
    lines = body_lines[~empty]
    if width < 2:  # one column: every line is a row, blank or not; csv's reading is the simpler one
        return None
    if not len(lines):  # a header and nothing (or only empty lines) under it
        return Table(header, string_columns([], width), lines, "csv", header_line=header_at, title_rows=title,
                     separator=sep, blank_lines=int(empty.sum()), fast=True)  # fmt: skip
    body = pa.py_buffer(data)[int(body_starts[0]) :]
    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int | None, str]] = []

    def skip_and_note(row) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    def parse(threads: bool) -> pa.Table:
        invalid.clear()
        return pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=threads, block_size=8 << 20),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=len(ends) < len(nl),
                ignore_empty_lines=True,
                invalid_row_handler=skip_and_note,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        parsed = parse(True)
        if invalid:  # the records' numbers are known only when one thread reads them in order
            parsed = parse(False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    if parsed.num_rows + len(invalid) != len(lines):
        return None
    odd: list[tuple[int, list[str]]] = []
    if invalid:
        keep = np.ones(len(lines), dtype=bool)
        for number, text in invalid:
            if number is None or not 1 <= number <= len(lines):
                return None
            cells = next(csv.reader([unicodedata.normalize("NFC", text)], delimiter=sep), [])
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                return None  # a row with empty cells beyond the header is kept, in its place: csv's job
            keep[number - 1] = False
            odd.append((int(lines[number - 1]), cells))
        lines = lines[keep]
    return Table(
        header,
        [parsed.column(i) for i in range(width)],
        lines.astype(np.int64),
        "csv",
        header_line=header_at,
        title_rows=title,
        separator=sep,
        odd_rows=odd,
        blank_lines=int(empty.sum()),
        fast=True,
    )


# ---- XLSX --------------------------------------------------------------------------------------------


def _sheet(reader, ws_name: str) -> list[pa.ChunkedArray]:
    """Every cell of a sheet as text ('' for an empty one): a column per sheet column from A, a row per sheet
    row from 1, so a row's place is its line in the sheet."""
    sh = reader.load_sheet(ws_name, header_row=None, skip_rows=0, dtypes="string")
    table = sh.to_arrow()
    if table.num_columns == 0:
        return []
    first = min(c.absolute_index for c in sh.available_columns())  # columns start at the first one used
    empty = pa.chunked_array([pa.repeat(pa.scalar("", pa.string()), table.num_rows)])
    return [empty] * first + [pc.fill_null(table.column(j), "") for j in range(table.num_columns)]


def _blank_rows(cols: list[pa.ChunkedArray], n: int) -> np.ndarray:
    blank = np.ones(n, dtype=bool)
    for col in cols:
        blank &= np.asarray(pc.equal(pc.utf8_trim_whitespace(col), "").to_numpy(zero_copy_only=False), bool)
    return blank


def _read_xlsx(raw: bytes, name: str, score: HeaderScore, sheet: str | None, header_row: int | None) -> Table:
    # fastexcel (calamine, the Rust reader, with the cells written straight into Arrow columns): a sheet of 200 000
    # rows in 1,4 s, where calamine's Python objects took 2,4 s and openpyxl about 30 s
    import fastexcel

    try:
        reader = fastexcel.read_excel(raw)
        names = list(reader.sheet_names)
    except Exception as exc:  # a broken archive or workbook, whatever the library calls it
        raise ImportRefused(f"{name}: không đọc được tệp XLSX / cannot read the XLSX file ({exc})") from exc
    if sheet is not None and sheet not in names:
        raise ImportRefused(
            f"{name}: không có trang tính '{sheet}' (có: {', '.join(names)}) / no sheet '{sheet}' "
            f"(there are: {', '.join(names)})"
        )
    chosen: Table | None = None
    others: list[tuple[str, int]] = []
    for ws_name in names:
        if chosen is not None or (sheet is not None and ws_name != sheet):
            others.append((ws_name, _non_empty_rows(reader, ws_name)))
            continue
        try:
            cols = _sheet(reader, ws_name)
        except Exception as exc:
            raise ImportRefused(
                f"{name}: trang tính '{ws_name}' bị hỏng / sheet '{ws_name}' is damaged ({exc})"
            ) from exc
        n = len(cols[0]) if cols else 0
        head = HEADER_SEARCH_ROWS + 5 if header_row is None else max(header_row, 1)
        top_rows = pa.table({f"c{j}": c.slice(0, head) for j, c in enumerate(cols)}).to_pylist() if cols else []
        top = [(k, list(r.values())) for k, r in enumerate(top_rows, start=1)]
        i = _find_header(top, score, header_row)
        if i < 0:
            if sheet is not None:
                raise _no_header(f"{name} [{ws_name}]", header_row)
            others.append((ws_name, int((~_blank_rows(cols, n)).sum())))
            continue
        header = [c.strip() for c in top[i][1]]
        while header and header[-1] == "":
            header.pop()
        width = len(header)
        title = sum(1 for _, c in top[:i] if any(x.strip() for x in c))
        filled = np.flatnonzero(~_blank_rows(cols, n))
        last = int(filled[-1]) + 1 if len(filled) else 0  # empty rows at the sheet's end are not rows
        body = [c.slice(i + 1, max(last - i - 1, 0)) for c in cols]
        body += [pa.chunked_array([pa.repeat(pa.scalar("", pa.string()), max(last - i - 1, 0))])] * (width - len(body))
        lines = np.arange(i + 2, i + 2 + max(last - i - 1, 0), dtype=np.int64)
        # a sheet row ends at its last filled cell: shorter rows are padded; a row with cells beyond the
        # header is of another width (quarantined as ragged)
        beyond = ~_blank_rows(body[width:], len(lines)) if len(body) > width else np.zeros(len(lines), dtype=bool)
        odd: list[tuple[int, list[str]]] = []
        if beyond.any():
            for k in np.flatnonzero(beyond).tolist():
                odd.append((int(lines[k]), [c[k].as_py() for c in body]))
            keep = pa.array(~beyond)
            body = [c.filter(keep) for c in body[:width]]
            lines = lines[~beyond]
        chosen = Table(
            header,
            body[:width],
            lines,
            "xlsx",
            header_line=i + 1,
            title_rows=title,
            sheet=ws_name,
            odd_rows=odd,
        )
    if chosen is None:
        raise _no_header(name, header_row)
    chosen.other_sheets = [(n, k) for n, k in others if k]
    return chosen


def _non_empty_rows(reader, ws_name: str) -> int:
    try:
        cols = _sheet(reader, ws_name)
        return int((~_blank_rows(cols, len(cols[0]))).sum()) if cols else 0
    except Exception:  # a damaged sheet that is not read anyway
        return 0


# ---- JSON --------------------------------------------------------------------------------------------


def json_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, str)):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return json.dumps(v, ensure_ascii=False)  # nested lists and objects (fees, attachments) kept as JSON


def _records_table(records: list[tuple[int, object]], fmt: str) -> Table:
    header: dict[str, None] = {}
    for _, obj in records:
        if isinstance(obj, dict):
            for k in obj:
                header.setdefault(str(k), None)
    cols = list(header)
    objs, lines, bad = [], [], []
    for line, obj in records:
        if not isinstance(obj, dict):
            bad.append((line, "not_an_object"))
            continue
        objs.append({str(k): v for k, v in obj.items()})
        lines.append(line)
    columns = [pa.chunked_array([pa.array([json_cell(o.get(c)) for o in objs], pa.string())]) for c in cols]
    return Table(cols, columns, np.asarray(lines, dtype=np.int64), fmt, bad_records=bad)


def _read_json_array(text: str, name: str) -> Table:
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        return bisect_right(newlines, pos - 1) + 1

    dec = json.JSONDecoder()
    pos = text.index("[") + 1
    records: list[tuple[int, object]] = []
    n = len(text)
    try:
        while True:
            while pos < n and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= n:
                raise ImportRefused(f"{name}: mảng JSON không đóng / the JSON array is not closed (no ']')")
            if text[pos] == "]":
                break
            obj, end = dec.raw_decode(text, pos)
            records.append((line_of(pos), obj))
            pos = end
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"{name}: lỗi cú pháp JSON ở dòng {exc.lineno}, cột {exc.colno} / JSON syntax error at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}"
        ) from exc
    return _records_table(records, "json")


def _read_json_lines(text: str, name: str) -> Table:
    records: list[tuple[int, object]] = []
    bad: list[tuple[int, str]] = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((i, json.loads(line)))
        except json.JSONDecodeError:
            bad.append((i, "bad_json"))
    if not records:
        raise ImportRefused(f"{name}: không có dòng JSON nào đọc được / no readable JSON line")
    table = _records_table(records, "jsonl")
    table.bad_records = sorted(bad + table.bad_records)
    return table
