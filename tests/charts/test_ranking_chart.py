"""The ranked bar chart as SVG (charts.ranking.ranking_svg): order, bands, target line, text, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from dashboard.charts.ranking import BAND_COLOURS, BAR_END, BAR_START, ranking_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def bars(root: ET.Element) -> list[dict]:
    out = []
    for g in root.iter(f"{SVG}g"):
        texts = [t.text for t in g.iter(f"{SVG}text")]
        rect = g.find(f"{SVG}rect")
        out.append(
            {
                "title": g.find(f"{SVG}title").text,
                "name": texts[0],
                "value": texts[1],
                "width": float(rect.get("width")),
                "fill": rect.get("fill"),
                "y": float(rect.get("y")),
            }
        )
    return out


UNITS = pd.DataFrame(
    {"name": ["Huyện A", "Huyện B", "Huyện C", "Huyện D"], "on_time_rate": [88.0, 97.5, float("nan"), 94.2]}
)


def test_best_first_with_band_colours_and_vi_values():
    b = bars(parse(ranking_svg(UNITS, "on_time_rate", 95.0, "vi", label="Xếp hạng")))
    assert [x["name"] for x in b] == ["Huyện B", "Huyện D", "Huyện A", "Huyện C"]  # no data last
    assert [x["value"] for x in b] == ["97,50 %", "94,20 %", "88,00 %", "không có dữ liệu"]
    assert [x["fill"] for x in b] == [BAND_COLOURS[k] for k in ("ok", "near", "low", "none")]
    assert b[0]["width"] > b[1]["width"] > b[2]["width"] > b[3]["width"] == 0
    assert [x["y"] for x in b] == sorted(x["y"] for x in b)  # top to bottom


def test_bar_lengths_and_the_target_line_share_one_scale():
    root = parse(ranking_svg(UNITS, "on_time_rate", 95.0, "en"))
    line = root.find(f"{SVG}line")
    b = {x["name"]: x for x in bars(root)}

    # the scale runs from 5 points under the lowest of values and target (83) to 104
    def x(v):
        return BAR_START + (v - 83.0) / (104.0 - 83.0) * (BAR_END - BAR_START)

    assert abs(float(line.get("x1")) - x(95.0)) < 0.1
    assert abs(b["Huyện B"]["width"] - (x(97.5) - BAR_START)) < 0.1
    assert "Target 95 %" in "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert b["Huyện D"]["value"] == "94.20 %"


def test_names_are_escaped_and_long_ones_shortened_with_the_full_name_on_hover():
    long = "Sở Nông nghiệp và Phát triển nông thôn <tỉnh> & co"
    markup = ranking_svg(
        pd.DataFrame({"name": [long], "on_time_rate": [99.0]}), "on_time_rate", 95.0, label='a "quoted" <label>'
    )
    assert "<tỉnh>" not in markup and "&lt;tỉnh&gt; &amp; co" in markup
    root = parse(markup)  # well-formed despite the markup characters
    (bar,) = bars(root)
    assert bar["title"] == f"{long}: 99,00 %"
    assert bar["name"].endswith("…") and len(bar["name"]) <= 28 and long.startswith(bar["name"][:-1])
    assert root.get("aria-label") == 'a "quoted" <label>'
    assert re.search(r'viewBox="0 0 560 \d+"', markup)


def test_equal_values_keep_the_order_given():
    df = pd.DataFrame({"name": ["X", "Y", "Z"], "on_time_rate": [96.0, 98.0, 96.0]})
    assert [b["name"] for b in bars(parse(ranking_svg(df, "on_time_rate", 95.0)))] == ["Y", "X", "Z"]
    assert [b["name"] for b in bars(parse(ranking_svg(df.iloc[::-1], "on_time_rate", 95.0)))] == ["Y", "Z", "X"]
