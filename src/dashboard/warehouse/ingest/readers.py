"""Readers: a file as it comes from a one-stop system (CSV in any common encoding and separator, any sheet of
an XLSX, a JSON array or JSON Lines, any of them gzipped) → its header and data rows, each with the line (or
sheet row) it came from. The header is found, not assumed: the first row that names known columns; rows above
it are a title block and are counted. Only structural problems refuse a file (ImportRefused, one line naming
the file and the cause); a bad value is the pipeline's business and quarantines its row."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import unicodedata
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

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
    """One table read from a file: header cells as written, data rows (cells as text, '' for empty) and the
    line or sheet row of each, plus what the reader decided on the way."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    format: str  # csv, xlsx, json, jsonl
    header_line: int | None = None  # None for JSON (keys name the columns)
    title_rows: int = 0  # non-empty rows above the header
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    compressed: bool = False
    other_sheets: list[tuple[str, int]] = field(default_factory=list)  # (name, non-empty rows) not read
    bad_records: list[tuple[int, str]] = field(default_factory=list)  # (line, reason code) of unreadable records
    sha256: str | None = None  # of the file as stored (compressed or not), for the import log


#: (header cells) → how many known columns they name; the pipeline's column matcher
HeaderScore = Callable[[list[str]], int]


def read(
    path: Path,
    score: HeaderScore,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
) -> Table:
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
    if not raw.strip():
        raise ImportRefused(f"{name}: tệp rỗng / the file is empty")
    if raw[:4] == b"PK\x03\x04":
        table = _read_xlsx(raw, name, score, sheet, header_row)
    elif raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused(
            f"{name}: tệp Excel cũ (.xls), hãy lưu lại thành .xlsx / old Excel format (.xls): save it as .xlsx"
        )
    else:
        text, enc = decode(raw, name, encoding)
        start = text.lstrip()[:1]
        if start == "[":
            table = _read_json_array(text, name)
        elif start == "{":
            table = _read_json_lines(text, name)
        else:
            table = _read_csv(text, name, score, header_row)
        table.encoding = enc
    table.compressed = compressed
    table.sha256 = digest
    if table.format in ("json", "jsonl") and score(table.header) == 0:
        raise ImportRefused(f"{name}: không có khóa nào là tên cột đã biết / no key names a known column")
    return table


# ---- text ----------------------------------------------------------------------------------------


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


def _read_csv(text: str, name: str, score: HeaderScore, header_row: int | None) -> Table:
    head_text = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS + 5])
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
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    title = 0
    header_line = 0
    records = _csv_records(text, sep)
    try:
        for line, cells in records:
            if header is None:
                if line == header_at:
                    header, header_line = [c.strip() for c in cells], line
                elif any(c.strip() for c in cells):
                    title += 1
                continue
            rows.append(cells)
            lines.append(line)
    except CsvRecordError as exc:
        raise ImportRefused(
            f"{name}: lỗi cấu trúc CSV ở bản ghi bắt đầu từ dòng {exc.line} (dấu ngoặc kép không đóng?) / CSV "
            f"structure error in the record starting at line {exc.line} (unterminated quote?): {exc.reason}"
        ) from exc
    assert header is not None
    return Table(header, rows, lines, "csv", header_line=header_line, title_rows=title, separator=sep)


# ---- XLSX --------------------------------------------------------------------------------------------


def cell_text(v) -> str:
    if type(v) is str:  # most cells: no isinstance chain (0,5 s of a 50 000-row sheet)
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def _read_xlsx(raw: bytes, name: str, score: HeaderScore, sheet: str | None, header_row: int | None) -> Table:
    # python-calamine (Rust) reads a sheet 15× faster than openpyxl (0,5 s against 7,5 s for 50 000 rows here)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        names = list(wb.sheet_names)
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
            others.append((ws_name, _non_empty_rows(wb, ws_name)))
            continue
        try:
            # skip_empty_area=False: rows and columns from A1, so line numbers are the sheet's own
            cells = wb.get_sheet_by_name(ws_name).to_python(skip_empty_area=False)
            rows = [(i, [cell_text(v) for v in r]) for i, r in enumerate(cells, start=1)]
        except Exception as exc:
            raise ImportRefused(
                f"{name}: trang tính '{ws_name}' bị hỏng / sheet '{ws_name}' is damaged ({exc})"
            ) from exc
        i = _find_header(rows, score, header_row)
        if i < 0:
            if sheet is not None:
                raise _no_header(f"{name} [{ws_name}]", header_row)
            others.append((ws_name, sum(1 for _, c in rows if any(x.strip() for x in c))))
            continue
        header = [c.strip() for c in rows[i][1]]
        while header and header[-1] == "":
            header.pop()
        body = rows[i + 1 :]
        while body and not any(x.strip() for x in body[-1][1]):
            body.pop()
        title = sum(1 for _, c in rows[:i] if any(x.strip() for x in c))
        chosen = Table(
            header,
            [c for _, c in body],
            [ln for ln, _ in body],
            "xlsx",
            header_line=rows[i][0],
            title_rows=title,
            sheet=ws_name,
        )
    if chosen is None:
        raise _no_header(name, header_row)
    chosen.other_sheets = [(n, k) for n, k in others if k]
    return chosen


def _non_empty_rows(wb, ws_name: str) -> int:
    try:
        rows = wb.get_sheet_by_name(ws_name).to_python()
        return sum(1 for r in rows if any(v not in (None, "") for v in r))
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
    rows, lines, bad = [], [], []
    for line, obj in records:
        if not isinstance(obj, dict):
            bad.append((line, "not_an_object"))
            continue
        o = {str(k): v for k, v in obj.items()}
        rows.append([json_cell(o.get(c)) for c in cols])
        lines.append(line)
    return Table(cols, rows, lines, fmt, bad_records=bad)


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
