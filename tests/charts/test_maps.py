"""Map figure builders: colours with meaning, labels on the map, no-data grey, payload budgets."""
from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio

from dashboard.charts import maps, ranking
from dashboard.geo import layers


def frame(gj, values):
    codes = [f["id"] for f in gj["features"]]
    return pd.DataFrame({"code": codes, "name": [f["properties"]["name"] for f in gj["features"]],
                         "value": values[: len(codes)], "hover": ["Hạng 1/2"] * len(codes)})


def layer(name):
    return layers.load(next(l for l in layers.read_manifest() if l.name == name))


def test_rate_map_bands_legend_labels_and_no_data(geo_dir):
    gj = layer("qn_districts_2025")
    vals = [97.0, 93.0, 80.0, None] + [96.0] * 13
    fig = maps.choropleth(gj, frame(gj, vals), "value", lang="vi", is_rate=True, target=95.0, legend_title="Tỷ lệ")
    polys = [t for t in fig.data if t.type == "choropleth"]
    legend = {t.name: t.colorscale[0][1] for t in polys}
    assert legend == {"Đạt mục tiêu (≥ 95 %)": ranking.BAND_COLOURS["ok"],
                      "Gần mục tiêu (90 % – dưới 95 %)": ranking.BAND_COLOURS["near"],
                      "Dưới 90 %": ranking.BAND_COLOURS["low"], "không có dữ liệu": ranking.BAND_COLOURS["none"]}
    assert sum(len(t.locations) for t in polys) == 17  # every feature drawn exactly once
    text = next(t for t in fig.data if t.type == "scattergeo").text
    assert "<b>Tam Kỳ<br>97,00 %</b>" in text and any(x.endswith("không có dữ liệu</b>") for x in text)


def test_count_map_has_a_colour_bar_titled_in_the_ui_language(geo_dir):
    gj = layer("qn_districts_2020")
    fig = maps.choropleth(gj, frame(gj, list(range(1000, 1018))), lang="en", is_rate=False,
                          legend_title="Overdue dossiers", colorscale="OrRd")
    poly = [t for t in fig.data if t.type == "choropleth"]
    assert len(poly) == 1 and poly[0].showscale and poly[0].colorbar.title.text == "Overdue dossiers"
    assert "1,017" in " ".join(next(t for t in fig.data if t.type == "scattergeo").text)


def test_provinces_map_outlines_home_and_greys_missing(geo_dir):
    gj = layer("vn_provinces_63")
    pub = pd.DataFrame({"area_code": ["49", "22", "VN"], "score": [84.6, 92.18, 86.98], "rank": [56, 1, None],
                        "rank_of": [63, 63, None], "quality": ["verified"] * 3})
    fig = maps.province_map(gj, pub, lang="vi", home="49")
    scored, grey, outline = [t for t in fig.data if t.type == "choropleth"]
    assert sorted(scored.locations) == ["22", "49"] and len(grey.locations) == 61
    assert grey.name == "chưa có số liệu" and list(outline.locations) == ["49"] and outline.marker.line.width >= 3


def test_figure_payload_budgets(geo_dir):
    for name, budget, n in (("qn_districts_2025", 150_000, 17), ("qn_communes_2025", 350_000, 231)):
        gj = layer(name)
        vals = [90.0 + (i % 10) for i in range(n)]
        fig = maps.choropleth(gj, frame(gj, vals), "value", lang="vi", is_rate=True, target=95.0)
        size = len(pio.to_json(fig, engine="orjson"))
        assert size <= budget, (name, size)
    assert json.dumps(maps.PLOT_CONFIG)  # the config carries the local topojson URL
    assert maps.PLOT_CONFIG["topojsonURL"] == "app/static/"
