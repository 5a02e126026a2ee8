"""A rate is judged as it is shown: the colour and the 'below target' counts agree with the printed value."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt
from dashboard.metrics.targets import band, below


def test_a_rate_that_reads_95_00_meets_a_95_target():
    assert fmt.percent(94.996, "vi") == "95,00 %" and band(94.996, 95.0) == "ok"
    assert fmt.percent(94.994, "vi") == "94,99 %" and band(94.994, 95.0) == "near"
    assert band(89.996, 95.0) == "near" and band(89.994, 95.0) == "low"
    assert band(None, 95.0) == band(float("nan"), 95.0) == "none"
    assert list(below(pd.Series([94.996, 94.994, None, 96.0]), 95.0)) == [False, True, False, False]


def test_the_map_legend_and_the_ranking_caption_count_the_same_units():
    from dashboard.charts import maps

    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": c,
                "properties": {"name": c, "x": 108.0 + i / 10, "y": 15.5},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[108 + i / 10, 15.4], [108.09 + i / 10, 15.4], [108.09 + i / 10, 15.6], [108 + i / 10, 15.4]]
                    ],
                },
            }
            for i, c in enumerate("ABCD")
        ],
    }
    df = pd.DataFrame({"code": list("ABCD"), "name": list("ABCD"), "value": [94.996, 94.994, 80.0, 97.0]})
    fig = maps.choropleth(gj, df, lang="vi", is_rate=True, target=95.0)
    coloured_below = sum(a.fill in (maps.BAND_COLOURS["near"], maps.BAND_COLOURS["low"]) for a in fig.areas)
    assert coloured_below == int(below(df["value"], 95.0).sum()) == 2
