"""The 766 estimate month by month, coloured by band."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import config, fmt
from dashboard.charts import palette, theme
from dashboard.i18n import t

#: One colour per 766 band (dark enough for text on white), used by the bars and the rankings table.
BAND_766_COLOURS = palette.BAND_766
NO_DATA_COLOUR = palette.NO_DATA


def score_by_month(df: pd.DataFrame, lang: str, height: int = 380) -> go.Figure:
    """df: rows of metrics.trends.series with scorecard.score_columns (year, month, score_100, score_band)."""
    bands = [b if isinstance(b, str) else None for b in df["score_band"]]
    known = [pd.notna(v) for v in df["score_100"]]
    # value and band written inside the top of each bar (white on the band colour), so the dashed band
    # lines, drawn under the bars, never run through them; a month without data says so above the axis
    fig = go.Figure(
        go.Bar(
            x=[fmt.month(y, m, lang) for y, m in zip(df["year"], df["month"])],
            y=df["score_100"].fillna(0),
            marker_color=[BAND_766_COLOURS.get(b, NO_DATA_COLOUR) for b in bands],
            text=[
                f"{fmt.number(v, lang, 1)}<br>{t(f'band_{b}', lang)}" if ok and b else t("no_data", lang)
                for v, b, ok in zip(df["score_100"], bands, known)
            ],
            textposition=["inside" if ok else "outside" for ok in known],
            insidetextanchor="end",
            textfont=dict(color=["white" if ok else palette.LINE for ok in known]),
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    for k, v in config.BANDS_766[:-1]:
        fig.add_hline(
            y=v,
            line_dash="dot",
            line_color=palette.MUTED,
            annotation_text=t(f"band_{k}", lang),
            annotation_position="right",
            layer="below",
        )
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=80, t=30, b=10),
        separators=fmt.plotly_separators(lang),
        template=theme.SCREEN,
        yaxis=dict(range=[0, 110]),
    )
    return fig
