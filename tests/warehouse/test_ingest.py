"""Real exports as they come (issue: real data in; issue: hostile input): readers and layouts, the synonym
table, words, units by name, mapping files, missing columns = unknown, dry run, plausibility, and
conservation (every data row loaded, quarantined or skipped and counted) — on both engines. Every input is
made here, never a committed export."""

from __future__ import annotations

import csv
import gzip
import io
import json
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from dashboard import cli
from dashboard.metrics import kpi
from dashboard.warehouse import importer, queries, schema
from dashboard.warehouse.ingest import columns, unitmatch
from dashboard.warehouse.ingest.names import split_unit_name
from dashboard.warehouse.ingest.readers import ImportRefused, decode

VI_HEADER = [
    "STT",
    "Mã hồ sơ",
    "Mã TTHC",
    "Tên thủ tục",
    "Lĩnh vực",
    "Đơn vị xử lý",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Trạng thái",
    "Kênh nộp",
    "Thanh toán trực tuyến",
    "Có phí, lệ phí",
    "Số hóa",
    "Phiếu xin lỗi",
    "Đánh giá",
]
TITLE = [["UBND TỈNH QUẢNG NAM"], ["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ"], ["Từ ngày 01/01/2025 đến ngày 31/01/2025"]]


def vi_row(i, **kw):
    r = {
        "STT": str(i),
        "Mã hồ sơ": f"H{i:04d}",
        "Mã TTHC": "2.000815",
        "Tên thủ tục": "Chứng thực bản sao từ bản chính",
        "Lĩnh vực": "Chứng thực",
        "Đơn vị xử lý": "UBND phường An Mỹ",
        "Ngày tiếp nhận": "06/01/2025 08:30",
        "Ngày hẹn trả": "10/01/2025",
        "Ngày kết thúc xử lý": "09/01/2025 16:00",
        "Trạng thái": "Đã trả kết quả",
        "Kênh nộp": "Trực tuyến",
        "Thanh toán trực tuyến": "Có",
        "Có phí, lệ phí": "Có",
        "Số hóa": "x",
        "Phiếu xin lỗi": "Không",
        "Đánh giá": "Hài lòng",
    }
    r.update(kw)
    return r


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: tone marks as combining characters after the letter."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tones = [m for m in d[1:] if m in "\u0300\u0301\u0303\u0309\u0323"]
            others = [m for m in d[1:] if m not in tones]
            out.append(unicodedata.normalize("NFC", d[0] + "".join(others)) + "".join(tones))
    return "".join(out).encode("cp1258")


def write_vi_csv(path: Path, rows, header=VI_HEADER, encoding="utf-8", sep=",", title=True, tail=True):
    f = io.StringIO(newline="")
    if True:
        w = csv.writer(f, delimiter=sep)
        if title:
            for t in TITLE:
                w.writerow(t + [""] * (len(header) - 1))
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
        if tail:
            w.writerow([""] * len(header))
            w.writerow(["Tổng cộng", f"{len(rows)} hồ sơ"] + [""] * (len(header) - 2))
    text = f.getvalue()
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def write_vi_xlsx(path: Path, rows, header=VI_HEADER, cover=True, second=None):
    wb = Workbook()
    ws = wb.active
    if cover:
        ws.title = "Bìa"
        ws.append(["Báo cáo hồ sơ"])
        ws.append(["Đơn vị: UBND tỉnh Quảng Nam"])
        ws = wb.create_sheet("Chi tiết")
    else:
        ws.title = "Chi tiết"
    for t in TITLE:
        ws.append(t)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.append(header)
    for r in rows:
        ws.append([r.get(h, "") for h in header])
    ws.append([])
    ws.append(["Tổng cộng", len(rows)])
    if second:
        ws2 = wb.create_sheet("Tổng hợp")
        for r in second:
            ws2.append(r)
    wb.save(path)
    return path


def run(engine, *paths, **options):
    return importer.import_files(engine, [Path(p) for p in paths], **options)


def dossiers(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r.code: dict(r._mapping) for r in conn.execute(sa.select(schema.dossier))}


def tables(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            t.name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=repr)
            for t in schema.metadata.sorted_tables
        }


def conserved(r) -> bool:
    return r.rows == r.loaded + r.quarantined + r.skipped


# ---- readers and layouts ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258"])
def test_vietnamese_csv_with_title_block_in_any_encoding(duck_engine, tmp_path, encoding):
    rows = [vi_row(1), vi_row(2, **{"Trạng thái": "Đang xử lý", "Ngày kết thúc xử lý": ""})]
    path = write_vi_csv(tmp_path / "export.csv", rows, encoding=encoding)
    (r,) = run(duck_engine, path)
    assert r.refused is None, r.refused
    assert (r.loaded, r.quarantined, r.title_rows, r.header_line) == (2, 0, 3, 4)
    assert (r.skipped_blank, r.skipped_summary) == (1, 1) and conserved(r)
    assert r.encoding.replace("-sig", "").replace("-le", "") in ("utf-8", "utf-16", "cp1258")
    d = dossiers(duck_engine)
    assert d["H0001"]["unit_code"] == "20341" and d["H0001"]["status"] == 10
    assert d["H0001"]["channel"] == 2 and d["H0001"]["rating"] == 2 and d["H0001"]["digitised"] == 1
    assert d["H0001"]["apology"] == 0 and d["H0001"]["paid_online"] == 1 and d["H0001"]["has_fee"] == 1
    assert d["H0002"]["status"] == 4 and d["H0002"]["end_date"] is None
    assert d["H0001"]["procedure_name"] == "Chứng thực bản sao từ bản chính"  # diacritics survive decoding


def test_cp1258_is_told_from_cp1252():
    text = "Mã hồ sơ,Trạng thái\nH1,Đã trả kết quả\n"
    assert decode(to_cp1258(text), "f.csv") == (text, "cp1258")
    western = "Code,Name\n1,Café crème\n"
    assert decode(western.encode("cp1252"), "f.csv") == (western, "cp1252")
    with pytest.raises(ImportRefused, match="f.bin"):
        decode(b"\x00\x01\x02\x81\x8d" * 10 + b"abc", "f.bin")


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_separators(duck_engine, tmp_path, sep):
    path = write_vi_csv(tmp_path / "e.txt", [vi_row(1)], sep=sep)
    (r,) = run(duck_engine, path)
    assert r.separator == sep and r.loaded == 1 and conserved(r)


def test_gzip_of_a_csv_whatever_its_name(duck_engine, tmp_path):
    plain = write_vi_csv(tmp_path / "e.csv", [vi_row(1), vi_row(2)])
    gz = tmp_path / "e.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    (r,) = run(duck_engine, gz)
    assert r.compressed and r.loaded == 2


def test_xlsx_cover_sheet_title_rows_summary_and_other_sheets(duck_engine, tmp_path):
    rows = [vi_row(i) for i in range(1, 6)]
    path = write_vi_xlsx(tmp_path / "e.xlsx", rows, second=[["Đơn vị", "Số hồ sơ"], ["An Mỹ", 5]])
    (r,) = run(duck_engine, path)
    assert r.sheet == "Chi tiết" and r.header_line == 4 and r.title_rows == 3
    assert (r.loaded, r.skipped_summary) == (5, 1) and conserved(r)
    assert ("Bìa", 2) in r.other_sheets and ("Tổng hợp", 2) in r.other_sheets
    # the lines are the sheet's rows: a bad value on the third data row is reported at sheet row 7
    path2 = write_vi_xlsx(tmp_path / "f.xlsx", [vi_row(1), vi_row(2), vi_row(3, **{"Trạng thái": "Lạ"})], cover=False)
    (r2,) = run(duck_engine, path2)
    assert [(p["row_number"], p["reason_code"]) for p in r2.problems] == [(7, "bad_status")]


def test_xlsx_sheet_option(duck_engine, tmp_path):
    path = write_vi_xlsx(tmp_path / "e.xlsx", [vi_row(1)])
    (r,) = run(duck_engine, path, sheet="Chi tiết")
    assert r.loaded == 1
    (bad,) = run(duck_engine, path, sheet="Không có")
    assert bad.refused and "Không có" in bad.refused and "Chi tiết" in bad.refused


def test_json_array_and_json_lines_from_the_sync_record(duck_engine, tmp_path):
    recs = [
        {
            "MaHoSo": "J1",
            "MaTTHC": "2.000815",
            "DonViXuLy": "UBND TP. Tam Kỳ",
            "NgayTiepNhan": "20250106083000",
            "NgayHenTra": "",
            "NgayKetThucXuLy": "20250107100000",
            "TrangThaiHoSo": 10,
            "PhiLePhi": [{"MaPhi": "LP1", "SoTien": 50000}],
            "TepDinhKem": [{"Ten": "don.pdf"}],
        },
        {
            "MaHoSo": "J2",
            "MaTTHC": "2.000815",
            "DonViXuLy": "UBND phường An Mỹ",
            "NgayTiepNhan": "2025-13-45",
            "TrangThaiHoSo": 4,
        },
        {"MaHoSo": "J3", "MaTTHC": "2.000815", "DonViXuLy": "UBND phường An Mỹ", "TrangThaiHoSo": 4},
    ]
    arr = tmp_path / "sync.json"
    arr.write_text("[\n" + ",\n".join(json.dumps(x, ensure_ascii=False) for x in recs) + "\n]", encoding="utf-8")
    (r,) = run(duck_engine, arr)
    assert (r.format, r.loaded, r.quarantined) == ("json", 1, 2) and conserved(r)
    assert sorted((p["row_number"], p["reason_code"]) for p in r.problems) == [(3, "bad_date"), (4, "missing_value")]
    d = dossiers(duck_engine)["J1"]
    assert d["unit_code"] == "502" and d["due_date"] is None and d["has_fee"] == 1
    assert json.loads(d["extra"])["TepDinhKem"] == '[{"Ten": "don.pdf"}]'
    lines = tmp_path / "sync.jsonl"
    lines.write_text(json.dumps(recs[0]) + "\n\n{broken\n" + json.dumps({**recs[1], "NgayTiepNhan": "20250106083000"}))
    (r,) = run(duck_engine, lines)
    assert (r.format, r.loaded, r.quarantined) == ("jsonl", 2, 1) and conserved(r)
    assert [(p["row_number"], p["reason_code"]) for p in r.problems] == [(3, "bad_json")]


@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04garbage", "XLSX"),
        (b"\x1f\x8b\x08\x00broken", "gzip"),
        ("một,hai,ba\n1,2,3\n".encode(), "header"),
        (b'[{"MaHoSo": "1", "MaTTHC": "x", "NgayTiepNhan": "2025", ', "JSON"),
    ],
)
def test_structural_problems_refuse_the_file_with_its_name(duck_engine, tmp_path, content, match):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = tables(duck_engine)
    (r,) = run(duck_engine, path)
    assert r.refused and "bad.csv" in r.refused and match in r.refused
    after = tables(duck_engine)
    assert after.pop("import_log") != before.pop("import_log") and after == before  # only the refusal is logged


def test_unterminated_quote_names_the_line(duck_engine, tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        'MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan,TrangThaiHoSo\nA,1,20341,2025-01-06,4\nB,"1,20341,2025-01-06,4\n'
    )
    (r,) = run(duck_engine, path)
    # the broken record starts on line 3 (B's open quote), whatever line the reader gave up on
    assert r.refused and "q.csv" in r.refused and "line 3" in r.refused and "quote" in r.refused


def test_a_directory_and_a_missing_file_are_refused_and_the_next_file_still_imports(engine, tmp_path):
    good = write_vi_csv(tmp_path / "good.csv", [vi_row(1)])
    results = run(engine, tmp_path, tmp_path / "absent.csv", good)
    assert [bool(r.refused) for r in results] == [True, True, False]
    assert "directory" in results[0].refused and results[2].loaded == 1


# ---- columns and words -----------------------------------------------------------------------------

ISSUE_HEADERS = {
    "MaHoSo": ["Mã hồ sơ", "Số hồ sơ", "MAHOSO", "ma ho so"],
    "MaTTHC": ["Mã thủ tục", "Mã TTHC"],
    "TenTTHC": ["Tên thủ tục", "Tên TTHC"],
    "MaLinhVuc": ["Mã lĩnh vực"],
    "TenLinhVuc": ["Lĩnh vực", "Tên lĩnh vực"],
    "MaDonVi": ["Mã đơn vị"],
    columns.UNIT_NAME: ["Đơn vị xử lý", "Đơn vị", "Cơ quan giải quyết", "DonViXuLy"],
    "NgayTiepNhan": ["Ngày tiếp nhận", "Ngày nhận", "NGÀY TIẾP NHẬN"],
    "NgayHenTra": ["Ngày hẹn trả", "Hạn xử lý", "Hạn giải quyết"],
    "NgayKetThucXuLy": ["Ngày kết thúc xử lý", "Ngày hoàn thành", "Ngày xử lý xong"],
    "NgayTra": ["Ngày trả kết quả", "Ngày trả"],
    "TrangThaiHoSo": ["Trạng thái", "Trạng thái hồ sơ"],
    "KenhThucHien": ["Kênh nộp", "Hình thức nộp", "Kênh thực hiện"],
    "MucDo": ["Mức độ"],
    "DuocThanhToanTrucTuyen": ["Thanh toán trực tuyến"],
    "CoPhiLePhi": ["Có phí, lệ phí", "Phí, lệ phí"],
    "HoSoCoThanhPhanSoHoa": ["Số hóa", "Có thành phần số hóa", "Số hoá"],
    "CoPhieuXinLoi": ["Phiếu xin lỗi", "Có phiếu xin lỗi"],
    "SoLanBoSung": ["Số lần bổ sung"],
    "DanhGiaHaiLong": ["Đánh giá", "Mức độ hài lòng"],
}


@pytest.mark.parametrize("canon, headers", ISSUE_HEADERS.items())
def test_synonym_table(canon, headers):
    for h in headers:
        assert columns.canonical(h) == canon, h
    assert columns.canonical("Ghi chú") is None


@pytest.mark.parametrize(
    "col, words",
    [
        (
            "TrangThaiHoSo",
            {
                "Mới đăng ký": 1,
                "được tiếp nhận": 2,
                "Không được tiếp nhận": 3,
                "Đang xử lý": 4,
                "Yêu cầu bổ sung giấy tờ": 5,
                "yêu cầu bổ sung": 5,
                "Yêu cầu nghĩa vụ tài chính": 6,
                "Công dân yêu cầu rút hồ sơ": 7,
                "Công dân rút": 7,
                "Dừng xử lý": 8,
                "Đã xử lý xong": 9,
                "ĐÃ TRẢ KẾT QUẢ": 10,
                "10": 10,
            },
        ),
        ("KenhThucHien", {"Trực tiếp": 1, "Trực tuyến": 2, "Bưu chính": 3, "Bưu chính công ích": 3, "": 1}),
        ("DanhGiaHaiLong", {"Rất hài lòng": 1, "Hài lòng": 2, "Bình thường": 3, "Không hài lòng": 4}),
        ("CoPhieuXinLoi", {"Có": 1, "Không": 0, "x": 1, "": 0, "TRUE": 1, "FALSE": 0, "1": 1, "0": 0}),
        ("CoPhiLePhi", {"50.000": 1, "0": 0, "Có": 1, "[]": 0, '[{"SoTien": 1}]': 1}),
        ("MucDo", {"Toàn trình": 4, "Một phần": 3, "Mức độ 2": 2}),
    ],
)
def test_values_in_words(col, words):
    import pandas as pd

    vals, bad = importer.coded(col, pd.Series(list(words), dtype=object), None)
    assert not bad.any()
    assert [None if pd.isna(v) else int(v) for v in vals] == list(words.values())
    _, bad = importer.coded(col, pd.Series(["chắc là có"], dtype=object), None)
    assert bad.all()


# ---- units by name ----------------------------------------------------------------------------------


def test_unit_name_parts():
    assert split_unit_name("UBND TP. Tam Kỳ") == (("district", "province"), "tam kỳ")
    assert split_unit_name("Ủy ban nhân dân phường An Mỹ") == (("commune",), "an mỹ")
    assert split_unit_name("UBND H.Quế Sơn") == (("district",), "quế sơn")
    assert split_unit_name("Sở Tư pháp") == ((), "sở tư pháp")


def test_units_by_name_abbreviations_folding_ambiguity_validity_and_aliases(qn_engine, tmp_path):
    # Quảng Nam's own list: in the territory's, "Sở Tư pháp" before 07/2025 names a department of each province
    engine = qn_engine
    names = {
        1: "UBND TP. Tam Kỳ",  # the city (a district), not a ward of the same name
        2: "Ủy ban nhân dân phường An Mỹ",
        3: "UBND H. Quế Sơn",
        4: "ubnd phuong an my",  # folded
        5: "Sở Tư pháp",
        6: "Chi nhánh VP ĐKĐĐ Tam Kỳ",  # the branch, written with spaces
        7: "UBND xã Không Tồn Tại",
        8: "UBND huyện Nông Sơn",  # merged into Quế Sơn on 01/01/2025
        9: "Bộ phận một cửa Tam Kỳ",  # needs an alias
    }
    rows = [vi_row(i, **{"Đơn vị xử lý": n}) for i, n in names.items()]
    rows.append(
        vi_row(
            10,
            **{
                "Đơn vị xử lý": "UBND huyện Nông Sơn",
                "Ngày tiếp nhận": "06/12/2024",
                "Ngày hẹn trả": "10/12/2024",
                "Ngày kết thúc xử lý": "09/12/2024",
            },
        )
    )
    path = write_vi_csv(tmp_path / "e.csv", rows)
    (r,) = run(engine, path)
    d = dossiers(engine)
    assert d["H0001"]["unit_code"] == "502" and d["H0002"]["unit_code"] == "20341"
    assert d["H0003"]["unit_code"] == "509" and d["H0004"]["unit_code"] == "20341"
    assert d["H0005"]["unit_code"] == "SO_TP" and d["H0006"]["unit_code"] == "CN_502"
    assert d["H0010"]["unit_code"] == "519"  # valid on its received date
    reasons = {p["dossier_code"]: p["reason_code"] for p in r.problems}
    assert reasons == {"H0007": "unknown_unit_name", "H0008": "unit_not_valid", "H0009": "unknown_unit_name"}
    assert r.units_by_name["UBND TP. Tam Kỳ"] == "502" and conserved(r)
    with engine.begin() as conn:
        unitmatch.add_alias(conn, "Bộ phận một cửa Tam Kỳ", "502")
        with pytest.raises(ValueError):
            unitmatch.add_alias(conn, "x", "NO_SUCH")
    (r2,) = run(engine, path)
    assert dossiers(engine)["H0009"]["unit_code"] == "502"
    assert {p["dossier_code"] for p in r2.problems} == {"H0007", "H0008"}


def test_ambiguous_names_are_quarantined_with_the_candidates(engine, tmp_path):
    with engine.begin() as conn:
        u = schema.unit
        base = dict(kind="commune", parent_code="502", valid_from=__import__("datetime").date(2020, 2, 1))
        conn.execute(
            u.insert(), [dict(base, code="T1", name="Xã Trùng Tên"), dict(base, code="T2", name="Xã Trùng Tên")]
        )
    (r,) = run(engine, write_vi_csv(tmp_path / "e.csv", [vi_row(1, **{"Đơn vị xử lý": "UBND xã Trùng Tên"})]))
    (p,) = r.problems
    assert p["reason_code"] == "ambiguous_unit" and "T1" in p["reason_en"] and "T2" in p["reason_vi"]


def test_unit_code_not_valid_on_the_received_date(engine, tmp_path):
    header = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo"]
    path = tmp_path / "c.csv"
    path.write_text(
        ",".join(header) + "\nA,1,519,2025-02-03,2025-02-05,,4\nB,1,519,2024-12-03,2024-12-05,,4\n", encoding="utf-8"
    )
    (r,) = run(engine, path)
    assert [(p["dossier_code"], p["reason_code"]) for p in r.problems] == [("A", "unit_not_valid")]
    assert "519" in r.problems[0]["reason_en"] and r.loaded == 1


def test_units_alias_commands(engine, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB_URL", engine.url.render_as_string(hide_password=False))
    engine.dispose()  # the command is another process in real use: it opens the file its own way
    assert cli.main(["units", "alias", "Chi nhánh VP ĐKĐĐ Tam Kỳ", "CN_502"]) == 0
    assert cli.main(["units", "aliases"]) == 0
    assert "Chi nhánh VP ĐKĐĐ Tam Kỳ\tCN_502" in capsys.readouterr().out
    assert cli.main(["units", "alias", "X", "NOPE"]) == 2


# ---- mapping files ---------------------------------------------------------------------------------


def test_mapping_file_columns_values_and_units(engine, tmp_path):
    path = tmp_path / "own.csv"
    path.write_text(
        "Báo cáo\n\n\nmẫu tự làm\nho_so_id,thu_tuc,don_vi,ngay_nhan,tinh_trang,xong_luc\n"
        "HS-1,2.000815,UBND phường An Mỹ,02/01/2025,Xong,03/01/2025\n"
        "HS-2,2.000815,UBND TP. Tam Kỳ,02/01/2025,Đang làm,\n",
        encoding="utf-8",
    )
    m = tmp_path / "map.toml"
    m.write_text(
        '[source]\nheader_row = 5\n[columns]\nMaHoSo = "ho_so_id"\nMaTTHC = "thu_tuc"\nMaDonVi = "don_vi"\n'
        'NgayTiepNhan = "ngay_nhan"\nTrangThaiHoSo = "tinh_trang"\nNgayKetThucXuLy = "xong_luc"\n'
        '[values.TrangThaiHoSo]\n"Xong" = 10\n"Đang làm" = 4\n[units]\nby = "name"\n',
        encoding="utf-8",
    )
    from dashboard.warehouse.ingest import mapping

    (r,) = run(engine, path, mapping=mapping.load(m))
    assert r.refused is None and r.loaded == 2 and r.header_line == 5
    d = dossiers(engine)
    assert (d["HS-1"]["status"], d["HS-1"]["unit_code"], d["HS-2"]["unit_code"]) == (10, "20341", "502")


@pytest.mark.parametrize(
    "text, match",
    [
        ('[columns]\nMaHoSo = "khong_co"\n', "khong_co"),
        ('[columns]\nMaHoSoo = "ho_so_id"\n', "MaHoSoo"),
        ('[values.TenTTHC]\n"a" = "b"\n', "TenTTHC"),
        ('[units]\nby = "both"\n', "by"),
        ("[columns\n", "invalid"),
        ("[khac]\n", "khac"),
    ],
)
def test_mapping_errors_name_what_is_wrong(duck_engine, tmp_path, text, match):
    from dashboard.warehouse.ingest import mapping

    path = write_vi_csv(tmp_path / "e.csv", [vi_row(1)])
    m = tmp_path / "map.toml"
    m.write_text(text, encoding="utf-8")
    try:
        (r,) = run(duck_engine, path, mapping=mapping.load(m))
        message = r.refused
    except ImportRefused as exc:
        message = str(exc)
    assert message and match in message
    if "khong_co" in match:
        assert "MaHoSo" in message and "Mã hồ sơ" in message  # names both: the mapping's and the file's


# ---- missing is not zero -----------------------------------------------------------------------------


def test_an_absent_column_is_unknown_and_rates_rest_on_the_known(engine, tmp_path):
    slim = [h for h in VI_HEADER if h not in ("Kênh nộp", "Số hóa", "Phiếu xin lỗi", "Thanh toán trực tuyến")]
    late = {"Ngày kết thúc xử lý": "12/01/2025 10:00"}  # due 10/01: finished late
    a = write_vi_csv(tmp_path / "a.csv", [vi_row(i, **late) for i in range(1, 5)], header=slim)
    (r,) = run(engine, a)
    assert set(r.absent) >= {"KenhThucHien", "HoSoCoThanhPhanSoHoa", "CoPhieuXinLoi", "DuocThanhToanTrucTuyen"}
    d = dossiers(engine)["H0001"]
    assert (d["channel"], d["digitised"], d["apology"], d["paid_online"]) == (None, None, None, None)
    with engine.connect() as conn:
        counts = queries.unit_counts(conn, __import__("dashboard.metrics.periods", fromlist=["x"]).parse("2025-01", 15))
    row = kpi.KpiRow.from_counts(counts[list(kpi.COUNT_FIELDS)].sum().to_dict())
    assert row.received == 4 and row.rate("online_rate") is None and row.rate("digitised_rate") is None
    assert row.overdue == 4 and row.overdue_without_apology_shown is None  # not "4 without a letter"
    # a second file with the columns, an empty cell keeping its SPEC meaning (KenhThucHien empty = 1)
    b = write_vi_csv(tmp_path / "b.csv", [vi_row(i, **{"Kênh nộp": ""}) for i in range(5, 7)])
    run(engine, b)
    with engine.connect() as conn:
        counts = queries.unit_counts(conn, __import__("dashboard.metrics.periods", fromlist=["x"]).parse("2025-01", 15))
    row = kpi.KpiRow.from_counts(counts[list(kpi.COUNT_FIELDS)].sum().to_dict())
    assert row.received == 6 and row.rate("online_rate") == 0.0 and row.coverage("online_rate") == (2, 6)
    assert row.rate("digitised_rate") == 100.0 and row.coverage("digitised_rate") == (2, 6)
    assert row.coverage("overdue_without_apology") == (0, 4)


def test_report_leaves_an_unknown_rate_empty(engine, tmp_path):
    slim = [h for h in VI_HEADER if h != "Kênh nộp"]
    run(engine, write_vi_csv(tmp_path / "a.csv", [vi_row(1)], header=slim))
    from dashboard.metrics import periods

    with engine.connect() as conn:
        df = cli.report_frame(conn, periods.parse("2025-01", 15), "commune", False)
    row = df[df["unit_code"] == "20341"].iloc[0]
    assert row["online_rate"] is None or row["online_rate"] != row["online_rate"]  # None or NaN: no data
    assert row["digitised_rate"] == 100.0


# ---- dry run, plausibility, hostile values, conservation ------------------------------------------


def test_dry_run_writes_nothing_and_says_what_would_happen(engine, tmp_path, monkeypatch, capsys):
    path = write_vi_csv(tmp_path / "e.csv", [vi_row(1), vi_row(2, **{"Đơn vị xử lý": "UBND xã Nào Đó"})])
    before = tables(engine)
    (r,) = run(engine, path, dry_run=True)
    assert (r.new, r.quarantined, r.status) == (1, 1, "dry-run") and tables(engine) == before
    monkeypatch.setenv("DASHBOARD_DB_URL", engine.url.render_as_string(hide_password=False))
    engine.dispose()  # the command is another process in real use: it opens the file its own way
    assert cli.main(["import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "DRY RUN" in out and "header: line 4" in out and "UBND phường An Mỹ → 20341" in out
    assert "unknown_unit_name 1" in out and tables(engine) == before


HOSTILE = {
    "year_10000": ({"Ngày tiếp nhận": "01/01/10000"}, "bad_date"),
    "year_1900": ({"Ngày tiếp nhận": "01/01/1900"}, "date_out_of_window"),
    "iso_far_future": ({"Ngày hẹn trả": "2999-01-01"}, "date_out_of_window"),
    "year_0": ({"Ngày tiếp nhận": "0000-01-01"}, "bad_date"),
    "status_overflow": ({"Trạng thái": "99999999999999999999"}, "bad_status"),
    "status_int32": ({"Trạng thái": "2147483648"}, "bad_status"),
    "superscript": ({"Trạng thái": "¹⁰"}, None),  # NFKC: 10
    "full_width_status": ({"Trạng thái": "１０"}, None),
    "negative_supplements": ({"Số lần bổ sung": "-1"}, "code_out_of_range"),
    "end_before_and_missing": ({"Trạng thái": "9", "Ngày kết thúc xử lý": "01/01/2025"}, "end_before_received"),
    "control_chars": ({"Tên thủ tục": "Chứng\x00thực\x1b bản\x07sao"}, None),
    "injection": ({"Tên thủ tục": "x'); DROP TABLE dossier; --"}, None),
    "formula": ({"Tên thủ tục": '=HYPERLINK("http://x")'}, None),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_values_quarantine_the_row_never_the_file(engine, tmp_path, case):
    changes, reason = HOSTILE[case]
    if "Số lần bổ sung" in changes:
        header = [*VI_HEADER, "Số lần bổ sung"]
    else:
        header = VI_HEADER
    path = write_vi_csv(tmp_path / f"{case}.csv", [vi_row(1), vi_row(2, **changes), vi_row(3)], header=header)
    (r,) = run(engine, path)
    assert r.refused is None and conserved(r)
    if reason is None:
        assert r.loaded == 3 and r.quarantined == 0
        assert all(ch.isprintable() for ch in dossiers(engine)["H0002"]["procedure_name"])
    else:
        assert r.loaded == 2 and reason in r.reasons
        assert {p["row_number"] for p in r.problems} == {6}  # the file line: 3 title rows, header, then rows


def test_status_nine_without_end_and_end_before_received_get_both_reasons(engine, tmp_path):
    header = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo"]
    path = tmp_path / "c.csv"
    path.write_text(
        ",".join(header) + "\nA,1,20341,2025-01-06,2025-01-09,,9\nB,1,20341,2025-01-06,2025-01-09,2025-01-02,9\n"
    )
    (r,) = run(engine, path)
    assert {(p["dossier_code"], p["reason_code"]) for p in r.problems} == {
        ("A", "missing_end_date"),
        ("B", "end_before_received"),
    }
    assert r.loaded == 0


def test_long_cells_are_cut_and_noted(engine, tmp_path):
    path = write_vi_csv(tmp_path / "e.csv", [vi_row(1, **{"Tên thủ tục": "ữ" * 1_000_000})])
    (r,) = run(engine, path)
    d = dossiers(engine)["H0001"]
    assert r.loaded == 1 and r.cut_cells == 1 and d["notes"] == "TenTTHC: 4000"
    assert len(d["procedure_name"]) == 500  # 4 000 kept, then the column's own length


def test_ragged_rows_and_blank_lines_keep_file_line_numbers(duck_engine, tmp_path):
    header = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "TrangThaiHoSo"]
    path = tmp_path / "r.csv"
    path.write_text(
        ",".join(header)
        + "\n\nA,1,20341,2025-01-06,4\nB,1,20341,2025-01-06,4,extra,more\n\nC,1,20341,2025-01-06,4\nD,1,20341\n"
    )
    (r,) = run(duck_engine, path)
    assert [(p["row_number"], p["reason_code"]) for p in r.problems] == [(4, "ragged_row"), (7, "ragged_row")]
    assert (r.loaded, r.skipped_blank) == (2, 2) and conserved(r)
    with duck_engine.connect() as conn:
        lines = dict(conn.execute(sa.select(schema.dossier.c.code, schema.dossier.c.source_row)).all())
    assert lines == {"A": 3, "C": 6}


def test_header_only_file_loads_nothing_without_error(duck_engine, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan,TrangThaiHoSo\n")
    (r,) = run(duck_engine, path)
    assert r.refused is None and (r.rows, r.loaded) == (0, 0)


def test_extra_columns_with_odd_names_are_logged(engine, tmp_path):
    header = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "TrangThaiHoSo", 'x"; DROP TABLE unit; --', 'extra"quoted']
    path = tmp_path / "x.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerow(["A", "1", "20341", "2025-01-06", "4", "v1", "v2"])
    (r,) = run(engine, path)
    assert r.loaded == 1
    with engine.connect() as conn:
        logged = json.loads(conn.execute(sa.select(schema.import_log.c.extra_columns)).scalar_one())
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.unit)).scalar_one() > 0
    assert logged == header[5:]


def test_cli_reports_failed_files_and_exit_status(engine, tmp_path, monkeypatch, capsys):
    good = write_vi_csv(tmp_path / "a.csv", [vi_row(1)])
    bad = tmp_path / "b.csv"
    bad.write_text("không,phải,tiêu đề\n")
    good2 = write_vi_csv(tmp_path / "c.csv", [vi_row(2)])
    monkeypatch.setenv("DASHBOARD_DB_URL", engine.url.render_as_string(hide_password=False))
    engine.dispose()  # the command is another process in real use: it opens the file its own way
    assert cli.main(["import", str(good), str(bad), str(good2)]) == 1
    err = capsys.readouterr().err
    assert "1 of 3 file(s) failed" in err.splitlines()[-1] and "Traceback" not in err
    assert set(dossiers(engine)) == {"H0001", "H0002"}
