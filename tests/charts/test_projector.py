"""Projector figures: the worst units read from the worst, and no value is crossed by the target line."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.charts import projector, ranking


def test_worst_slide_reads_from_the_worst_and_keeps_values_off_the_target_line():
    df = pd.DataFrame({"name": ["A", "B", "C", "D"], "on_time_rate": [97.2, 84.7, 93.9, 61.0]})
    svg = projector.worst_slide(df, "on_time_rate", 95.0, "vi", label="Đơn vị thấp nhất")
    rows = re.findall(r"<title>([^<]*)</title>", svg)
    assert rows == ["D: 61,00 %", "B: 84,70 %", "C: 93,90 %", "A: 97,20 %"]  # worst at the top
    # every value stands in the column right of the bars' area, where the target line never is
    value_x = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*paint-order', svg)][1:]  # [0]: target caption
    line_x = float(re.search(r'<line x1="([\d.]+)"', svg)[1])
    assert len(value_x) == 4 and all(x >= ranking.BAR_END + 8 > line_x for x in value_x)
    assert 'style="max-width: 1460px"' in svg and 'aria-label="Đơn vị thấp nhất"' in svg
    # the line is drawn first: the bars and values are painted over it
    assert svg.index("<line ") < svg.index("<rect ")


def test_screen_and_projector_templates():
    from datetime import date

    from dashboard.charts import theme, trends

    df = pd.DataFrame(
        {"year": [2025, 2025], "month": [1, 2], "on_time_rate": [95.5, 93.0], "received": [10, 12], "overdue": [1, 2]}
    )
    fig = trends.rates_with_counts(
        df, ["on_time_rate"], {"on_time_rate": 95.0}, "vi", highlight=(date(2025, 1, 15), date(2025, 2, 14)), cutoff=15
    )
    assert fig.layout.template.layout.font.size == theme.SCREEN_FONT
    assert fig.layout.template.layout.colorway == tuple(projector.palette.LINES)
    slide = projector.trend_slide(df, ("on_time_rate",), {"on_time_rate": 95.0}, "vi")
    assert slide.layout.template.layout.font.size == theme.PROJECTOR_FONT == 32
    assert slide.layout.template.layout.xaxis.tickfont.size == 32
    assert all(a.font.size == 32 for a in slide.layout.annotations)
