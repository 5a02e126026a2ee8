"""The boundary importer on real, messy input (the raw KMZ of Quảng Nam's communes) and on small files."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from dashboard import config
from dashboard.geo import importer, layers


@pytest.fixture
def raw_kmz(geo_pack) -> Path:
    p = layers.default_source() / "raw" / "Quang Nam.kmz"
    assert p.exists()
    return p


@pytest.fixture
def out_dir(tmp_path):
    shutil.copy(config.ROOT / "geo" / "manifest.json", tmp_path)
    return tmp_path


def test_name_keys_keep_diacritics_before_folding():
    assert importer.exact_key("Xã Trà Dơn") != importer.exact_key("Xã Trà Don")
    assert importer.folded_key("Xã Trà Dơn") == importer.folded_key("Trà Don")
    assert importer.exact_key("Xã Tam Đàn") != importer.exact_key("Tam Dân")
    assert importer.exact_key("Phường Hoà Hương") == importer.exact_key("phường  Hòa Hương")
    assert importer.exact_key("Thị trấn Tân Bình") == importer.exact_key("Tân Bình")
    assert importer.exact_key("Xã Tr'hy") == importer.exact_key("Xã Tr’Hy")


def test_raw_kmz_automatic_match_report(raw_kmz, out_dir):
    rep = importer.import_layer(
        raw_kmz,
        "commune",
        name_field="Name",
        parent_field="Quan",
        valid_from=date(2020, 2, 1),
        valid_to=date(2024, 12, 31),
        geo_dir=out_dir,
        province="49",  # the KMZ draws Quảng Nam: the other province's units are not "without polygon"
    )
    assert rep.features == 240
    assert rep.by_method == {"exact": 230, "folded": 1}  # 231 of 240 automatically
    assert len(rep.unmatched) == 9 and not rep.ambiguous
    assert any("An Hương" in x for x in rep.unmatched) and any("Mà Cooih" in x for x in rep.unmatched)
    assert len(rep.units_without_polygon) == 10
    written = json.loads((out_dir / rep.layer.file).read_text())
    assert len(written["features"]) == 231
    assert layers.read_manifest(out_dir)[0].name == rep.layer.name  # manifest entry, checksum recorded
    assert layers.installed(rep.layer, out_dir)


def test_raw_kmz_with_overrides_and_the_2025_crosswalk(raw_kmz, out_dir):
    ov = config.ROOT / "geo" / "overrides" / "quang_nam_kmz_2020.csv"
    rep = importer.import_layer(
        raw_kmz,
        "commune",
        name_field="Name",
        parent_field="Quan",
        overrides_path=ov,
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 6, 30),
        geo_dir=out_dir,
        province="49",
    )
    assert rep.matched == 240 and rep.by_method["override"] == 9
    assert len(rep.merged) == 8  # the 8 communes absorbed on 01/01/2025 are dissolved into their successors
    assert sorted(x.split()[0] for x in rep.units_without_polygon) == ["20699", "20702", "20705"]
    feats = json.loads((out_dir / rep.layer.file).read_text())["features"]
    assert len(feats) == 230
    assert all(f["properties"]["commune_code"] != "20672" for f in feats)  # Sơn Viên is inside Quế Lộc now
    picked = layers.layer_for("commune", date(2025, 1, 1), date(2025, 3, 31), out_dir)
    assert picked.name == rep.layer.name  # an imported layer takes precedence for its period


def test_code_field_reprojection_and_ambiguity(tmp_path, out_dir):
    # two features in Web Mercator, one by code and one whose folded name fits two units (Trà Dơn / Trà Don)
    gdf = gpd.GeoDataFrame(
        {"ma": ["21001", ""], "ten": ["x", "Tra Don"]},
        geometry=[box(107.9, 15.1, 108.0, 15.2), box(108.0, 15.1, 108.1, 15.2)],
        crs=4326,
    )
    path = tmp_path / "in.gpkg"
    gdf.to_crs(3857).to_file(path)
    by_name = importer.import_layer(path, "commune", name_field="ten", geo_dir=out_dir)
    assert by_name.ambiguous == ["'Tra Don'"] and by_name.matched == 0
    gj = tmp_path / "in.geojson"
    gdf.to_file(gj)
    by_code = importer.import_layer(gj, "commune", code_field="ma", geo_dir=out_dir, tolerance=0)
    assert by_code.by_method == {"code": 1} and by_code.unmatched == ["''"]
    feat = json.loads((out_dir / by_code.layer.file).read_text())["features"][0]
    xs = [c[0] for c in feat["geometry"]["coordinates"][0]]
    assert min(xs) == pytest.approx(107.9, abs=1e-6)  # back in EPSG:4326


def test_import_into_a_folder_that_does_not_exist_yet(tmp_path, monkeypatch):
    gdf = gpd.GeoDataFrame({"ma": ["21001"]}, geometry=[box(107.9, 15.1, 108.0, 15.2)], crs=4326)
    gj = tmp_path / "in.geojson"
    gdf.to_file(gj)
    target = tmp_path / "new" / "geo"
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(target))
    rep = importer.import_layer(gj, "commune", code_field="ma", tolerance=0)
    assert (target / rep.layer.file).exists()
    assert [l.name for l in layers.read_manifest(target)] == [rep.layer.name]


def test_unknown_field_is_a_clear_error(raw_kmz, out_dir):
    with pytest.raises(ValueError, match="no field 'Ten'"):
        importer.import_layer(raw_kmz, "commune", name_field="Ten", geo_dir=out_dir)
