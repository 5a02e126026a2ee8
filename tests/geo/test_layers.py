"""Boundary layers: install with checksums, choice by period, every unit joined or listed missing."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from dashboard.geo import layers
from dashboard.metrics import periods


def test_layer_valid_for_the_period_is_chosen(geo_dir):
    q4, q1, q2 = (periods.parse(k, 15) for k in ("2024-Q4", "2025-Q1", "2025-Q2"))
    assert layers.layer_for("district", q4.start, q4.end).name == "qn_districts_2020"
    assert layers.layer_for("district", q1.start, q1.end).name == "qn_districts_2025"  # 15/12/2024–14/03/2025
    assert layers.layer_for("commune", q2.start, q2.end).name == "qn_communes_2025"
    assert layers.layer_for("commune", date(2024, 12, 1), date(2024, 12, 31)).name == "qn_communes_2020"
    assert layers.layer_for("province", date(2023, 1, 1), date(2023, 12, 31)).name == "vn_provinces_63"
    assert layers.layer_for("district", date(2019, 1, 1), date(2019, 12, 31)) is None


def test_missing_files_mean_no_layer(tmp_path, monkeypatch):
    shutil.copy(layers.geo_dir() / "manifest.json", tmp_path)
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(tmp_path))
    assert layers.layer_for("district", date(2024, 1, 1), date(2024, 3, 31)) is None


def test_install_refuses_a_file_with_the_wrong_checksum(geo_pack, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(geo_pack, src)
    (src / "quang_nam_districts.geojson").write_text('{"type":"FeatureCollection","features":[]}')
    dst = tmp_path / "dst"
    dst.mkdir()
    shutil.copy(geo_pack / "manifest.json", dst)
    result = dict(layers.install(src, dst))
    assert result["quang_nam_districts.geojson"].startswith("checksum mismatch")
    assert result["quang_nam_communes.geojson"] == "installed"
    assert not (dst / "quang_nam_districts.geojson").exists()


@pytest.mark.parametrize(
    "name, missing",
    [
        ("qn_districts_2020", set()),
        ("qn_districts_2025", set()),
        ("qn_communes_2020", {"20699", "20705", "20364"}),  # Chơ Chun, Đắc Tôi, Phú Thịnh (shared/geo README)
        ("qn_communes_2025", {"20699", "20705"}),
    ],
)
def test_every_unit_is_joined_or_listed_missing(geo_dir, name, missing):
    from dashboard.warehouse.units import read_units_csv

    layer = next(l for l in layers.read_manifest() if l.name == name)
    gj = layers.load(layer)
    drawn = {f["id"] for f in gj["features"]}
    from dashboard.geo.importer import under

    u = under(read_units_csv(), layer.province)  # the layer's province (the list is the whole territory)
    d = layer.valid_to
    valid = u[
        (u["kind"] == layer.level)
        & (u["valid_from"] <= d.isoformat())
        & ((u["valid_to"] == "") | (u["valid_to"] >= d.isoformat()))
    ]
    assert drawn <= set(valid["code"])  # no polygon for a unit that is not in the list
    assert set(valid["code"]) - drawn == missing


def test_loaded_layer_is_simplified_rounded_clockwise_and_labelled(geo_dir):
    layer = next(l for l in layers.read_manifest() if l.name == "qn_districts_2020")
    gj = layers.load(layer)
    assert len(gj["features"]) == 18
    size = len(json.dumps(gj, separators=(",", ":")))
    assert size < 100_000
    for f in gj["features"]:
        g = shape(f["geometry"])
        assert f["id"] == f["properties"]["code"] and f["properties"]["name"].startswith(
            ("Huyện", "Thành phố", "Thị xã")
        )
        assert g.contains(shapely.Point(f["properties"]["x"], f["properties"]["y"])) or g.buffer(1e-3).contains(
            shapely.Point(f["properties"]["x"], f["properties"]["y"])
        )
        polys = getattr(g, "geoms", [g])
        assert all(not p.exterior.is_ccw for p in polys)  # clockwise exteriors for plotly geo
        ring = (
            f["geometry"]["coordinates"][0][0]
            if f["geometry"]["type"] == "MultiPolygon"
            else f["geometry"]["coordinates"][0]
        )
        assert all(len(str(c).split(".")[-1]) <= 4 for c in ring[0])
    tot = pd.Series([shape(f["geometry"]).area for f in gj["features"]]).sum()
    raw = json.loads(layer.path().read_text())
    raw_area = sum(shape(f["geometry"]).area for f in raw["features"])
    assert abs(tot - raw_area) / raw_area < 0.01  # simplification keeps the shape


def test_layers_follow_the_provinces_the_units_have(geo_dir):
    """Before 07/2025 today's Đà Nẵng was two provinces (one layer of each, drawn together); after, the city."""
    q4_24, q4_25, q3_25 = (periods.parse(k, 15) for k in ("2024-Q4", "2025-Q4", "2025-Q3"))
    both = layers.layer_for("district", q4_24.start, q4_24.end, provinces={"48", "49"})
    assert both.name == "qn_districts_2020+dn_districts_2020"
    gj = layers.load(both)
    assert len(gj["features"]) == 18 + 8
    assert layers.layer_for("district", q4_24.start, q4_24.end, provinces={"49"}).name == "qn_districts_2020"
    city = layers.layer_for("commune", q4_25.start, q4_25.end, provinces={"48"})
    assert city.name == "dn_city_communes_2025_07" and len(layers.load(city)["features"]) == 94
    # a period that straddles 01/07/2025 is drawn as it ends: the city only, not the old provinces too
    assert (
        layers.layer_for("commune", q3_25.start, q3_25.end, provinces={"48", "49"}).name == "dn_city_communes_2025_07"
    )


def test_a_unit_far_out_at_sea_is_an_inset_beside_the_mainland(geo_dir):
    p = periods.parse("2025-Q4", 15)
    feats = layers.load(layers.layer_for("commune", p.start, p.end, provinces={"48"}))["features"]
    inset = [f for f in feats if f["properties"].get("inset")]
    assert [f["id"] for f in inset] == ["20333"]  # Đặc khu Hoàng Sa; Tân Hiệp (Cù Lao Chàm) stays in place
    mainland = [shape(f["geometry"]) for f in feats if not f["properties"].get("inset")]
    east = max(g.bounds[2] for g in mainland)
    hs = shape(inset[0]["geometry"])
    assert east < hs.bounds[0] < east + 0.2  # just beyond the coast, not 300 km out
    assert hs.bounds[2] - hs.bounds[0] < 0.8  # drawn smaller
    assert inset[0]["properties"]["x"] > east
    assert layers.inset_far_islands(feats[:2]) == feats[:2]  # too few units to tell an island
