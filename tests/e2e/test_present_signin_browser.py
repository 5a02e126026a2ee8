"""Projector mode and a department head's sign-in in a real browser (1920×1080 screenshots)."""

from __future__ import annotations

import re

import pytest
from browser import HEAD, SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.e2e
FOOTER = re.compile(r"Trang (\d)/(\d)")


def _slide(page) -> tuple[int, int]:
    text = page.get_by_text(FOOTER).first.inner_text()
    i, n = FOOTER.search(text).groups()
    return int(i), int(n)


def _wait_slide(page, i: int, n: int, timeout: float = 30_000) -> None:
    page.get_by_text(f"Trang {i}/{n}").first.wait_for(timeout=timeout)


def test_the_projector_cycles_through_readable_slides_without_reloading(app_url, page):
    # first the slide at rest (a 10-minute interval), so a load slower than the interval cannot move it
    page.goto(f"{app_url}/?present=1&every=600&period=2025-Q1&unit=49&scope=territory")
    wait_for_app(page)
    _wait_slide(page, 1, 4)
    # no sidebar (not drawn at all) and no toolbar: the slide has the whole screen. The toolbar is hidden
    # by the slide's style element, which the browser may render a moment after the footer text.
    assert page.locator("[data-testid='stSidebar']").count() == 0
    page.locator("[data-testid='stHeader']").wait_for(state="hidden", timeout=10_000)
    assert not page.locator("[data-testid='stToolbar']").is_visible()
    heading = page.locator("h1").first
    assert heading.inner_text().startswith("Tỷ lệ đúng hạn")
    # type large enough for a room: the slide title at 64 px, body text at 36 px
    assert heading.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 60
    assert page.locator("table.bdtc-table td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 36
    page.locator("svg path[data-code]").first.wait_for()  # the map
    # map labels as drawn on screen (font size in the drawing's units × the drawing's scale)
    shown = page.locator("svg .labels text").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize) * e.ownerSVGElement.getBoundingClientRect().width"
        " / e.ownerSVGElement.viewBox.baseVal.width"
    )
    assert shown >= 28, shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "present_1_map_1920.png"))
    # on a 1280-pixel projector too, no button's label is cut short ("‖ D…" for "‖ Dừng" in equal columns)
    page.set_viewport_size({"width": 1280, "height": 800})
    cut = page.locator("button[data-testid^='stBaseButton']").evaluate_all(
        "bs => bs.flatMap(b => [...b.querySelectorAll('*')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(() => b.innerText.replace(/\\s+/g, ' ')))"
    )
    assert page.get_by_role("button", name="Thoát").is_visible() and not cut, cut
    page.set_viewport_size({"width": 1920, "height": 1080})
    # then every 5 s: it advances by itself, in the same document
    page.goto(f"{app_url}/?present=1&every=5&period=2025-Q1&unit=49&scope=territory")
    wait_for_app(page)
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    body = page.get_by_text(FOOTER).first
    names = {2: "present_2_worst_1920.png", 3: "present_3_trends_1920.png", 4: "present_4_overdue_1920.png"}
    _wait_slide(page, 2, 4)  # by itself
    wait_for_app(page)
    page.screenshot(path=str(SCREENSHOTS / names[2]))

    # keyboard: Space pauses, → and ← step while paused (the other slides, without waiting out the timer)
    page.locator("h1").first.click()
    page.keyboard.press("Space")
    page.get_by_text("đang dừng").first.wait_for()
    start, n = _slide(page)
    i = start
    for _ in range(n):  # round all of them, past the last back to the first: it wraps
        page.keyboard.press("ArrowRight")
        i = i % n + 1
        _wait_slide(page, i, n)
        if i in names and i != 2:
            wait_for_app(page)
            page.screenshot(path=str(SCREENSHOTS / names[i]))
    assert i == start
    page.keyboard.press("ArrowLeft")
    _wait_slide(page, (start - 2) % n + 1, n)
    assert page.evaluate("window.__sameDocument") is True
    assert body.is_visible()
    assert page.get_by_text("đang dừng").first.is_visible()
    assert page.evaluate("window.__sameDocument") is True


def sign_in(page) -> None:
    page.get_by_label("Tên đăng nhập").fill(HEAD[0])
    page.get_by_label("Mật khẩu").fill(HEAD[1])
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("[data-testid='stSidebar']").get_by_text("Nguyễn Thị Lan").wait_for()
    wait_for_app(page)


def test_a_department_head_signs_in_lands_on_her_unit_and_cannot_leave_it(signed_app_url, page):
    page.goto(f"{signed_app_url}/overdue?unit=49&period=2025-Q1&scope=territory")
    wait_for_app(page)
    page.get_by_role("heading", name="Bản đồ thể chế").wait_for()
    assert page.locator("[data-testid='stMetric']").count() == 0  # nothing before signing in
    sign_in(page)
    wait_for_app(page)
    # the link named the province: she sees her district instead
    page.get_by_text("Huyện Quế Sơn · Quý 1/2025").first.wait_for()
    page.get_by_text("Nguyễn Thị Lan").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "signed_in_overdue_1920.png"))
    assert "Thành phố Tam Kỳ" not in page.locator("[data-testid='stMain']").inner_text()
    # she edits the URL to Tam Kỳ (502): a new page load is a new session, so she signs in again, and
    # still sees her unit and nothing of Tam Kỳ
    page.goto(f"{signed_app_url}/overdue?unit=502&period=2025-Q1&scope=territory")
    wait_for_app(page)
    sign_in(page)
    page.get_by_text("Huyện Quế Sơn · Quý 1/2025").first.wait_for()
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Tam Kỳ" not in main and "Hội An" not in main
    # the unit picker offers her district and its communes only
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").nth(1).click()
    page.locator("[role='option']").first.wait_for()  # all_inner_texts does not wait for the list to open
    options = page.locator("[role='option']").all_inner_texts()
    # (Nông Sơn too: Q1/2025 straddles its merger into Quế Sơn on 01/01/2025)
    assert "Huyện Quế Sơn" in options and "Thành phố Tam Kỳ" not in options
    assert all(o in ("Huyện Quế Sơn", "Huyện Nông Sơn") or o.startswith(("Xã ", "Thị trấn ")) for o in options), options
    page.keyboard.press("Escape")
    # the map holds her district's communes only
    page.goto(f"{signed_app_url}/map?unit=49&period=2025-Q1")
    wait_for_app(page)
    sign_in(page)
    page.locator("svg path[data-code]").first.wait_for()
    main = page.locator("[data-testid='stMain']").inner_text()
    on_map = " ".join(page.locator("svg .labels text").all_text_contents())
    assert "Tam Kỳ" not in main and "Tam Kỳ" not in on_map and "Quế" in on_map
    page.screenshot(path=str(SCREENSHOTS / "signed_in_map_1920.png"))
