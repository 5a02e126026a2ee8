"""XLSX files: the list export writes its filters and neutralises formulas; the report workbook ties to `report`."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.metrics import kpi, periods
from dashboard.reports import excel
from dashboard.reports import period as pr
from dashboard.warehouse import queries


@pytest.mark.parametrize(
    "text, want",
    [
        ("=1+1", "'=1+1"),
        ("+84 90", "'+84 90"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("Đất đai", "Đất đai"),
        ("a=b", "a=b"),
        (5, 5),
        (None, None),
    ],
)
def test_neutralise(text, want):
    assert excel.neutralise(text) == want


def _rows(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"H49.X-{i:05d}" for i in range(n)],
            "procedure_code": "MH.0001",
            "procedure_name": ['=HYPERLINK("http://evil","x")', "+SUM(1)", "-1", "@cmd", "Đăng ký khai sinh"]
            * (n // 5),
            "field_code": "DD",
            "field_name": "Đất đai",
            "unit_code": "502",
            "unit_name": "Thành phố Tam Kỳ",
            "received_date": date(2024, 2, 20),
            "due_date": date(2024, 2, 28),
            "end_date": [date(2024, 3, 1), None] * (n // 2),
            "days_overdue": pd.array([2] * n, dtype="Int64"),
            "status": pd.array([10, 4] * (n // 2), dtype="Int64"),
            "channel": pd.array([2, None] * (n // 2), dtype="Int64"),
            "apology": pd.array([1, None] * (n // 2), dtype="Int64"),
        }
    )


def test_list_export_contents(tmp_path):
    p = periods.parse("2024-Q1", 15)
    meta = excel.ListMeta(
        "finished_late",
        "Thành phố Tam Kỳ",
        "502",
        True,
        p,
        date(2025, 6, 30),
        3,
        fields=["Đất đai"],
        procedures=["=evil()"],
        demo=True,
        total=10,
    )
    data = excel.list_workbook(_rows(10), meta, "vi")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = list(ws.iter_rows(values_only=True))
    head = {r[0]: r[1] for r in cells[:12] if r[0]}
    assert cells[0][0] == "Danh sách hồ sơ — Giải quyết quá hạn trong kỳ"  # the list is named in the title
    assert head["Đơn vị"] == "Thành phố Tam Kỳ (502)" and head["Phạm vi"] == "Toàn địa bàn"
    assert head["Kỳ báo cáo"] == "Quý 1/2024 (15/12/2023 – 14/03/2024)"
    assert head["Lĩnh vực"] == "Đất đai" and head["Thủ tục"] == "'=evil()" and head["Số hồ sơ"] == 10
    header_at = next(i for i, r in enumerate(cells) if r[0] == "Mã hồ sơ")
    header = cells[header_at]
    body = cells[header_at + 1 :]
    assert len(body) == 10
    assert header[:5] == ("Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Đơn vị xử lý")
    names = [r[2] for r in body[:5]]
    assert names == ['\'=HYPERLINK("http://evil","x")', "'+SUM(1)", "'-1", "'@cmd", "Đăng ký khai sinh"]
    first, second = dict(zip(header, body[0])), dict(zip(header, body[1]))
    assert first["Tiếp nhận"] == datetime(2024, 2, 20) and first["Kết thúc"] == datetime(2024, 3, 1)
    assert second["Kết thúc"] is None
    assert first["Số ngày quá hạn"] == 2 and first["Trạng thái"] == "Đã trả kết quả" and first["Phiếu xin lỗi"] == "Có"
    assert second["Trạng thái"] == "Đang xử lý" and second["Kênh"] == "Trực tiếp" and second["Phiếu xin lỗi"] == "Không"
    # no cell anywhere is a formula
    wb = load_workbook(io.BytesIO(data))
    assert not any(c.data_type == "f" for row in wb.worksheets[0].iter_rows() for c in row)


def test_list_cells_are_excel_serial_days_numbers_and_neutralised_text():
    # Excel's own serials: 1900-03-01 is day 61, 2024-01-01 day 45292; a time of day is dropped
    dates = pd.Series([date(1900, 3, 1), date(2024, 1, 1), datetime(2024, 1, 1, 23, 59), None, pd.NaT], dtype=object)
    assert excel._cells(dates, "date") == [61, 45292, 45292, None, None]
    assert excel._cells(pd.Series(pd.array([3, None, -2], dtype="Int64")), "number") == [3, None, -2]
    text = pd.Series(["=1+1", None, "Đất đai", "-5", "a=b"], dtype="string")
    assert excel._cells(text, "text") == ["'=1+1", None, "Đất đai", "'-5", "a=b"]
    assert [excel._cell_kind(c) for c, _ in excel.list_columns("due_soon", "vi")] == ["text"] * 5 + ["date"] * 3 + [
        "number"
    ] + ["text"] * 3


def test_list_export_in_english_names_days_left():
    meta = excel.ListMeta("due_soon", "X", "1", False, periods.parse("2024", 15), date(2025, 6, 30), 5, total=10)
    ws = load_workbook(io.BytesIO(excel.list_workbook(_rows(10).assign(days_overdue=-2), meta, "en"))).worksheets[0]
    cells = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(cells) if r[0] == "Dossier code")
    row = dict(zip(cells[header_at], cells[header_at + 1]))
    assert row["Days left"] == 2 and row["Status"] == "Result returned"
    assert any(r[0] == "Due soon within (days)" and r[1] == "5" for r in cells[:12])
    assert any(r[0] == "Sorted by" and r[1] == "Days left (descending)" for r in cells[:12])


def test_sort_label_names_the_column_and_direction():
    assert excel.sort_label("finished_late", "days_overdue", True, "vi") == "Số ngày quá hạn (giảm dần)"
    assert excel.sort_label("due_soon", "days_overdue", False, "vi") == "Số ngày còn lại (tăng dần)"
    assert excel.sort_label("open_overdue", "received_date", False, "en") == "Received (ascending)"


@pytest.mark.parametrize("key", ["2025-Q1", "2024"])
def test_report_workbook_ties_to_report(demo_engine, key):
    p = periods.parse(key, 15)
    with demo_engine.connect() as conn:
        rep = pr.build(conn, p)
        flat = pr.flat_rows(conn, p, "all", False)
        # the whole territory: both old provinces before 07/2025
        provinces = queries.kpi_table(conn, p, level="province", territory=True)
        province = kpi.add_derived(provinces[list(kpi.COUNT_FIELDS)].sum().to_frame().T).iloc[0]
        # the overdue dossiers stream into the file a few rows at a time: the chunks must join up
        wb = load_workbook(io.BytesIO(excel.report_workbook(rep, flat, "vi", overdue=rep.overdue_frames(conn, 7))))
    assert wb.sheetnames == ["Báo cáo", "report", "Phương pháp", "Quá hạn"]
    assert wb["Báo cáo"]["A1"].value == "Báo cáo tình hình giải quyết thủ tục hành chính"
    rows = list(wb["Báo cáo"].iter_rows(min_row=7, values_only=True))
    n = len(pr.COLUMNS)
    by_code = {r[2]: r for r in rows if r[2]}
    total = next(r for r in rows if r[1] == "Tổng cộng")
    groups = [r for r in rows if r[1] and r[1].split(".")[0] in ("I", "II", "III", "IV")]
    assert len(groups) == 4
    assert "Tỉnh Quảng Nam" not in {r[1] for r in rows}  # no row of zeros for the province under I.
    # every unit row equals its `report` row
    col = {ckey_parts: 3 + j for j, (_, _, ckey_parts) in enumerate(pr.COLUMNS)}
    for rec in flat.to_dict("records"):
        if rec["unit_code"] not in by_code:  # only the province's own row, when it handled nothing itself
            assert rec["unit_code"] in {"48", "49"} and rec["received"] + rec["carried_in"] == 0
            continue
        r = by_code[rec["unit_code"]]
        assert r[col[("received", "carried_in")]] == rec["received"] + rec["carried_in"]
        assert r[col[("finished_late",)]] == rec["finished_late"]
        assert r[col[("open_overdue",)]] == rec["open_overdue"]
        assert r[col[("paused",)]] == rec["paused"]
        assert r[col[("overdue_without_apology",)]] == rec["overdue_without_apology"]
        rate = r[3 + n + list(kpi.RATE_FIELDS).index("on_time_rate")]
        assert (rate is None and pd.isna(rec["on_time_rate"])) or rate == pytest.approx(rec["on_time_rate"], abs=0.005)
    # groups add up to the total, which is the province's whole territory in `report --territory`
    for j in range(n):
        assert sum(g[3 + j] for g in groups) == total[3 + j]
    assert total[col[("received", "carried_in")]] == province["received"] + province["carried_in"] > 0
    assert total[col[("finished_late", "open_overdue")]] == province["overdue"]
    assert total[3 + n] == pytest.approx(province["on_time_rate"], abs=0.005)
    # conservation in every row: received total = processed + in progress + paused
    for r in rows:
        if r[1]:
            assert (
                r[3]
                == r[col[("finished", "withdrawn")]] + r[col[("open_in_time", "open_overdue")]] + r[col[("paused",)]]
            )
    # the flat sheet is exactly the `report` rows; the overdue sheet lists every overdue dossier
    flat_sheet = list(wb["report"].iter_rows(values_only=True))
    assert flat_sheet[0] == tuple(kpi.REPORT_FIELDS) and len(flat_sheet) == len(flat) + 1
    assert wb["Quá hạn"].max_row - 1 == province["overdue"]
    over = list(wb["Quá hạn"].iter_rows(values_only=True))
    state = {r[0] for r in over[1:]}
    assert state <= {"Giải quyết quá hạn", "Đang xử lý quá hạn"} and len(state) == 2, state
    first = dict(zip(over[0], over[1]))  # dates are dates; days overdue a positive number on every row
    assert isinstance(first["Tiếp nhận"], datetime) and isinstance(first["Hẹn trả"], datetime)
    days = over[0].index("Số ngày quá hạn")
    assert all(isinstance(r[days], int) and r[days] > 0 for r in over[1:])
    method = {r[0]: r[1] for r in wb["Phương pháp"].iter_rows(values_only=True)}
    assert "Tỷ lệ đúng hạn (chính thức)" in method and "Kỳ trước chuyển sang" in method
    assert method["Kỳ báo cáo"].endswith("từ ngày 15 tháng trước đến ngày 14 tháng cuối kỳ.")


def test_period_rule_for_each_kind_of_period():
    assert pr.period_rule(periods.parse("2025-03", 1), "vi") == "Kỳ theo tháng dương lịch."
    assert pr.period_rule(periods.custom(date(2025, 1, 1), date(2025, 2, 10)), "en") == "A custom range of days."
    assert pr.period_rule(periods.parse("2025-Q1", 15), "en").startswith("Named periods cut off on day 15: from day 15")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_workbook_in_each_language(demo_engine, lang):
    """The sheet names differ case-insensitively (Excel's rule) in every language: the English first sheet
    once was "Report" beside the flat "report" sheet, and the workbook could not be written."""
    p = periods.parse("2025-Q2", 15)
    with demo_engine.connect() as conn:
        rep = pr.build(conn, p)
        flat = pr.flat_rows(conn, p, "all", False)
        wb = load_workbook(io.BytesIO(excel.report_workbook(rep, flat, lang, overdue=rep.overdue_frames(conn))))
    names = [n.casefold() for n in wb.sheetnames]
    assert len(names) == len(set(names)) == 4 and "report" in names
    assert wb.worksheets[3].max_row - 1 == rep.totals().overdue
