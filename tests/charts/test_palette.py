"""The palette: colour-blind-safe hues, readable text, fills that stand out from the page, one source."""

from __future__ import annotations

import ast
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
    """Charts, pages, reports and UI take their colours from charts/palette.py: quoted colours, and colours in
    a stylesheet (the map component's, the projector's)."""
    hexes = re.compile(r"['\"]#[0-9a-fA-F]{6}['\"]|(?<=: )#(?:[0-9a-fA-F]{3}){1,2}\b")
    allowed = {ROOT / "src/dashboard/charts/palette.py"}
    files = [*(ROOT / "src/dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
    found = [
        (p.relative_to(ROOT), m.group(0))
        for p in files
        if p not in allowed
        for m in hexes.finditer(p.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_streamlit_badges_and_deltas_use_the_same_safe_hues():
    """Streamlit's own green/red pairs (metric deltas, badges) are the pair colour-blind readers confuse."""
    assert "green" not in palette.ST_BAND.values() and "green" not in palette.ST_BAND_766.values()
    assert palette.st_delta(95.1, 95.0) == "blue" and palette.st_delta(94.0, 95.0) == "red"
    assert palette.st_delta(None, 95.0) == palette.st_delta(95.0, 95.0) == "gray"
    files = [*(ROOT / "src/dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    assert not [p.name for p in files if '"green"' in p.read_text(encoding="utf-8")]
    for p in files:  # every st.metric with a delta names its colour (the default is green up, red down)
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.metric":
                keywords = {k.arg for k in node.keywords}
                if len(node.args) >= 3 or "delta" in keywords:
                    assert "delta_color" in keywords, (p.name, node.lineno)
