"""Every colour the dashboard draws with: one place, safe for colour-blind readers, checked for contrast.

Okabe & Ito's palette (2008) stays apart under the common colour-vision deficiencies: blue for a rate on
target, orange near it, vermillion below it, the same on the pages, the projector, the PDF and the
workbook. Fills that are light (orange) are drawn with a dark outline; text written in a band's colour
uses a darker shade of it, at least 4.5:1 on white (WCAG 1.4.3). tests/charts/test_palette.py checks both.
"""

from __future__ import annotations

#: Okabe–Ito, in their order of distinctness
BLUE, ORANGE, GREEN, PURPLE, VERMILLION, SKY, YELLOW, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
#: lines of a chart, one per series
LINES = (BLUE, ORANGE, GREEN, PURPLE, VERMILLION, SKY, BLACK)

#: a rate against its target (metrics.targets.band): fills of map areas and bars
BAND_FILL = {"ok": BLUE, "near": ORANGE, "low": VERMILLION, "none": "#BBBBBB"}
#: the same bands as text on white (table cells, values): darker shades, ≥ 4.5:1
BAND_TEXT = {"ok": "#005A8C", "near": "#9A6700", "low": "#A84400", "none": "#5C5C5C"}
#: outline of filled marks, so a light fill still stands 3:1 from the page (WCAG 1.4.11)
OUTLINE = "#444444"

#: the 766 bands, best first: dark enough for white text inside a bar and for text on white
BAND_766 = {"excellent": "#00466E", "good": BLUE, "fair": "#6C6C6C", "average": "#9A6700", "weak": "#A84400"}
NO_DATA = "#BBBBBB"

#: counts beside the rates: dossiers received (light), received online, overdue
BARS = {"received": "#9ECAE1", "received_online": "#3C8DC4", "overdue": VERMILLION}
#: the chosen period's shading on a time axis
SHADE = "#FEE08B"
#: the home province's outline on the provinces map
HOME = "#D7191C"
#: neutral greys: text, axes and lines, grid
INK, MUTED, LINE, GRID = "#111111", "#555555", "#333333", "#EEEEEE"
#: the map component: the page's white, leader lines of labels moved aside, the tooltip's and legend's edges
WHITE, LEADER, TIP_EDGE, KEY_EDGE = "#FFFFFF", "#222222", "#888888", "#666666"
#: up or down a ranking
MOVE_UP, MOVE_DOWN = BAND_TEXT["ok"], BAND_TEXT["low"]
#: Streamlit's named colours (badges, metric deltas) for the bands: blue / orange / red, no green
ST_BAND = {"ok": "blue", "near": "orange", "low": "red", "none": "gray"}
ST_BAND_766 = {"excellent": "blue", "good": "blue", "fair": "gray", "average": "orange", "weak": "red"}


def st_delta(now: float | None, before: float | None) -> str:
    """st.metric's delta colour for a change of a rate where up is good: blue up, red down, grey flat."""
    if now is None or before is None or now == before:
        return "gray"
    return "blue" if now > before else "red"


#: the workbook's header and group rows
SHEET_HEAD, SHEET_GROUP = "#DDEBF7", "#F2F2F2"


def contrast(a: str, b: str = "#FFFFFF") -> float:
    """WCAG contrast ratio of two colours (#RRGGBB), 1 to 21."""

    def luminance(h: str) -> float:
        r, g, b_ = (int(h.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

        def lin(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b_)

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rgb(colour: str) -> tuple[int, int, int]:
    """#RRGGBB as three 0–255 numbers (fpdf2's colours)."""
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
