"""Today's map in a real browser at 1920×1080 (issue 20): the city's 94 communes after 01/07/2025,
labelled, with Hoàng Sa as an inset; both old provinces' districts in 2024. Screenshots are saved to look at."""

from __future__ import annotations

import pytest
from browser import SCREENSHOTS, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_city_map_after_the_reform(territory_app_url, page):
    page.goto(f"{territory_app_url}/map?period=2025-Q4&unit=48")
    wait_for_app(page)
    expect(page.get_by_text("không còn cấp huyện", exact=False)).to_be_visible()
    areas = page.locator("svg g.areas path[data-code]")
    expect(areas).to_have_count(94, timeout=30_000)
    labels = page.locator("svg text")
    assert labels.count() >= 40  # names and values that fit are written on the map; the rest on hover
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map_city_2025Q4.png"))
    assert not [e for e in page.errors if "favicon" not in e], page.errors


def test_2024_shows_both_old_provinces_districts(territory_app_url, page):
    page.goto(f"{territory_app_url}/map?period=2024&unit=48")
    wait_for_app(page)
    areas = page.locator("svg g.areas path[data-code]")
    expect(areas).to_have_count(26, timeout=30_000)  # 18 of Quảng Nam and 8 of old Đà Nẵng (Hoàng Sa inset)
    page.screenshot(path=str(SCREENSHOTS / "map_two_provinces_2024.png"))
    assert not [e for e in page.errors if "favicon" not in e], page.errors
