"""Figures for the projector: the same charts with type readable at 6 m on a 1920×1080 projector and
Okabe–Ito colours, which stay distinct under the common colour-vision deficiencies."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import maps, palette, theme, trends
from dashboard.charts.ranking import ranking_svg

#: A 16:9 slide is 13.3 in wide, so at 1920 px one point is 2 px: the usual floor for slides read
#: across a room, 18 pt, is 36 px (the page's body text); chart text 32 px, map labels 26 units (~32 px on
#: the slide's map column).
FONT = theme.PROJECTOR_FONT
LABEL = 26
#: the same Okabe–Ito bands as the pages (charts/palette.py)
BANDS = palette.BAND_FILL


def enlarge(fig: go.Figure) -> go.Figure:
    """A screen figure at projector size: the projector template (axes, legend, hover), and the texts a
    figure sets itself (annotations, labels on marks) made as large and black."""
    fig.update_layout(template=theme.PROJECTOR)
    for a in fig.layout.annotations or ():
        a.font = dict(size=FONT, color=palette.BLACK)
    for tr in fig.data:
        if "textfont" in tr:
            tr.textfont = dict(size=FONT, color=palette.BLACK)
    return fig


def map_slide(
    geojson: dict, frame: pd.DataFrame, *, lang: str, is_rate: bool, target: float | None, legend_title: str
) -> maps.MapFigure:
    # names only on the map (values would pile up over the small eastern districts): the slide lists
    # the values beside it
    return maps.choropleth(
        geojson,
        frame,
        lang=lang,
        is_rate=is_rate,
        target=target,
        label_size=LABEL,
        legend_title=legend_title,
        colours=BANDS,
        colorscale="Cividis",
        label_values=False,
        line=1.5,
    )


def worst_slide(df: pd.DataFrame, value: str, target: float, lang: str, label: str = "") -> str:
    """The units of df as the overview's ranking (one SVG renderer), worst at the top, in projector colours
    and type: values in a column right of the bars, so the dashed target line crosses none of them."""
    # the 640-unit drawing shown 1460 px wide: its 14-unit text is 32 px on a 1920 px slide
    return ranking_svg(
        df, value, target, lang, label=label, colours=BANDS, worst_first=True, values_column=True, max_width="1460px"
    )


def trend_slide(s: pd.DataFrame, rates: tuple[str, ...], targets: dict[str, float], lang: str) -> go.Figure:
    """The unit's monthly rates (in the trend page's Okabe–Ito colours), thick lines, the targets dashed."""
    fig = trends.rates_with_counts(s, rates, targets, lang, bars=("received",), height=760)
    fig.update_traces(line_width=6, marker_size=14, selector=dict(type="scatter"))
    fig.update_layout(
        legend=dict(orientation="h", y=1.08, x=0), hovermode=False, margin=dict(r=240)
    )  # the target labels at projector size
    fig.update_yaxes(tickformat=",d", row=2, col=1)
    return enlarge(fig)
