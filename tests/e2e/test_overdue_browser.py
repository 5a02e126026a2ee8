"""The overdue page in a real browser: a deep link, a field filter, and the XLSX download."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import SCREENSHOTS, wait_for_app
from openpyxl import load_workbook
from playwright.sync_api import expect

from dashboard.metrics import periods
from dashboard.warehouse import overdue, queries
from dashboard.warehouse.engine import make_engine

pytestmark = pytest.mark.e2e


def expected(demo_dir: Path, unit: str, key: str, kind: str, fields=()) -> set[str]:
    """The list the page should show, straight from the warehouse file the app reads."""
    e = make_engine(f"duckdb:///{demo_dir / 'warehouse.duckdb'}", read_only=True)
    try:
        with e.connect() as conn:
            s = overdue.Scope(periods.parse(key, 15), (unit,), queries.as_of(conn), fields=tuple(fields))
            return set(overdue.page(conn, kind, s, limit=None)["code"])
    finally:
        e.dispose()


def test_deep_link_filter_to_land_and_download(app_url, page, demo_dir, tmp_path):
    unit, key = "CN_507", "2024"  # Chi nhánh VPĐKĐĐ Điện Bàn, year 2024, its own dossiers
    page.goto(f"{app_url}/overdue?unit={unit}&period={key}&scope=own&list=finished_late")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Hồ sơ quá hạn", exact=True).is_visible()
    page.get_by_text("Chi nhánh VPĐKĐĐ Điện Bàn · Năm 2024 (15/12/2023 – 14/12/2024) · Hồ sơ của đơn vị").wait_for()
    want_all = expected(demo_dir, unit, key, "finished_late")
    assert want_all
    page.get_by_text(f"Giải quyết quá hạn trong kỳ ({len(want_all)})").wait_for()

    # filter to land dossiers through the multiselect
    box = page.locator("[data-testid='stMultiSelect']").filter(has_text="Lĩnh vực")
    box.locator("input").click()
    page.get_by_role("option", name="Đất đai").click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    # The click's rerun may not have started when wait_for_app returns, and the land list of a land office
    # can be as long as the whole one: wait, retrying, for the link that the rerun writes, then for it to end.
    expect(page).to_have_url(re.compile(r"[?&]field=DD(&|$)"), timeout=60_000)
    wait_for_app(page)
    want = expected(demo_dir, unit, key, "finished_late", ("DD",))
    page.get_by_text(f"Giải quyết quá hạn trong kỳ ({len(want)})").wait_for()
    cells = page.locator("table.bdtc-table td")
    cells.first.wait_for()
    assert page.locator("table.bdtc-table").last.locator("tbody tr").count() == min(50, len(want))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "overdue_land.png"), full_page=True)

    page.get_by_role("button", name="Tải danh sách (XLSX)").click()
    name = f"ho-so-finished-late-{unit}-{key}.xlsx"
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=f"Lưu {name}").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == f"ho-so-finished-late-{unit}-{key}.xlsx"
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    head = {r[0]: r[1] for r in rows[:12] if r[0]}
    assert head["Lĩnh vực"] == "Đất đai" and head["Số hồ sơ"] == len(want)
    at = next(i for i, r in enumerate(rows) if r[0] == "Mã hồ sơ")
    assert {r[0] for r in rows[at + 1 :]} == want
    assert all(r[3] == "Đất đai" for r in rows[at + 1 :])
    assert not [e for e in page.errors if not e.startswith("Failed to load resource")], page.errors


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_page_downloads_the_workbook(app_url, page, tmp_path, lang):
    vi = lang == "vi"
    page.goto(f"{app_url}/report?period=2025-Q1&lang={lang}")
    wait_for_app(page)
    page.get_by_role("heading", name="Báo cáo" if vi else "Report").wait_for()
    page.get_by_role("button", name="Tải báo cáo (XLSX)" if vi else "Download the report (XLSX)").click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=f"{'Lưu' if vi else 'Save'} bao-cao-2025-Q1.xlsx").click()
    path = tmp_path / "r.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path)
    assert wb.sheetnames == (
        ["Báo cáo", "report", "Phương pháp", "Quá hạn"]
        if vi
        else ["Official table", "report", "Methodology", "Overdue"]
    )
    page.get_by_role(
        "button", name="Tải bản tóm tắt một trang (PDF)" if vi else "Download the one-page summary (PDF)"
    ).click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=f"{'Lưu' if vi else 'Save'} tom-tat-2025-Q1.pdf").click()
    pdf = tmp_path / "r.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert not [e for e in page.errors if not e.startswith("Failed to load resource")], page.errors


def test_a_deep_link_connects_without_probing_under_the_page(app_url, page):
    """dashboard.web.DirectConnect: the websocket opens at the server's root at once, with no failed health
    check under /overdue first (streamlit#7074)."""
    paths = []
    page.on("request", lambda r: paths.append(urlparse(r.url).path))
    page.goto(f"{app_url}/overdue?unit=49&period=2025-Q1&scope=territory")
    wait_for_app(page)
    page.get_by_role("heading", name="Hồ sơ quá hạn", exact=True).wait_for()
    assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == f"{app_url}/"
    assert not [p for p in paths if p.startswith("/overdue/_stcore")], paths
    assert page.url.startswith(f"{app_url}/overdue?")


def test_the_first_visit_to_a_fresh_server_lands_on_the_deep_linked_page(fresh_app_url, page, demo_dir):
    """The server warms up before its first request (dashboard.web.warm), taking Streamlit off the legacy
    pages/ folder: the very first session, opened by a deep link, gets that page through app.py, with its
    sidebar, unit and list."""
    page.goto(f"{fresh_app_url}/overdue?unit=503&period=2025-Q1&scope=own&list=open_overdue")
    wait_for_app(page)
    page.get_by_role("heading", name="Hồ sơ quá hạn", exact=True).wait_for()
    page.locator("[data-testid='stSidebar']").get_by_text("Phạm vi số liệu").wait_for()  # app.py drew it
    assert page.locator("[data-testid='stMain'] h4").inner_text().startswith("Thành phố Hội An · Quý 1/2025")
    assert "list=open_overdue" in page.url and "unit=503" in page.url
    assert page.errors == []
    assert "warm-up could not" not in (demo_dir / "streamlit-fresh.log").read_text()
