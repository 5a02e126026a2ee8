"""The palette: colour-blind-safe hues, readable text, fills that stand out from the page, one source."""

from __future__ import annotations

import re

from helpers import ROOT

from dashboard.charts import palette


def test_text_colours_read_on_white_and_white_reads_on_bars():
    for name, colour in palette.BAND_TEXT.items():
        assert palette.contrast(colour) >= 4.5, name
    for name, colour in palette.BAND_766.items():  # white text inside a 766 bar, band colour as text on white
        assert palette.contrast(colour) >= 4.5, name
    for colour in (palette.MOVE_UP, palette.MOVE_DOWN, palette.INK, palette.MUTED):
        assert palette.contrast(colour) >= 4.5


def test_band_fills_stand_out_from_the_page_or_have_an_outline_that_does():
    assert palette.contrast(palette.OUTLINE) >= 3
    for name, colour in palette.BAND_FILL.items():
        if name != "none":
            assert palette.contrast(colour) >= 3 or palette.contrast(palette.OUTLINE) >= 3


def test_bands_are_okabe_ito_hues():
    assert palette.BAND_FILL["ok"] == "#0072B2" and palette.BAND_FILL["near"] == "#E69F00"
    assert palette.BAND_FILL["low"] == "#D55E00"
    assert palette.contrast("#FFFFFF", "#000000") == 21.0


def test_no_colour_is_written_outside_the_palette():
    """Charts, pages, reports and UI take their colours from charts/palette.py (the map component's and the
    projector's stylesheets keep their own greys, which are CSS, not data colours)."""
    hexes = re.compile(r"['\"]#[0-9a-fA-F]{6}['\"]")
    allowed = {ROOT / "src/dashboard/charts/palette.py"}
    files = [*(ROOT / "src/dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
    found = [
        (p.relative_to(ROOT), m.group(0))
        for p in files
        if p not in allowed
        for m in hexes.finditer(p.read_text(encoding="utf-8"))
    ]
    assert not found, found
