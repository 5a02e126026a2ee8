"""The plotly templates: one for the screen, one for the projector. Figure builders set `template=` and
keep only what is theirs (axes' ranges and formats, legends' places); fonts, the background, the grid and
the line colours come from here (colours from palette.py)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import palette

#: the pages' chart text (px)
SCREEN_FONT = 14
#: chart text on a 1920×1080 projector, readable at 6 m: 16 pt ≈ 32 px (the slides' body text is 36 px)
PROJECTOR_FONT = 32


def _template(size: int, colour: str) -> go.layout.Template:
    axis = dict(
        gridcolor=palette.GRID, tickfont=dict(size=size, color=colour), title_font=dict(size=size, color=colour)
    )
    return go.layout.Template(
        layout=dict(
            font=dict(size=size, color=colour),
            colorway=list(palette.LINES),
            plot_bgcolor="white",
            paper_bgcolor="white",
            hoverlabel=dict(font=dict(size=size)),
            legend=dict(font=dict(size=size, color=colour), title=dict(font=dict(size=size, color=colour))),
            xaxis=axis,
            yaxis=axis,
        )
    )


SCREEN = _template(SCREEN_FONT, palette.INK)
PROJECTOR = _template(PROJECTOR_FONT, palette.BLACK)
