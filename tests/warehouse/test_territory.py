"""Today's territory (issue 20, the unit list): Quảng Nam and old Đà Nẵng with every vintage until
30/06/2025 and the city's 94 communes from 01/07/2025, loaded as any province's list would be
(`init --units`, `units import`); imports checked against the units valid on each received date, open
dossiers of merged-away units counted at their successor across the two provinces, and scope by vintage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import cli
from dashboard.config import ROOT
from dashboard.metrics import periods
from dashboard.warehouse import queries, scope, units
from dashboard.warehouse.engine import make_engine

TERRITORY = ROOT / "data" / "units" / "da_nang_territory_units.csv"


@pytest.fixture(scope="module")
def crosswalk(geo_pack) -> Path:
    """The pack's crosswalk of the 281 old units (its source, beside the clone or $DASHBOARD_GEO_SOURCE)."""
    from dashboard.geo import layers

    return Path(layers.default_source()) / "da_nang" / "crosswalk_2025_07.csv"


REFORM = date(2025, 7, 1)


@pytest.fixture(scope="module")
def listed() -> pd.DataFrame:
    return units.read_units_csv(TERRITORY)


def _valid(df: pd.DataFrame, day: date) -> pd.DataFrame:
    start = pd.to_datetime(df["valid_from"]).dt.date
    end = [date.fromisoformat(v) if v else date.max for v in df["valid_to"]]
    return df[(start <= day) & (pd.Series(end, index=df.index) >= day)]


def test_the_city_has_94_communes_directly_under_it_and_no_district(listed):
    now = _valid(listed, REFORM)
    communes = now[now["kind"] == "commune"]
    assert len(communes) == 94 and set(communes["parent_code"]) == {"48"}
    assert not len(now[now["kind"] == "district"])
    assert set(now[now["kind"] == "province"]["code"]) == {"48"}
    before = _valid(listed, date(2025, 6, 30))
    assert set(before[before["kind"] == "province"]["code"]) == {"48", "49"}
    assert len(before[before["kind"] == "district"]) == 17 + 8  # Quảng Nam's and old Đà Nẵng's (with Hoàng Sa)


def test_every_old_unit_maps_and_every_new_unit_has_predecessors(listed, crosswalk):
    old = _valid(listed, date(2025, 6, 30))
    new = _valid(listed, REFORM)
    new_codes = set(new["code"])
    for r in old.to_dict("records"):
        # a unit ending on 30/06 goes on under its successor, or its code names a unit of the new list
        assert r["successor_code"] in new_codes or (not r["successor_code"] and r["code"] in new_codes), r
    xw = pd.read_csv(crosswalk, dtype=str, keep_default_na=False)
    assert len(set(xw["old_code"])) == 281
    commune_or_hs = old[(old["kind"] == "commune") | (old["code"] == "498")]
    assert set(commune_or_hs["code"]) == set(xw["old_code"])  # the crosswalk's 281 old units, all here
    target = {r["code"]: (r["successor_code"] or r["code"]) for r in commune_or_hs.to_dict("records")}
    for code in new[new["kind"] == "commune"]["code"]:
        assert any(t == code for t in target.values()), code
    assert target["20296"] == "20197"  # Hòa Liên, split: its dossiers go to Liên Chiểu, which took most of it


def test_a_code_names_different_units_in_different_vintages(listed):
    rows = listed[listed["code"] == "20341"]
    assert list(rows["name"]) == ["Phường An Mỹ", "Phường Tam Kỳ"]
    assert list(rows["parent_code"]) == ["502", "48"]


@pytest.fixture
def territory(backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    assert cli.main(["init", "--units", str(TERRITORY)]) == 0
    f = tmp_path / "mixed.csv"
    f.write_text(
        "MaHoSo,MaTTHC,MaDonVi,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,TrangThaiHoSo\n"
        "T1,1.001,20341,20250806080000,20250810,20250809160000,10\n"  # Phường Tam Kỳ (new)
        "T2,1.001,502,20250806080000,20250810,20250809160000,10\n"  # TP Tam Kỳ: a district, abolished
        "T3,1.001,20341,20250306080000,20250310,20250309160000,10\n"  # Phường An Mỹ (old)
        "T4,1.001,20347,20250620080000,20250625,,4\n"  # An Xuân, open after the reform → Tam Kỳ
        "T5,1.001,20218,20250620080000,20250625,,4\n"  # Thạc Gián (old Đà Nẵng), open → Thanh Khê
        "T6,1.001,SO_TP,20250806080000,20250810,,4\n"  # the city's Sở Tư pháp
        "T7,1.001,DN_SO_TP,20250806080000,20250810,,4\n"  # old Đà Nẵng's: ended 30/06/2025
        "T8,1.001,DN_SO_TP,20250616080000,20250620,,4\n"  # ... before: valid; open → the city's
        "T9,1.001,20335,20250306080000,20250310,20250309160000,10\n"  # Tân Thạnh (Quảng Nam)
        "T10,1.001,20194,20250306080000,20250310,20250309160000,10\n"  # Hòa Hiệp Bắc (old Đà Nẵng)
    )
    assert cli.main(["import", str(f)]) == 0
    return backend_url


def _codes(url: str) -> dict[str, str]:
    e = make_engine(url, read_only=True)
    try:
        with e.connect() as conn:
            return dict(conn.execute(sa.text("SELECT dossier_code, reason_code FROM quarantine")).all())
    finally:
        e.dispose()


def test_imports_are_checked_against_the_units_of_the_received_date(territory):
    assert _codes(territory) == {"T2": "unit_not_valid", "T7": "unit_not_valid"}


def _report(url: str, key: str, territorial: bool) -> pd.DataFrame:
    e = make_engine(url, read_only=True)
    try:
        with e.connect() as conn:
            return queries.kpi_table(conn, periods.parse(key, 1), level="all", territory=territorial).set_index("code")
    finally:
        e.dispose()


def test_open_dossiers_of_merged_away_units_count_at_their_successor_across_provinces(territory):
    after = _report(territory, "2025-08", territorial=False)
    assert after.loc["20341", "carried_in"] == 1 and after.loc["20209", "carried_in"] == 1
    assert after.loc["SO_TP", "carried_in"] == 1 and after.loc["SO_TP", "received"] == 1
    city = _report(territory, "2025-08", territorial=True).loc["48"]
    # conservation: the city's total is the sum of its units' own counts, and every dossier of the month
    assert city["received"] == after["received"].sum() == 2
    assert city["carried_in"] == after["carried_in"].sum() == 3


def test_a_table_from_the_callers_units_counts_and_crosswalk_is_the_one_it_reads_itself(territory):
    """The pages hand kpi_table the units, counts and crosswalk they read once (ui.data): across the reform,
    with dossiers of retired units given to successors, every level and both kinds of figures are the same."""
    e = make_engine(territory, read_only=True)
    try:
        with e.connect() as conn:
            for key in ("2025-03", "2025-06", "2025-Q3"):
                p = periods.parse(key, 1)
                for at_end in (False, True):
                    units_ = queries.units_in_period(conn, p.end if at_end else p.start, p.end)
                    counts = queries.unit_counts(conn, p)
                    for level in ("all", "commune", "district", "department"):
                        for territorial in (False, True):
                            kw = dict(level=level, territory=territorial, at_end=at_end)
                            given = queries.kpi_table(
                                conn, p, counts=counts, units=units_, successors=queries.successor_map(conn), **kw
                            )
                            pd.testing.assert_frame_equal(given, queries.kpi_table(conn, p, **kw))
    finally:
        e.dispose()


#: (period, cut-off day, whether its units change within it)
PERIODS_AROUND_THE_REFORMS = (
    ("2025-08", 1, False),
    ("2025-10", 15, False),
    ("2025-Q3", 15, True),
    ("2025-Q1", 15, True),
)


def test_the_pages_tables_are_the_tables_of_the_warehouse(territory):
    """ui.data.kpi_table (one cached table of every unit per period, territory and set of units, a level its
    rows; at_end dropped when the units do not change within the period) gives queries.kpi_table's table for
    every level, both kinds of figures and both ways of drawing a period — periods that straddle the reforms
    of 01/01 and 01/07/2025 among them — for every unit and for a viewer's scope."""
    import streamlit

    from dashboard.ui import data

    e = make_engine(territory, read_only=True)
    try:
        with e.connect() as conn:
            version = data.get_meta(conn, "data_version") or "0"
            for root in (None, "48", "20341"):
                src = data.Source(territory, version, root)
                for key, cutoff, changes in PERIODS_AROUND_THE_REFORMS:
                    p = periods.parse(key, cutoff)
                    if root is None:
                        assert data.units_change_within(src, p) is changes
                    for at_end in (False, True):
                        for level in ("all", "commune", "district", "department"):
                            for territorial in (False, True):
                                kw = dict(level=level, territory=territorial, at_end=at_end)
                                pd.testing.assert_frame_equal(
                                    data.kpi_table(src, p, level, territorial, at_end),
                                    queries.kpi_table(conn, p, root=root, **kw),
                                )
    finally:
        e.dispose()
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()


def test_a_month_before_the_reform_is_the_two_provinces(territory):
    t = _report(territory, "2025-03", territorial=True)
    assert t.loc["49", "received"] == 2 and t.loc["48", "received"] == 1  # old Đà Nẵng in March 2025
    own = _report(territory, "2025-03", territorial=False)
    assert t.loc["49", "received"] + t.loc["48", "received"] == own["received"].sum() == 3


def test_scope_by_vintage(territory):
    e = make_engine(territory, read_only=True)
    try:
        with e.connect() as conn:
            q4 = periods.parse("2025-Q4", 1)
            before = periods.parse("2025-Q1", 1)
            tam_ky_now = scope.codes(conn, "20341", q4.start, q4.end)
            tam_ky_then = scope.codes(conn, "20341", before.start, before.end)
            district_now = scope.codes(conn, "502", q4.start, q4.end)
    finally:
        e.dispose()
    # the head of the new Phường Tam Kỳ sees her ward and the old wards that formed it, never a neighbour
    assert {"20341", "20347", "20353"} <= tam_ky_now and "20335" not in tam_ky_now and "48" not in tam_ky_now
    assert {"20341", "20347"} <= tam_ky_then
    # the head of the old TP Tam Kỳ sees her district's history only: after the reform nothing is under it
    assert "20341" not in district_now and "48" not in district_now


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda d: d.assign(kind=d["kind"].where(d.index != 3, "hamlet")), "line 5 [kind]"),
        (lambda d: d.assign(valid_to=d["valid_to"].where(d.index != 3, "2019-01-01")), "line 5 [valid_to]"),
        (lambda d: d.assign(parent_code=d["parent_code"].where(d.index != 3, "NOPE")), "line 5 [parent_code]"),
        (
            lambda d: d.assign(successor_code=d["successor_code"].where(d["code"] != "502", "20341x")),
            "[successor_code]",
        ),
        (lambda d: pd.concat([d, d.iloc[[3]]]), "already has a version"),
        (
            lambda d: d.assign(valid_from=d["valid_from"].where(d.index != 3, "01/02/2020")),
            "line 5 [valid_from/valid_to]",
        ),
    ],
)
def test_a_bad_unit_list_is_refused_naming_line_and_column(tmp_path, listed, change, problem, monkeypatch):
    bad = tmp_path / "bad_units.csv"
    change(listed.reset_index(drop=True)).to_csv(bad, index=False)
    with pytest.raises(ValueError) as e:
        units.read_units_csv(bad)
    assert "bad_units.csv" in str(e.value) and problem in str(e.value)
    monkeypatch.setenv("DASHBOARD_DB_URL", f"duckdb:///{tmp_path / 'w.duckdb'}")
    assert cli.main(["init", "--units", str(bad)]) == 2
    assert not (tmp_path / "w.duckdb").exists()  # refused before anything was created


def test_units_import_replaces_the_list_and_counts_dossiers_it_leaves_without_a_unit(territory, capsys):
    assert cli.main(["units", "import", str(ROOT / "data" / "units" / "quang_nam_units.csv")]) == 0
    out = capsys.readouterr()
    assert "305 unit versions" in out.out
    assert "dossiers name a unit with no version valid" in out.err  # the city's units are gone again


def test_a_name_both_provinces_used_is_settled_by_the_province_of_the_file(backend_url, tmp_path, monkeypatch):
    """The name "Sở Tư pháp" in 2024 names a department of Quảng Nam and one of old Đà Nẵng: ambiguous, unless the
    import says whose system wrote the file (--province, or [units] province in a mapping)."""
    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    assert cli.main(["init", "--units", str(TERRITORY)]) == 0
    header = "Mã hồ sơ,Mã TTHC,Đơn vị xử lý,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Trạng thái\n"
    rows = {
        "A": "{c}1,1.001,Sở Tư pháp,06/03/2024,10/03/2024,09/03/2024,Đã trả kết quả\n",
        "B": "{c}2,1.001,UBND phường Tân Thạnh,06/03/2024,10/03/2024,09/03/2024,Đã trả kết quả\n",
        "C": "{c}3,1.001,Sở Tư pháp,06/08/2025,10/08/2025,09/08/2025,Đã trả kết quả\n",  # one city department
    }

    def write(prefix: str) -> Path:
        f = tmp_path / f"{prefix}.csv"
        f.write_text(header + "".join(r.format(c=prefix) for r in rows.values()), encoding="utf-8")
        return f

    assert cli.main(["import", str(write("N"))]) == 0
    assert _codes(backend_url) == {"N1": "ambiguous_unit"}
    assert cli.main(["import", str(write("Q")), "--province", "49"]) == 0
    mapping = tmp_path / "dn.toml"
    mapping.write_text('[units]\nprovince = "48"\n', encoding="utf-8")
    assert cli.main(["import", str(write("D")), "--mapping", str(mapping)]) == 0
    assert cli.main(["import", str(write("X")), "--province", "NO_SUCH"]) == 1  # refused, named
    e = make_engine(backend_url, read_only=True)
    try:
        with e.connect() as conn:
            got = dict(conn.execute(sa.text("SELECT code, unit_code FROM dossier")).all())
    finally:
        e.dispose()
    assert got["Q1"] == "SO_TP" and got["D1"] == "DN_SO_TP"  # each province's own department
    assert got["Q2"] == got["D2"] == got["N2"] == "20335"  # a name only one unit carries: the hint changes nothing
    assert got["Q3"] == got["D3"] == "SO_TP"  # after the merger there is one Sở Tư pháp
    assert not any(k.startswith("X") for k in got)
    assert set(_codes(backend_url)) == {"N1"}
