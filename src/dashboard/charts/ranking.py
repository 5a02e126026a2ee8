"""Ranked bar chart of a rate per unit, with the target line and values written on the bars: as a plotly
figure (the projector), or as SVG markup (the overview: no plotly.js for a first visit to download and
compile, about 1–2 s on the test machine)."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt
from dashboard.charts import palette
from dashboard.i18n import t
from dashboard.metrics.targets import band

#: bands around a target (colour-blind-safe blue/orange/red-purple family)
BAND_COLOURS = palette.BAND_FILL


def rate_axis(vals: pd.Series, target: float) -> tuple[float, float]:
    """The value axis of a ranking: from 5 points under the lowest of the values and the target (not
    below 0) to 104, room for the value written after a bar of 100 %."""
    lo = float(vals.min()) if vals.notna().any() else target
    return max(0.0, min(lo, target) - 5), 104.0


def ranking_bar(
    df: pd.DataFrame,
    value: str,
    target: float,
    lang: str = "vi",
    height_per_row: int = 26,
    colours: dict[str, str] = BAND_COLOURS,
    worst_on_top: bool = False,
) -> go.Figure:
    """df: one row per unit with columns name and `value` (percent, NaN = no data). Best at the top, or
    the worst when worst_on_top (a list of the units furthest below target reads from its worst)."""
    # plotly draws the first category at the bottom
    d = df.sort_values(value, ascending=not worst_on_top, na_position="first")
    vals = d[value]
    bar_colours = [colours[band(v, target)] for v in vals]
    text = [fmt.percent(v, lang) for v in vals]
    fig = go.Figure(
        go.Bar(
            x=vals.fillna(0),
            y=d["name"],
            orientation="h",
            marker_color=bar_colours,
            marker_line=dict(color=palette.OUTLINE, width=0.8),  # a light fill still stands out from the page
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.add_vline(
        x=target,
        line_dash="dash",
        line_color=palette.LINE,
        annotation_text=t("chart_target", lang, value=fmt.percent(target, lang, 0)),
        annotation_position="top",
    )
    fig.update_layout(
        height=max(260, 60 + height_per_row * len(d)),
        margin=dict(l=10, r=70, t=40, b=20),
        separators=fmt.plotly_separators(lang),
        showlegend=False,
        plot_bgcolor="white",
        xaxis=dict(range=list(rate_axis(vals, target)), ticksuffix=" %", gridcolor=palette.GRID),
        yaxis=dict(automargin=True),
        font=dict(size=14),
    )
    return fig


#: the SVG chart's geometry (viewBox units ~ CSS pixels at its usual width)
SVG_WIDTH, LABEL_END, BAR_START, BAR_END, ROW, TOP = 560, 226, 232, 490, 26, 30
NAME_MAX = 28
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
) -> str:
    """The same chart as `ranking_bar`, as an inline SVG: best first, a bar per unit coloured by its band
    around `target`, its value written after it (hover: <title> with the full name), a dashed target line.
    df: one row per unit with columns name and `value` (percent, NaN = no data); units with equal values
    keep df's order, so a chart drawn from `ui.components.ranked` lists them as its table does."""
    d = df.sort_values(value, ascending=False, na_position="last", kind="stable")  # ties: as given
    vals = d[value]
    lo, hi = rate_axis(vals, target)

    def x(v: float) -> float:
        return BAR_START + (min(max(v, lo), hi) - lo) / (hi - lo) * (BAR_END - BAR_START)

    rows = []
    for i, (name, v) in enumerate(zip(d["name"].astype(str), vals)):
        y = TOP + i * ROW
        shown = fmt.percent(v, lang)
        end = x(v) if pd.notna(v) else BAR_START
        rows.append(
            f"<g><title>{escape(name)}: {escape(shown)}</title>"
            f'<text x="{LABEL_END}" y="{y + 18}" text-anchor="end">{escape(short_label(name))}</text>'
            f'<rect x="{BAR_START}" y="{y + 4}" width="{end - BAR_START:.1f}" height="{ROW - 8}" '
            f'fill="{colours[band(v, target)]}" stroke="{palette.OUTLINE}" stroke-width="0.8"/>'
            f'<text x="{end + 4:.1f}" y="{y + 18}" {HALO}>{escape(shown)}</text></g>'
        )
    height = TOP + ROW * len(d) + 8
    tx = x(target)
    caption = escape(t("chart_target", lang, value=fmt.percent(target, lang, 0)))
    return (
        f'<svg class="bdtc-rank" viewBox="0 0 {SVG_WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'width="100%" font-size="14" font-family="inherit">'
        f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP - 4}" y2="{height - 4}" stroke="{palette.LINE}" '
        f'stroke-dasharray="4 3"/>'  # under the bars and their values
        f'<text x="{tx:.1f}" y="{TOP - 10}" text-anchor="middle" {HALO}>{caption}</text>'
        f"{''.join(rows)}</svg>"
    )
