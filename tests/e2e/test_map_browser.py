"""The map page in a real browser, with every request that is not to this machine blocked."""

from __future__ import annotations

import re

import pytest
from browser import SCREENSHOTS, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def offline(page):
    """Abort any request leaving localhost, and record 4xx/5xx responses."""
    page.outside, page.failed = [], []

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "http://localhost")):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("response", lambda resp: page.failed.append(resp.url) if resp.status >= 400 else None)
    return page


def no_real_errors(page) -> None:
    assert not page.outside, page.outside  # nothing tried to reach a CDN or a tile server
    # Streamlit probes <page path>/_stcore/* to find its base URL before falling back to /: those 404s are expected
    unexpected = [u for u in page.failed if "/_stcore/" not in u]
    assert not unexpected, unexpected
    errors = [e for e in page.errors if not e.startswith("Failed to load resource")]
    assert not errors, errors


def map_paths(page):
    """The units drawn on the first map (inside the component's open shadow root, which CSS locators pierce)."""
    return page.locator("svg path[data-code]")


def test_district_map_renders_offline_with_names(app_url, offline, geo_pack):
    offline.goto(f"{app_url}/map?period=2025-Q1")
    wait_for_app(offline)
    map_paths(offline).first.wait_for()
    # the district-level units of early 2025: Quảng Nam's 17 and old Đà Nẵng's 8
    assert map_paths(offline).count() == 17 + 8
    texts = offline.locator("svg .labels text").evaluate_all("els => els.map(e => e.textContent)")
    assert len(texts) == 17 + 8 and any(x.startswith("Hội An") and x.endswith("%") for x in texts)
    assert offline.get_by_text("Đạt mục tiêu (≥ 95 %)").count() >= 1  # legend in the UI language
    # drawn: the polygons have a size on screen, and a label's box lies inside the map
    box = map_paths(offline).first.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 20
    # hover: name, value, rank among peers and the counts behind the rate
    quế_sơn = offline.locator("svg path[data-code='509']")
    quế_sơn.hover()
    tip = offline.locator(".tip")
    tip.wait_for()
    lines = tip.inner_text().splitlines()
    assert lines[0] == "Huyện Quế Sơn" and lines[1].endswith("%") and any(x.startswith("Hạng ") for x in lines)
    assert any("hồ sơ" in x for x in lines)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    offline.screenshot(path=str(SCREENSHOTS / "map_districts.png"))
    no_real_errors(offline)


def test_the_landing_page_is_todays_city_map_and_a_click_opens_a_communes_overdue_list(app_url, offline, geo_pack):
    offline.goto(app_url)  # what a newcomer's `make start` opens
    wait_for_app(offline)
    expect(map_paths(offline)).to_have_count(94, timeout=30_000)  # the city's communes, no district level
    assert "period=2025-Q4" in offline.url and "unit=48" in offline.url  # the latest complete quarter
    expect(offline.get_by_role("heading", name="Bản đồ", exact=False).first).to_be_visible()
    code = map_paths(offline).first.get_attribute("data-code")
    map_paths(offline).first.click()
    link = offline.get_by_role("link", name=re.compile("Mở danh sách hồ sơ quá hạn"))
    expect(link).to_have_attribute("href", re.compile(f"unit={code}\\b.*period=2025-Q4"))
    link.click()
    expect(offline.get_by_role("heading", name="Hồ sơ quá hạn", exact=True)).to_be_visible(timeout=30_000)
    assert f"unit={code}" in offline.url
    no_real_errors(offline)


def test_a_click_on_a_district_opens_its_communes_and_a_click_on_a_commune_its_overdue_link(app_url, offline, geo_pack):
    offline.goto(f"{app_url}/map?period=2025-Q1")
    wait_for_app(offline)
    offline.locator("svg path[data-code='509']").click()  # Huyện Quế Sơn
    offline.get_by_text("Xếp hạng cấp xã").wait_for()
    wait_for_app(offline)
    assert "district=509" in offline.url
    assert 10 <= map_paths(offline).count() <= 20
    code = map_paths(offline).first.get_attribute("data-code")
    map_paths(offline).first.click()
    link = offline.get_by_role("link", name=re.compile("Mở danh sách hồ sơ quá hạn"))
    link.wait_for()
    href = link.get_attribute("href")
    assert f"unit={code}" in href and "period=2025-Q1" in href and "scope=own" in href
    offline.screenshot(path=str(SCREENSHOTS / "map_communes_que_son.png"))
    name = offline.locator(f"svg path[data-code='{code}']").get_attribute("data-tip").split("\n")[0]
    link.click()  # and on to the commune's overdue dossiers
    offline.get_by_role("heading", name="Hồ sơ quá hạn", exact=True).wait_for()
    wait_for_app(offline)
    offline.get_by_text(f"{name} · Quý 1/2025").first.wait_for()
    assert f"unit={code}" in offline.url
    no_real_errors(offline)


def test_drill_to_a_districts_communes_through_the_selectbox(app_url, offline, geo_pack):
    offline.goto(f"{app_url}/map?period=2025-Q1")
    wait_for_app(offline)
    map_paths(offline).first.wait_for()
    box = offline.locator("[data-testid='stSelectbox']").filter(has_text="Xem các xã của huyện")
    box.click()
    offline.keyboard.type("Hội An")
    offline.keyboard.press("Enter")
    offline.get_by_text("Xếp hạng cấp xã").wait_for()
    wait_for_app(offline)
    assert "district=503" in offline.url
    assert 10 <= map_paths(offline).count() <= 15  # Hội An's wards and communes
    offline.get_by_role("button", name="← Quay lại bản đồ cấp huyện").wait_for()
    offline.screenshot(path=str(SCREENSHOTS / "map_communes_hoi_an.png"))
    no_real_errors(offline)
