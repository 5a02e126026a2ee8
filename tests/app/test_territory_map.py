"""Today's map (issue 20) on a warehouse of today's territory: a period after 01/07/2025 shows the city's
94 communes directly (no district level, no drill step), Hoàng Sa drawn as an inset; a 2024 period shows
the districts of both old provinces; a straddling period says which units it draws."""

from __future__ import annotations

import json
import re

import pytest
from helpers import ROOT
from streamlit.testing.v1 import AppTest
from territory import build


@pytest.fixture(scope="module")
def territory_url(tmp_path_factory):
    import os

    before = os.environ.get("DASHBOARD_DB_URL")
    d = tmp_path_factory.mktemp("territory")
    url = build(f"duckdb:///{d / 'w.duckdb'}", d)
    yield url
    if before is None:
        os.environ.pop("DASHBOARD_DB_URL", None)
    else:
        os.environ["DASHBOARD_DB_URL"] = before


def _map(at: AppTest) -> dict:
    [m] = [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name.endswith("svg_map")]
    return m


def _open(url, monkeypatch, geo_dir, **query) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_after_the_reform_the_map_shows_the_94_communes_directly(territory_url, monkeypatch, geo_dir):
    at = _open(territory_url, monkeypatch, geo_dir, period="2025-Q4", unit="48")
    html = _map(at)["html"]
    assert len(set(re.findall(r'data-code="([^"]+)"', html))) == 94  # every commune drawn, each once
    assert "Đặc khu Hoàng Sa" in html and "Phường Tam Kỳ" in html
    captions = " ".join(c.value for c in at.caption)
    assert "không còn cấp huyện" in captions and "thu nhỏ" in captions  # no districts; Hoàng Sa as an inset
    assert not [s for s in at.selectbox if s.label == "Huyện"]  # no district picker, no drill step
    assert at.selectbox(key="commune")  # a commune is picked on the map or here


def test_a_2024_period_shows_both_old_provinces_districts(territory_url, monkeypatch, geo_dir):
    at = _open(territory_url, monkeypatch, geo_dir, period="2024", unit="48")
    svg = _map(at)["html"]
    for name in ("Quận Hải Châu", "Thành phố Tam Kỳ"):
        assert name in svg, name


def test_a_straddling_period_says_which_units_it_draws(territory_url, monkeypatch, geo_dir):
    at = _open(territory_url, monkeypatch, geo_dir, period="2025-Q3", unit="48")  # 15/06–14/09/2025
    captions = " ".join(c.value for c in at.caption)
    assert "như từ ngày 01/07/2025" in captions


def test_after_the_reform_the_overview_and_the_rankings_rank_the_communes(territory_url, monkeypatch, geo_dir):
    monkeypatch.setenv("DASHBOARD_DB_URL", territory_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["period"] = "2025-Q4"
    at.query_params["unit"] = "48"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    heads = [h.value for h in at.subheader]
    assert "Xếp hạng cấp xã" in heads and "Xếp hạng cấp huyện (toàn địa bàn)" not in heads
    at.switch_page("pages/rankings.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["rk_group"] == "commune"
    assert len(at.dataframe[0].value) == 94  # the city's communes, no old one beside them
