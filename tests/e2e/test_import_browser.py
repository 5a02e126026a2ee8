"""The upload page in a real browser: upload this morning's export, preview, confirm, the result, the
quarantined rows and their XLSX download (issue 17)."""

from __future__ import annotations

import io

import pytest
from browser import SCREENSHOTS, wait_for_app
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

EXPORT = (
    "UBND TỈNH QUẢNG NAM\nBÁO CÁO HỒ SƠ\n"
    "Mã hồ sơ,Mã TTHC,Tên thủ tục,Đơn vị xử lý,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Trạng thái\n"
    "WEB-1,2.000815,Chứng thực,UBND phường An Mỹ,06/01/2025 08:30,10/01/2025,09/01/2025 16:00,Đã trả kết quả\n"
    "WEB-2,2.000815,Chứng thực,UBND xã Không Có,06/01/2025 08:30,10/01/2025,,Đang xử lý\n"
    "Tổng cộng,,,,,,,2\n"
)


def test_upload_preview_confirm_and_download_the_quarantine(own_app_url, page, tmp_path):
    export = tmp_path / "sang-nay.csv"
    export.write_text(EXPORT, encoding="utf-8")
    page.goto(f"{own_app_url}/import")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Nhập dữ liệu")).to_be_visible()
    page.locator("input[type='file']").set_input_files(str(export))
    expect(page.get_by_text("Xem trước: chưa có gì được ghi")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("sẽ nhập 1 mới", exact=False)).to_be_visible()
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_text("Đã xử lý 1 tệp, 0 tệp bị từ chối.")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("đã nhập 1 mới", exact=False)).to_be_visible()
    expect(page.get_by_text("Các dòng bị cách ly (1)")).to_be_visible()
    expect(page.locator("table.bdtc-table").get_by_text("WEB-2")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import.png"), full_page=True)
    page.get_by_role("button", name="Tải các dòng cách ly (XLSX)").click()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Lưu quarantine.xlsx").click()
    ws = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read())).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[1][:3] == ["sang-nay.csv", 5, "WEB-2"]
    assert not [e for e in page.errors if "favicon" not in e], page.errors
