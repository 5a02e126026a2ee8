"""The one-page PDF summary: one A4 page, its figures taken from the report."""

from __future__ import annotations

import re

import pytest

from dashboard.metrics import periods
from dashboard.reports import pdf
from dashboard.reports import period as pr


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_one_page_with_and_without_a_map(demo_engine, geo_dir, lang):
    from dashboard.geo import layers

    p = periods.parse("2025-Q1", 15)
    with demo_engine.connect() as conn:
        rep = pr.build(conn, p, demo=True)
        by_field = rep.overdue_by_field(conn)
    layer = layers.layer_for("district", p.start, p.end)
    with_map = pdf.one_pager(rep, layers.load(layer), lang=lang, by_field=by_field)
    without = pdf.one_pager(rep, None, lang=lang, by_field=by_field)
    for data in (with_map, without):
        assert data.startswith(b"%PDF-")
        assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1  # exactly one page
        assert b"/MediaBox [0 0 595.28 841.89]" in data  # A4
    assert len(with_map) > len(without) + 5000  # the map is vector paths and text, no bitmap
    gj = layers.load(layer)
    svg, legend = pdf.map_svg(rep.districts, gj, lang)
    assert svg.count("<path d=") == len(gj["features"]) and 'font-family="dejavu"' in svg
    assert 'class="hl"' not in svg and "<title>" not in svg and legend
    # every district named on the map, names only (the values are in the tables beside it)
    names = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert len(names) == len(gj["features"]) and not any("%" in n for n in names)


def test_worst_units_are_the_lowest_rates(demo_engine):
    p = periods.parse("2025-Q1", 15)
    with demo_engine.connect() as conn:
        rep = pr.build(conn, p)
    worst = pdf.worst_units(rep.units, rep.districts, n=5)
    assert len(worst) == 5 and worst["on_time_rate"].is_monotonic_increasing
    pool = list(rep.districts["on_time_rate"].dropna()) + list(
        rep.units[rep.units["kind"].isin(("department", "land_registry_branch"))]["on_time_rate"].dropna()
    )
    assert worst["on_time_rate"].iloc[0] == min(pool)
    assert set(worst["kind"]) <= {"district", "department", "land_registry_branch"}


def test_without_the_pdf_extra_the_cli_names_what_to_install(monkeypatch, capsys, tmp_path):
    from importlib import util

    from dashboard import cli

    real = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "fpdf" else real(name, *a))
    assert not pdf.available()
    monkeypatch.setenv("DASHBOARD_DB_URL", f"duckdb:///{tmp_path / 'w.duckdb'}")
    assert cli.main(["init"]) == 0
    code = cli.main(["report", "--period", "2025-Q1", "--format", "pdf", "--output", str(tmp_path / "x.pdf")])
    assert code != 0 and "ban-do-the-che[pdf]" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
