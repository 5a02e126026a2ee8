"""The overview page in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import re

import pytest
from browser import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.e2e


def test_overview_loads_with_numbers_and_saves_a_screenshot(app_url, page):
    page.goto(f"{app_url}/overview")
    wait_for_app(page)
    page.get_by_text("Tỷ lệ đúng hạn (chính thức)").first.wait_for()
    # the district ranking: the first row of columns holding a chart (SVG bar chart beside its table)
    ranking = page.locator("[data-testid='stHorizontalBlock']").filter(has=page.locator("svg.bdtc-rank"))
    cells = ranking.first.locator("table.bdtc-table tbody tr").first.locator("td")
    cells.first.wait_for(state="attached")  # the ranked table is drawn
    # today's city has no districts: a commune ranks first
    assert cells.nth(1).text_content().startswith(("Phường", "Xã", "Đặc khu"))
    # the chart's top bar is the table's first unit, with the same rate
    top = ranking.first.locator("svg.bdtc-rank g").first.locator("text")
    assert top.first.text_content() == cells.nth(1).text_content()[: len(top.first.text_content())]
    assert page.locator("[data-testid='stPlotlyChart']").count() == 0  # no plotly.js on the overview
    assert page.get_by_role("heading", name="Cảnh báo sớm").is_visible()
    assert page.get_by_role("heading", name="Tổng quan").is_visible()
    metric = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert re.fullmatch(r"\d{1,3},\d{2} %", metric.strip()), metric  # vi-VN decimal comma
    assert "period=2025-Q4" in page.url and "unit=48" in page.url  # the view is a shareable link
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)
    assert not [e for e in page.errors if "favicon" not in e], page.errors


def test_deep_link_in_english_for_a_district(app_url, page):
    page.goto(f"{app_url}/overview?period=2025-Q1&unit=503&scope=territory&lang=en")
    wait_for_app(page)
    page.get_by_text("On-time rate (official)").first.wait_for()
    assert page.get_by_role("heading", name="Overview").is_visible()
    assert page.get_by_text("Thành phố Hội An · Q1 2025").first.is_visible()
    assert page.get_by_text("From 15 Dec 2024 to 14 Mar 2025").first.is_visible()
    page.locator("table.bdtc-table td").first.wait_for(state="attached")
    page.get_by_text("Commune ranking").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "overview_hoi_an_en.png"), full_page=True)
