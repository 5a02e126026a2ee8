"""Every page in both languages at 1920×1080: drawn without an error, and saved as a screenshot for a
person to look at (tests/e2e/screenshots/pages/)."""

from __future__ import annotations

import pytest
from browser import SCREENSHOTS, wait_for_app

pytestmark = pytest.mark.e2e

#: (name, path and query) — the district map drills into Quế Sơn's communes, the provinces view as well
VIEWS = [
    ("overview", "/overview?period=2025-Q2"),
    ("map", "/?period=2025-Q2"),
    ("map_communes", "/map?period=2025-Q2&district=509"),
    ("map_provinces", "/map?view=provinces"),
    ("overdue", "/overdue?period=2025-Q2"),
    ("trends", "/trends?period=2025-Q2"),
    ("scorecard", "/scorecard?period=2025-Q2"),
    ("rankings", "/rankings?period=2025-Q2"),
    ("report", "/report?period=2025-Q2"),
    ("present", "/present?period=2025-Q2&every=600"),
]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name, path", VIEWS, ids=[v[0] for v in VIEWS])
def test_page_draws_without_error(app_url, page, name, path, lang):
    page.goto(f"{app_url}{path}&lang={lang}")
    wait_for_app(page)
    page.wait_for_function(
        "document.querySelectorAll(\"[data-testid='stSkeleton'], [data-testid='stSkeletonElement']\").length === 0",
        timeout=60_000,
    )
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    out = SCREENSHOTS / "pages"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}_{lang}.png"))  # what a 1920×1080 screen shows first
    if name != "present":  # and the whole page: Streamlit scrolls inside its main block, so grow the window
        height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
        page.set_viewport_size({"width": 1920, "height": min(max(1080, height), 12000)})
        wait_for_app(page)
        page.screenshot(path=str(out / f"{name}_{lang}_full.png"))
    assert not [e for e in page.errors if not e.startswith("Failed to load resource")], page.errors


OVERLAPS_JS = """els => {
  const boxes = els.map(t => {
    const b = t.getBoundingClientRect(); return [t.dataset.code, b.left, b.top, b.right, b.bottom];
  });
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const g = 2;  // touching labels read as one: keep 2 px between them
    if (a[1] < b[3] + g && b[1] < a[3] + g && a[2] < b[4] + g && b[2] < a[4] + g) out.push([a[0], b[0]]);
  }
  return [boxes.length, out];
}"""


@pytest.mark.parametrize("district", ["", "509", "503", "502"])  # district map; Quế Sơn, Hội An, Tam Kỳ communes
def test_map_labels_as_drawn_do_not_overlap(app_url, page, district):
    """The labels' rendered boxes (the browser's font, not the placer's estimate) stay apart."""
    page.goto(f"{app_url}/map?period=2025-Q2" + (f"&district={district}" if district else ""))
    wait_for_app(page)
    page.locator("svg .labels text").first.wait_for(state="attached")
    # the map lives in its component's open shadow root, which Playwright's CSS locators pierce
    n, overlaps = page.locator("svg .labels text").evaluate_all(OVERLAPS_JS)
    assert n >= 5 and not overlaps, overlaps
