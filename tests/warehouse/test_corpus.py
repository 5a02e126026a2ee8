"""The hostile-input corpus (issue 19): files made here, never committed — broken, odd or malicious in every
way a real export or an attacker can be — each imported through the command line on both engines. For
every case: the exit status, the message naming the file (a refusal) or, for every quarantined row, its
file line, column and reason, and conservation (rows read = loaded + quarantined + skipped, in the
import log). Afterwards every page still opens."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from pg import drop_pg_schema, pg_engine_in_fresh_schema

from dashboard import cli
from dashboard.warehouse import schema, units
from dashboard.warehouse.engine import create_schema, make_engine

H = ["MaHoSo", "MaTTHC", "TenTTHC", "MaDonVi", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo"]
OPT = ["KenhThucHien", "SoLanBoSung", "DanhGiaHaiLong"]


def row(code: str, **kw) -> dict:
    r = {
        "MaHoSo": code,
        "MaTTHC": "2.000815",
        "TenTTHC": "Chứng thực bản sao từ bản chính",
        "MaDonVi": "20341",
        "NgayTiepNhan": "2025-01-06 08:30:00",
        "NgayHenTra": "2025-01-10",
        "NgayKetThucXuLy": "2025-01-09 16:00:00",
        "TrangThaiHoSo": "10",
    }
    r.update(kw)
    return r


def csv_text(rows, header=H, sep=",", lines_before=()) -> str:
    f = io.StringIO(newline="")
    w = csv.writer(f, delimiter=sep, lineterminator="\n")
    for line in lines_before:
        w.writerow(line)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header] if isinstance(r, dict) else r)
    return f.getvalue()


def three(name: str, **bad) -> list[dict]:
    """Two good rows around one row with `bad` values (it is on file line 3)."""
    return [row(f"{name}-1"), row(f"{name}-2", **bad), row(f"{name}-3")]


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]  # writes the input under a folder, returns the path to import
    refused: str | None = None  # a word the refusal must say (exit status 1)
    loaded: int = 0
    quarantined: set[tuple[int, str | None, str]] = field(default_factory=set)  # (file line, column, reason)
    skipped: int = 0


def text_file(name: str, text: str, encoding: str = "utf-8"):
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(text.encode(encoding))
        return p

    return make


def bytes_file(name: str, data: bytes):
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(data)
        return p

    return make


def gz_file(name: str, data: bytes):
    return bytes_file(name, gzip.compress(data))


def xlsx_file(name: str, sheets: list[tuple[str, list[list]]]):
    def make(d: Path) -> Path:
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            for r in rows:
                ws.append(r)
        p = d / name
        wb.save(p)
        return p

    return make


def grid(rows, header=H) -> list[list]:
    return [header, *([r.get(h, "") for h in header] for r in rows)]


def json_lines(rows) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def directory(d: Path) -> Path:
    p = d / "a_folder.csv"
    p.mkdir()
    return p


L3 = 3  # the bad row's file line in three(): header 1, good row 2


def corpus() -> list[Case]:
    c = [
        # ---- structure: the file is refused with its name and the cause, exit status 1 ------------------
        Case("empty", text_file("empty.csv", ""), refused="empty"),
        Case("blank_lines_only", text_file("blank.csv", "\n\n  \n"), refused="empty"),
        Case("old_xls", bytes_file("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), refused=".xls"),
        Case(
            "xls_named_csv",
            bytes_file("really_xls.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
            refused=".xls",
        ),
        Case("broken_xlsx", bytes_file("broken.xlsx", b"PK\x03\x04" + b"garbage" * 50), refused="XLSX"),
        Case("broken_gzip", bytes_file("broken.csv.gz", b"\x1f\x8b\x08\x00" + b"broken"), refused="gzip"),
        Case("no_header", text_file("noheader.csv", "một,hai,ba\n1,2,3\n"), refused="header"),
        Case("truncated_json", text_file("cut.json", '[{"MaHoSo": "1", "MaTTHC": "x", '), refused="JSON"),
        Case("json_not_a_list", text_file("obj.json", '{"MaHoSo": "1"}'), refused="JSON"),
        Case("a_directory", directory, refused="a_folder.csv"),
        Case("missing_file", lambda d: d / "does_not_exist.csv", refused="does_not_exist.csv"),
        Case(
            "unterminated_quote",
            text_file("quote.csv", csv_text([row("Q-1")]) + 'Q-2,"2.000815,x,20341\n'),
            refused="line 3",
        ),
        Case("random_binary", bytes_file("noise.csv", bytes(range(256)) * 40), refused="noise.csv"),
        Case(
            "xlsx_without_header",
            xlsx_file("nohead.xlsx", [("Bìa", [["Báo cáo"], ["không có dữ liệu"]])]),
            refused="header",
        ),
        Case(
            "required_column_missing",
            text_file("nocode.csv", csv_text([row("R-1")], header=[h for h in H if h != "MaDonVi"])),
            refused="MaDonVi",
        ),
        Case("gzip_of_garbage", gz_file("garbage.csv.gz", b"\x00\xff" * 300), refused="garbage.csv.gz"),
        # ---- readers and layouts: everything loads ---------------------------------------------------------
        Case("utf8", text_file("utf8.csv", csv_text(three("U8"))), loaded=3),
        Case("utf8_bom_crlf", text_file("bom.csv", "\ufeff" + csv_text(three("BOM")).replace("\n", "\r\n")), loaded=3),
        Case("utf16", text_file("u16.csv", csv_text(three("U16")), "utf-16"), loaded=3),
        Case(
            "cp1252",
            text_file(
                "cp1252.csv", csv_text([row(f"W1252-{i}", TenTTHC="Café légalisé") for i in (1, 2, 3)]), "cp1252"
            ),
            loaded=3,
        ),
        Case("semicolon", text_file("semi.csv", csv_text(three("SC"), sep=";")), loaded=3),
        Case("tab", text_file("tab.tsv", csv_text(three("TAB"), sep="\t")), loaded=3),
        Case("pipe", text_file("pipe.txt", csv_text(three("PIPE"), sep="|")), loaded=3),
        Case(
            "title_rows",
            text_file("title.csv", csv_text(three("TT"), lines_before=[["UBND TỈNH"], ["BÁO CÁO"], []])),
            loaded=3,
        ),
        Case(
            "xlsx_cover_and_title",
            xlsx_file("cover.xlsx", [("Bìa", [["Báo cáo"]]), ("Dữ liệu", [["BÁO CÁO HỒ SƠ"], *grid(three("XC"))])]),
            loaded=3,
        ),
        Case(
            "xlsx_second_sheet_reported",
            xlsx_file("two.xlsx", [("A", grid(three("XA"))), ("B", grid([row("XB-1")]))]),
            loaded=3,
        ),
        Case("gzip_csv", gz_file("export.csv.gz", csv_text(three("GZ")).encode()), loaded=3),
        Case("gzip_jsonl", gz_file("sync.jsonl.gz", json_lines(three("GJ")).encode()), loaded=3),
        Case(
            "json_array_nested",
            text_file(
                "sync.json",
                json.dumps(
                    [{**r, "PhiLePhi": [{"SoTien": 1}], "TepDinhKem": []} for r in three("JA")], ensure_ascii=False
                ),
            ),
            loaded=3,
        ),
        Case(
            "jsonl_bad_line",
            text_file("sync.jsonl", json_lines([row("JL-1")]) + "{not json\n" + json_lines([row("JL-3")])),
            loaded=2,
            quarantined={(2, None, "bad_json")},
        ),
        Case(
            "jsonl_not_object",
            text_file("arr.jsonl", json_lines([row("JO-1")]) + "[1, 2]\n"),
            loaded=1,
            quarantined={(2, None, "not_an_object")},
        ),
        Case("header_only", text_file("headonly.csv", csv_text([])), loaded=0),
        Case(
            "blank_lines_between",
            text_file("gaps.csv", csv_text(three("GAP")).replace("\n", "\n\n")),
            loaded=3,
            skipped=4,
        ),
        Case(
            "summary_row",
            text_file("sum.csv", csv_text([*three("SUM"), ["Tổng cộng", "", "", "", "", "", "", "3"]])),
            loaded=3,
            skipped=1,
        ),
        Case(
            "ragged_more",
            text_file("ragged1.csv", csv_text([row("RG-1"), [*row("RG-2").values(), "extra", "more"], row("RG-3")])),
            loaded=2,
            quarantined={(L3, None, "ragged_row")},
        ),
        Case(
            "ragged_fewer",
            text_file("ragged2.csv", csv_text([row("RF-1"), ["RF-2", "2.000815"], row("RF-3")])),
            loaded=2,
            quarantined={(L3, None, "ragged_row")},
        ),
        Case("nul_bytes", text_file("nul.csv", csv_text(three("NUL", TenTTHC="Chứng\x00thực"))), loaded=3),
        Case(
            "folded_header",
            text_file(
                "folded.csv",
                csv_text(
                    three("FH"),
                    header=[
                        "ma ho so",
                        "MA TTHC",
                        "Ten thu tuc",
                        "ma don vi",
                        "ngay tiep nhan",
                        "ngay hen tra",
                        "ngay ket thuc xu ly",
                        "trang thai",
                    ],
                ).split("\n", 1)[0]
                + "\n"
                + csv_text(three("FH")).split("\n", 1)[1],
            ),
            loaded=3,
        ),
        Case(
            "extra_odd_columns",
            text_file(
                "odd.csv",
                csv_text(
                    [{**r, 'x"; DROP TABLE unit; --': "v"} for r in three("OC")], header=[*H, 'x"; DROP TABLE unit; --']
                ),
            ),
            loaded=3,
        ),
        Case(
            "mixed_date_formats",
            text_file(
                "dates.csv",
                csv_text(
                    [
                        row("MD-1", NgayTiepNhan="20250106083000"),
                        row("MD-2", NgayTiepNhan="06/01/2025 08:30"),
                        row("MD-3", NgayTiepNhan="2025-01-06T08:30:00"),
                    ]
                ),
            ),
            loaded=3,
        ),
        Case(
            "duplicate_code",
            text_file("dup.csv", csv_text([row("DUP-1"), row("DUP-1", TrangThaiHoSo="4", NgayKetThucXuLy="")])),
            loaded=1,
            quarantined={(2, "MaHoSo", "superseded")},
        ),
    ]
    # ---- values: the row is quarantined with its line, column and reason; the rest of the file loads ------
    bad_values = [
        ("year_10000", {"NgayTiepNhan": "10000-01-01"}, "NgayTiepNhan", "bad_date"),
        ("year_0", {"NgayTiepNhan": "0000-01-01"}, "NgayTiepNhan", "bad_date"),
        ("year_1900", {"NgayTiepNhan": "1900-01-01 08:00:00"}, "NgayTiepNhan", "date_out_of_window"),
        ("due_2999", {"NgayHenTra": "2999-01-01"}, "NgayHenTra", "date_out_of_window"),
        ("date_words", {"NgayTiepNhan": "hôm qua"}, "NgayTiepNhan", "bad_date"),
        ("date_feb_30", {"NgayTiepNhan": "2025-02-30"}, "NgayTiepNhan", "bad_date"),
        ("status_20_digits", {"TrangThaiHoSo": "99999999999999999999"}, "TrangThaiHoSo", "bad_status"),
        ("status_int32", {"TrangThaiHoSo": "2147483648"}, "TrangThaiHoSo", "bad_status"),
        ("status_zero", {"TrangThaiHoSo": "0"}, "TrangThaiHoSo", "bad_status"),
        ("status_word", {"TrangThaiHoSo": "đang chờ gì đó"}, "TrangThaiHoSo", "bad_status"),
        ("status_decimal", {"TrangThaiHoSo": "4.5"}, "TrangThaiHoSo", "bad_status"),
        ("missing_code", {"MaHoSo": ""}, "MaHoSo", "missing_value"),
        ("missing_procedure", {"MaTTHC": ""}, "MaTTHC", "missing_value"),
        ("missing_received", {"NgayTiepNhan": ""}, "NgayTiepNhan", "missing_value"),
        ("unknown_unit", {"MaDonVi": "99999"}, "MaDonVi", "unknown_unit"),
        ("injection_unit", {"MaDonVi": "20341' OR '1'='1"}, "MaDonVi", "unknown_unit"),
        ("end_before_received", {"NgayKetThucXuLy": "2025-01-02"}, "NgayKetThucXuLy", "end_before_received"),
        ("status9_no_end", {"TrangThaiHoSo": "9", "NgayKetThucXuLy": ""}, "NgayKetThucXuLy", "missing_end_date"),
        (
            "unit_after_its_time",  # Thành phố Tam Kỳ, a district abolished on 01/07/2025
            {
                "MaDonVi": "502",
                "NgayTiepNhan": "2025-07-02",
                "NgayHenTra": "2025-07-10",
                "NgayKetThucXuLy": "2025-07-09",
            },
            "MaDonVi",
            "unit_not_valid",
        ),
    ]
    for name, bad, col, reason in bad_values:
        c.append(
            Case(
                name, text_file(f"{name}.csv", csv_text(three(name, **bad))), loaded=2, quarantined={(L3, col, reason)}
            )
        )
    optional = [
        ("channel_9", {"KenhThucHien": "9"}, "KenhThucHien", "code_out_of_range"),
        ("rating_7", {"DanhGiaHaiLong": "7"}, "DanhGiaHaiLong", "code_out_of_range"),
        ("supplements_negative", {"SoLanBoSung": "-1"}, "SoLanBoSung", "code_out_of_range"),
        ("supplements_2_pow_40", {"SoLanBoSung": str(2**40)}, "SoLanBoSung", "code_out_of_range"),
    ]
    for name, bad, col, reason in optional:
        c.append(
            Case(
                name,
                text_file(f"{name}.csv", csv_text(three(name, **bad), header=[*H, *OPT])),
                loaded=2,
                quarantined={(L3, col, reason)},
            )
        )
    # ---- values that are odd but fine: normalised or kept as text, never an error ---------------------------
    fine = [
        ("full_width_digits", {"TrangThaiHoSo": "１０"}),
        ("superscript_digits", {"TrangThaiHoSo": "¹⁰"}),
        ("control_characters", {"TenTTHC": "Chứng\x1bthực\x07 bản\x0bsao"}),
        ("one_megabyte_cell", {"TenTTHC": "ữ" * 1_000_000}),
        ("sql_injection_text", {"TenTTHC": "x'); DROP TABLE dossier; --"}),
        ("formula_cell", {"TenTTHC": '=HYPERLINK("http://evil.example","bấm")'}),
        ("html_text", {"TenTTHC": "<script>alert('x')</script>"}),
        ("emoji_and_rtl", {"TenTTHC": "Thủ tục 😀 \u202e מבחן"}),
        ("spaces_around", {"TrangThaiHoSo": "  10  ", "MaDonVi": " 20341 "}),
    ]
    for name, odd in fine:
        c.append(Case(name, text_file(f"{name}.csv", csv_text(three(name, **odd))), loaded=3))
    return c


CASES = corpus()


def test_the_corpus_is_large_and_covers_every_kind():
    assert len(CASES) >= 60 and len({c.name for c in CASES}) == len(CASES)
    assert sum(1 for c in CASES if c.refused) >= 15
    assert sum(1 for c in CASES if c.quarantined) >= 25


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse(request, tmp_path_factory):
    """One warehouse per engine for the whole corpus (each file's outcome is read from its own import)."""
    pg_schema = None
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('corpus') / 'w.duckdb'}"
    else:
        e, pg_schema = pg_engine_in_fresh_schema()
        url = e.url.render_as_string(hide_password=False)
        e.dispose()
    e = make_engine(url)
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn)
    e.dispose()
    yield url
    if pg_schema:
        drop_pg_schema(pg_schema)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_hostile_file(warehouse, case, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB_URL", warehouse)
    path = case.make(tmp_path)
    status = cli.main(["import", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    e = make_engine(warehouse)
    try:
        with e.connect() as conn:
            log = (
                conn.execute(sa.select(schema.import_log).where(schema.import_log.c.file_name.like(f"%{path.name}")))
                .mappings()
                .all()
            )
            assert len(log) == 1, log  # the attempt is logged, refused or not
            (entry,) = log
            problems = conn.execute(
                sa.select(
                    schema.quarantine.c.row_number, schema.quarantine.c.field, schema.quarantine.c.reason_code
                ).where(schema.quarantine.c.import_id == entry["id"])
            ).all()
    finally:
        e.dispose()
    if case.refused:
        assert status == 1, (out, err)
        last = err.strip().splitlines()
        assert path.name in err and case.refused.lower() in err.lower(), err
        assert "1 of 1 file(s) failed" in last[-1]
        assert entry["status"] in ("refused", "failed") and not problems
        return
    assert status == 0, (out, err)
    loaded = entry["rows_new"] + entry["rows_updated"] + entry["rows_unchanged"]
    assert entry["rows_total"] == loaded + entry["rows_quarantined"] + entry["rows_skipped"]  # conservation
    assert (loaded, entry["rows_skipped"]) == (case.loaded, case.skipped), (dict(entry), out)
    assert {(n, f, r) for n, f, r in problems} == case.quarantined, (problems, out)
    assert path.name in out


def test_every_page_opens_on_the_warehouse_the_corpus_was_imported_into(warehouse, geo_dir, monkeypatch):
    from helpers import PAGES, ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DB_URL", warehouse)
    e = make_engine(warehouse)
    with e.connect() as conn:  # the corpus did load something, including the odd texts
        n = conn.execute(sa.select(sa.func.count()).select_from(schema.dossier)).scalar_one()
    e.dispose()
    assert n == sum(c.loaded for c in CASES)  # every loaded row is there, each once
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [x.value for x in at.exception])
        assert not at.error, (page, [x.value for x in at.error])
