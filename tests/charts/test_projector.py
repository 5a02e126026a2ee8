"""Projector figures: the worst units read from the worst, and no value is crossed by the target line."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import projector


def test_worst_slide_reads_from_the_worst_and_keeps_values_off_the_target_line():
    df = pd.DataFrame({"name": ["A", "B", "C", "D"], "on_time_rate": [97.2, 84.7, 93.9, 61.0]})
    fig = projector.worst_slide(df, "on_time_rate", 95.0, "vi")
    bar = fig.data[0]
    assert list(bar.y)[-1] == "D" and list(bar.y)[0] == "A"  # plotly's last category is the top row
    assert bar.text is None or not any(bar.text)
    values = [a for a in fig.layout.annotations if a.xref == "paper"]
    assert {a.y: a.text for a in values} == {"A": "97,20 %", "B": "84,70 %", "C": "93,90 %", "D": "61,00 %"}
    # right of the plot area (paper x = 1), where the axis and the target line end
    assert all(a.x == 1.0 and a.xanchor == "left" for a in values)
    assert fig.layout.xaxis.range[1] <= 100.5 and all(s.layer == "below" for s in fig.layout.shapes)
