"""SVG map builders: colours with meaning, labels on the map that do not cover each other, no-data
grey, the home outline, north up, and the payload budgets."""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest

from dashboard.charts import maps, ranking
from dashboard.geo import layers


def frame(gj, values):
    codes = [f["id"] for f in gj["features"]]
    return pd.DataFrame(
        {
            "code": codes,
            "name": [f["properties"]["name"] for f in gj["features"]],
            "value": values[: len(codes)],
            "hover": ["Hạng 1/2"] * len(codes),
        }
    )


def layer(name):
    return layers.load(next(l for l in layers.read_manifest() if l.name == name))


def label_texts(fig) -> list[str]:
    """Each label's lines joined by a space, as the SVG writes them."""
    return [
        " ".join(unescape(s) for s in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t))
        for t in re.findall(r"<text [^>]*>(.*?)</text>", fig.html)
    ]


def test_rate_map_bands_legend_labels_and_no_data(geo_dir):
    gj = layer("qn_districts_2025")
    vals = [97.0, 93.0, 80.0, None] + [96.0] * 13
    fig = maps.choropleth(gj, frame(gj, vals), "value", lang="vi", is_rate=True, target=95.0, legend_title="Tỷ lệ")
    assert list(fig.legend) == [
        (ranking.BAND_COLOURS["ok"], "Đạt mục tiêu (≥ 95 %)"),
        (ranking.BAND_COLOURS["near"], "Gần mục tiêu (90 % – dưới 95 %)"),
        (ranking.BAND_COLOURS["low"], "Dưới 90 %"),
        (ranking.BAND_COLOURS["none"], "không có dữ liệu"),
    ]
    assert fig.html.count('<path d="') == 17  # every feature drawn exactly once
    by_code = {a.code: a for a in fig.areas}
    first, fourth = gj["features"][0]["id"], gj["features"][3]["id"]
    assert by_code[first].fill == ranking.BAND_COLOURS["ok"] and by_code[fourth].fill == ranking.BAND_COLOURS["none"]
    assert f'data-code="{first}"' in fig.html and f'fill="{ranking.BAND_COLOURS["low"]}"' in fig.html
    texts = label_texts(fig)
    assert len(texts) == 17 and "Tam Kỳ 97,00 %" in texts and any(x.endswith("không có dữ liệu") for x in texts)
    assert "Hạng 1/2" in by_code[first].tip and by_code[first].tip.startswith("Thành phố Tam Kỳ\n97,00 %")
    assert "<b>Tỷ lệ</b>" in fig.html  # the legend's title


def test_count_map_classes_in_the_ui_language(geo_dir):
    gj = layer("qn_districts_2020")
    fig = maps.choropleth(
        gj,
        frame(gj, list(range(1000, 1018))),
        lang="en",
        is_rate=False,
        legend_title="Overdue dossiers",
        colorscale="OrRd",
    )
    assert len(fig.legend) == 5 and fig.legend[0][1] == "1,000 – 1,003" and fig.legend[-1][1].endswith("1,017")
    assert len({c for c, _ in fig.legend}) == 5  # five distinct colours, light to dark
    assert "1,017" in " ".join(label_texts(fig)) and "<b>Overdue dossiers</b>" in fig.html
    fills = {a.code: a.fill for a in fig.areas}
    codes = [f["id"] for f in gj["features"]]
    assert fills[codes[0]] == fig.legend[0][0] and fills[codes[-1]] == fig.legend[-1][0]


def test_classes_hold_every_value_once():
    values = [0, 0, 1, 2, 3, 5, 8, 13, 21, 34, None]
    bounds = maps.classes(values)
    assert bounds == sorted(bounds) and bounds[-1] == 34
    for v in values[:-1]:  # each value in the first class whose bound it does not exceed
        assert any(v <= b for b in bounds)
    assert maps.classes([None]) == [] and maps.classes([7, 7, 7]) == [7]


def test_provinces_map_outlines_home_and_greys_missing(geo_dir):
    gj = layer("vn_provinces_63")
    pub = pd.DataFrame(
        {
            "area_code": ["49", "22", "VN"],
            "score": [84.6, 92.18, 86.98],
            "rank": [56, 1, None],
            "rank_of": [63, 63, None],
            "quality": ["verified"] * 3,
        }
    )
    fig = maps.province_map(gj, pub, lang="vi", home="49", legend_title="Điểm")
    grey = [a for a in fig.areas if a.fill == ranking.BAND_COLOURS["none"]]
    assert len(grey) == 61 and all(a.legend == "chưa có số liệu" for a in grey)
    assert fig.legend[-1] == (ranking.BAND_COLOURS["none"], "chưa có số liệu")
    assert fig.html.count('class="outline"') == 1  # the home province
    qn = next(a for a in fig.areas if a.code == "49")
    assert qn.tip.split("\n")[:3] == ["Quảng Nam", "84,60", "Hạng 56/63"]
    assert any(t.startswith("Quảng Nam 84,60") for t in label_texts(fig))


@pytest.mark.parametrize("index, year", [("PAR", 2023), ("PAR", 2021), ("SIPAS", 2023)])
def test_provinces_map_names_every_province_with_a_figure_readably(geo_dir, index, year):
    """Each province with a published figure is labelled (moved out with a leader where its neighbours
    crowd), at 20 drawing units: about 14 px where the map fills half of a 1920 px page."""
    from dashboard.warehouse.units import published_frame

    pub = published_frame()
    rows = pub[(pub["index_name"] == index) & (pub["year"] == year) & pub["component"].isna()]
    gj = layer("vn_provinces_63")
    fig = maps.province_map(gj, rows, lang="vi", home="49")
    scored = {c for c in rows.loc[rows["score"].notna(), "area_code"] if c in {f["id"] for f in gj["features"]}}
    assert len(scored) >= 4 and scored <= {code for code, *_ in fig.labels}
    assert 'font-size="20"' in fig.html


@pytest.mark.parametrize("name", ["qn_districts_2025", "qn_districts_2020"])
def test_district_labels_do_not_cover_each_other_and_moved_ones_have_a_leader(geo_dir, name):
    gj = layer(name)
    fig = maps.choropleth(gj, frame(gj, [95.5] * 18), lang="vi", is_rate=True, target=95.0, label_size=17)
    assert len(fig.labels) == len(gj["features"])  # every district is named on its map
    _assert_labels_apart(fig, 17, "95,50 %")


def _assert_labels_apart(fig, size: int, value: str) -> None:
    """No two label boxes (as the placer sizes them) closer than LABEL_GAP, all inside the drawing, and a
    leader line for each label moved off its area."""
    boxes = []
    for code, x, y, _ in fig.labels:
        w, h = maps.label_box([maps.short_name(next(a.name for a in fig.areas if a.code == code)), value], size)
        boxes.append((code, x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    g = maps.LABEL_GAP
    for i, (ca, *a) in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= maps.WIDTH and 0 <= a[1] and a[3] <= maps.HEIGHT, ca
        for cb, *b in boxes[i + 1 :]:
            assert not (a[0] < b[2] + g and b[0] < a[2] + g and a[1] < b[3] + g and b[1] < a[3] + g), (ca, cb)
    assert fig.html.count("<line ") == sum(m for *_, m in fig.labels)


def _commune_maps():
    """Every district's commune map the demo can draw: (layer, district code, its communes' codes)."""
    units = pd.read_csv(layers.config.ROOT / "data" / "units" / "quang_nam_units.csv", dtype=str)
    parent = dict(zip(units["code"], units["parent_code"]))
    for name in ("qn_communes_2020", "qn_communes_2025"):
        gj = layer(name)
        by_district: dict[str, list[str]] = {}
        for f in gj["features"]:
            by_district.setdefault(parent.get(f["id"], ""), []).append(f["id"])
        yield from ((name, d, codes) for d, codes in sorted(by_district.items()))


def test_commune_labels_never_touch_on_any_district_map(geo_dir):
    """The page draws each district's communes at label size 16 with their values (Quế Sơn's Quế Minh and
    Quế An once touched): every commune map of the demo keeps its labels apart, and names most communes."""
    maps_seen = 0
    for name, district, codes in _commune_maps():
        gj = maps.subset(layer(name), codes)
        fig = maps.choropleth(gj, frame(gj, [100.0] * len(codes)), lang="vi", is_rate=True, target=95.0, label_size=16)
        _assert_labels_apart(fig, 16, "100,00 %")
        assert len(fig.labels) >= 0.6 * len(codes), (name, district, len(fig.labels), len(codes))
        maps_seen += 1
    assert maps_seen >= 30


def test_north_is_up_and_the_map_fills_the_drawing(geo_dir):
    gj = layer("qn_districts_2025")
    fig = maps.choropleth(gj, frame(gj, [96.0] * 17), lang="vi", is_rate=True, target=95.0)
    ys = {f["id"]: f["properties"]["y"] for f in gj["features"]}
    north, south = max(ys, key=ys.get), min(ys, key=ys.get)
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", " ".join(re.findall(r'<path d="([^"]*)"', fig.html)))]
    xs, yv = nums[0::2], nums[1::2]
    assert min(xs) >= 0 and max(xs) <= maps.WIDTH and min(yv) >= 0 and max(yv) <= maps.HEIGHT
    assert max(xs) - min(xs) > 0.9 * (maps.WIDTH - 2 * maps.PAD) or max(yv) - min(yv) > 0.9 * (
        maps.HEIGHT - 2 * maps.PAD
    )
    anchor = {code: y for code, _, y, moved in fig.labels if not moved}
    assert anchor[north] < anchor[south]  # Điện Bàn above Nam Trà My


def test_place_labels_moves_a_label_off_a_taken_spot_or_drops_it():
    anchors = [("big", 100, 100, 60, 20, 10.0), ("small", 105, 102, 60, 20, 1.0)]
    spots = maps.place_labels(anchors, 400, 400)
    assert spots["big"] == (100, 100, False) and spots["small"][2] is True
    bx, by, _ = spots["small"]
    assert abs(bx - 100) >= 60 + 2 or abs(by - 100) >= 20 + 2
    crowded = [("big", 30, 30, 60, 60, 10.0), ("small", 31, 31, 60, 60, 1.0)]
    assert "small" not in maps.place_labels(crowded, 62, 62, rings=2, drop=True)


def test_markup_escapes_names_and_hover(geo_dir):
    gj = layer("qn_districts_2025")
    df = frame(gj, [96.0] * 17)
    df.loc[0, "name"] = 'Huyện <script>"x"</script>'
    df.loc[0, "hover"] = "a & b"
    fig = maps.choropleth(gj, df, lang="vi", is_rate=True, target=95.0)
    assert "<script>" not in fig.html and "&lt;script&gt;" in fig.html and "a &amp; b" in fig.html


def test_figure_payload_budgets(geo_dir):
    for name, budget, n in (("qn_districts_2025", 150_000, 17), ("qn_communes_2025", 350_000, 231)):
        gj = layer(name)
        vals = [90.0 + (i % 10) for i in range(n)]
        fig = maps.choropleth(gj, frame(gj, vals), "value", lang="vi", is_rate=True, target=95.0)
        assert fig.size <= budget, (name, fig.size)
        assert fig.html.count('<path d="') == n
