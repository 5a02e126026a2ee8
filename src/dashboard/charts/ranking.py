"""Ranked bar chart of a rate per unit, with the target line and values written on the bars: one SVG
renderer for the overview and the projector (no plotly.js for a first visit to download and compile,
about 1–2 s on the test machine)."""

from __future__ import annotations

from html import escape

import pandas as pd

from dashboard import fmt
from dashboard.charts import palette
from dashboard.i18n import t
from dashboard.metrics.targets import band

#: bands around a target (charts/palette.py: Okabe–Ito blue / orange / vermillion)
BAND_COLOURS = palette.BAND_FILL


def rate_axis(vals: pd.Series, target: float) -> tuple[float, float]:
    """The value axis of a ranking: from 5 points under the lowest of the values and the target (not
    below 0) to 104, room for the value written after a bar of 100 %."""
    lo = float(vals.min()) if vals.notna().any() else target
    return max(0.0, min(lo, target) - 5), 104.0


#: the SVG chart's geometry (viewBox units ~ CSS pixels at its usual width)
SVG_WIDTH, LABEL_END, BAR_START, BAR_END, ROW, TOP = 560, 226, 232, 490, 26, 30
NAME_MAX = 28
#: room for a value column ("100,00 %") right of the bars
VALUES_COLUMN = 80
#: white outline under text that may cross the target line
HALO = 'paint-order="stroke" stroke="white" stroke-width="3"'


def short_label(name: str) -> str:
    """A unit's name as the chart writes it (at most NAME_MAX characters, … when cut)."""
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1].rstrip() + "…"


def ranking_svg(
    df: pd.DataFrame,
    value: str,
    target: float,
    lang: str = "vi",
    label: str = "",
    colours: dict[str, str] = BAND_COLOURS,
    *,
    worst_first: bool = False,
    values_column: bool = False,
    max_width: str = "",
) -> str:
    """A bar per unit coloured by its band around `target`, its value written after it (hover: <title>
    with the full name), a dashed target line under the bars. Best first, or worst first (a list of the
    units furthest below target). values_column: the values in a column right of the bars, so the target
    line crosses none of them (the projector); max_width: the largest the drawing may grow to (it fills its
    column, text scaling with it). df: one row per unit with columns name and `value`
    (percent, NaN = no data); units with equal values keep df's order, so a chart drawn from
    `ui.components.ranked` lists them as its table does."""
    d = df.sort_values(value, ascending=worst_first, na_position="last", kind="stable")  # ties: as given
    vals = d[value]
    lo, hi = rate_axis(vals, target)
    if values_column:
        hi = 100.0  # the bars end at the column; values never sit over the bars' area

    def x(v: float) -> float:
        return BAR_START + (min(max(v, lo), hi) - lo) / (hi - lo) * (BAR_END - BAR_START)

    width = SVG_WIDTH + (VALUES_COLUMN if values_column else 0)
    rows = []
    for i, (name, v) in enumerate(zip(d["name"].astype(str), vals)):
        y = TOP + i * ROW
        shown = fmt.percent(v, lang)
        end = x(v) if pd.notna(v) else BAR_START
        vx = BAR_END + 8 if values_column else end + 4
        rows.append(
            f"<g><title>{escape(name)}: {escape(shown)}</title>"
            f'<text x="{LABEL_END}" y="{y + 18}" text-anchor="end">{escape(short_label(name))}</text>'
            f'<rect x="{BAR_START}" y="{y + 4}" width="{end - BAR_START:.1f}" height="{ROW - 8}" '
            f'fill="{colours[band(v, target)]}" stroke="{palette.OUTLINE}" stroke-width="0.8"/>'
            f'<text x="{vx:.1f}" y="{y + 18}" {HALO}>{escape(shown)}</text></g>'
        )
    height = TOP + ROW * len(d) + 8
    tx = x(target)
    caption = escape(t("chart_target", lang, value=fmt.percent(target, lang, 0)))
    style = f' style="max-width: {max_width}"' if max_width else ""
    return (
        f'<svg class="bdtc-rank" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'width="100%" font-size="14" font-family="inherit"{style}>'
        f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP - 4}" y2="{height - 4}" stroke="{palette.LINE}" '
        f'stroke-dasharray="4 3"/>'  # under the bars and their values
        f'<text x="{tx:.1f}" y="{TOP - 10}" text-anchor="middle" {HALO}>{caption}</text>'
        f"{''.join(rows)}</svg>"
    )
