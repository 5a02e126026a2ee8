"""Ranked bar chart of a rate per unit, with the target line and values written on the bars."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt
from dashboard.i18n import t

#: bands around a target (colour-blind-safe blue/orange/red-purple family)
BAND_COLOURS = {"ok": "#1b7837", "near": "#e08214", "low": "#b2182b", "none": "#bdbdbd"}


def band(value: float | None, target: float, near: float = 5.0) -> str:
    if value is None or pd.isna(value):
        return "none"
    if value >= target:
        return "ok"
    return "near" if value >= target - near else "low"


def ranking_bar(df: pd.DataFrame, value: str, target: float, lang: str = "vi", height_per_row: int = 26,
                colours: dict[str, str] = BAND_COLOURS) -> go.Figure:
    """df: one row per unit with columns name and `value` (percent, NaN = no data), best first."""
    d = df.sort_values(value, ascending=True, na_position="first")
    vals = d[value]
    bar_colours = [colours[band(v, target)] for v in vals]
    text = [fmt.percent(v, lang) for v in vals]
    fig = go.Figure(
        go.Bar(
            x=vals.fillna(0), y=d["name"], orientation="h", marker_color=bar_colours, text=text,
            textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    lo = float(vals.min()) if vals.notna().any() else target
    fig.add_vline(x=target, line_dash="dash", line_color="#333",
                  annotation_text=t("chart_target", lang, value=fmt.percent(target, lang, 0)),
                  annotation_position="top")
    fig.update_layout(
        height=max(260, 60 + height_per_row * len(d)), margin=dict(l=10, r=70, t=40, b=20),
        separators=fmt.plotly_separators(lang), showlegend=False, plot_bgcolor="white",
        xaxis=dict(range=[max(0.0, min(lo, target) - 5), 104], ticksuffix=" %", gridcolor="#eee"),
        yaxis=dict(automargin=True), font=dict(size=14),
    )
    return fig
