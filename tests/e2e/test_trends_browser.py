"""Trends, the 766 scorecard and the rankings in a real browser, with 1920×1080 screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import SCREENSHOTS, wait_for_app

from dashboard.metrics import periods, ranking, scorecard
from dashboard.warehouse import queries
from dashboard.warehouse.engine import make_engine

pytestmark = pytest.mark.e2e


def _districts(demo_dir: Path, key: str):
    e = make_engine(f"duckdb:///{demo_dir / 'warehouse.duckdb'}", read_only=True)
    try:
        with e.connect() as conn:
            p = periods.parse(key, 15)
            now = scorecard.score_columns(queries.kpi_table(conn, p, level="district", territory=True))
            before = scorecard.score_columns(queries.kpi_table(conn, p.previous(), level="district", territory=True))
            return ranking.ranked(now, "score_100", before)
    finally:
        e.dispose()


def _errors(page):
    return [e for e in page.errors if not e.startswith("Failed to load resource")]


def test_trends_page_draws_the_merger_and_the_published_indices(app_url, page):
    page.goto(f"{app_url}/trends?unit=519&period=2024-Q4&scope=territory")
    wait_for_app(page)
    page.get_by_role("heading", name="Xu hướng").wait_for()
    page.get_by_text("Huyện Nông Sơn hết hiệu lực từ 01/01/2025").wait_for()
    charts = page.locator("[data-testid='stPlotlyChart']")
    charts.nth(4).wait_for()
    assert charts.count() >= 5
    # the merger is written on the chart, not only in a hover
    page.locator("text=01/01/2025: Huyện Nông Sơn → Huyện Quế Sơn").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "trends_1920.png"))
    page.get_by_text("SIPAS và PAR Index theo năm").scroll_into_view_if_needed()
    page.locator("text=12/63").first.wait_for()  # Đà Nẵng's PAR Index 2023 rank on the home line
    page.screenshot(path=str(SCREENSHOTS / "trends_published_1920.png"))
    assert not _errors(page), page.errors


def test_scorecard_and_rankings_pages(app_url, page, demo_dir):
    page.goto(f"{app_url}/scorecard?unit=49&period=2025-Q1&scope=territory")
    wait_for_app(page)
    page.get_by_role("heading", name="Chỉ số 766").wait_for()
    page.get_by_text("Ước tính từ dữ liệu hồ sơ của kho, không phải điểm chính thức").wait_for()
    page.locator("table.bdtc-table").get_by_text("Không tính được từ dữ liệu hồ sơ").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "scorecard_1920.png"))

    page.goto(f"{app_url}/rankings?unit=49&period=2025-Q1&group=district&measure=score_100")
    wait_for_app(page)
    page.get_by_role("heading", name="Xếp hạng").wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    # the biggest fall, as the warehouse computes it, is named under the table
    r = _districts(demo_dir, "2025-Q1")
    fell = r[r["movement"].notna() & (r["movement"] < 0)].sort_values(["movement", "name"])
    page.get_by_role("heading", name="Giảm hạng nhiều nhất").wait_for()
    if len(fell):
        worst = fell.iloc[0]
        table = page.locator("table.bdtc-table").last
        table.get_by_text(str(worst["name"]), exact=True).wait_for()
        table.get_by_text(f"↓ {-int(worst['movement'])}").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "rankings_1920.png"))
    assert not _errors(page), page.errors
