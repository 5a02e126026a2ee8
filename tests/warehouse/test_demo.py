"""The demo (issue 20): today's territory from 01/2022 to the last complete month, every unit of each era,
work that runs on across the reforms, and the character of the data (SPEC §6)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from helpers import DEMO_UNTIL

from dashboard import cli
from dashboard.metrics import periods
from dashboard.warehouse import demo, queries, units
from dashboard.warehouse.engine import create_schema, make_engine

REFORM = date(2025, 7, 1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    e = make_engine(f"duckdb:///{tmp_path_factory.mktemp('demo') / 'a.duckdb'}")
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn)
        all_units, walk = queries.all_units(conn), queries.crosswalk(conn)
    e.dispose()
    a = pd.concat(demo.generate(all_units, scale=0.01, seed=3, until=DEMO_UNTIL, crosswalk=walk))
    return a, all_units, walk


def test_the_demo_is_deterministic_and_shaped_like_spec(generated):
    a, all_units, walk = generated
    b = pd.concat(demo.generate(all_units, scale=0.01, seed=3, until=DEMO_UNTIL, crosswalk=walk))
    pd.testing.assert_frame_equal(a, b)
    assert abs(len(a) - demo.expected_total(all_units, 0.01, DEMO_UNTIL, walk)) < 0.03 * len(a)
    ended = a["end_date"].notna()
    assert set(a.loc[ended, "status"]) <= {7, 9, 10}
    assert (a.loc[ended, "end_date"] >= a.loc[ended, "received_date"]).all()
    assert (a.loc[ended, "end_date"] <= pd.Timestamp(DEMO_UNTIL)).all()  # a snapshot on its last day
    received = pd.to_datetime(a["received_date"])
    assert received.min().date() < date(2022, 1, 10) and received.max().date() <= DEMO_UNTIL
    online = a.groupby(received.dt.year)["channel"].apply(lambda s: (s == 2).mean())
    assert online[2022] < 0.45 and online[2025] > 0.75  # online share rises from ~30 % to ~85 %


def test_every_dossier_is_received_by_a_unit_valid_that_day_and_every_unit_gets_work(generated):
    a, all_units, _ = generated
    versions = all_units[all_units["kind"] != "province"][["code", "valid_from", "valid_to", "kind"]]
    m = a[["code", "unit_code", "received_date"]].merge(versions, left_on="unit_code", right_on="code")
    day = pd.to_datetime(m["received_date"])
    valid = (pd.to_datetime(m["valid_from"]) <= day) & (m["valid_to"].isna() | (pd.to_datetime(m["valid_to"]) >= day))
    assert valid.groupby(m["code_x"]).any().all()  # the vintage, not just the code
    after = a[pd.to_datetime(a["received_date"]) >= pd.Timestamp(REFORM)]
    city = all_units[(all_units["valid_from"] == REFORM) & all_units["kind"].isin(["commune", "department"])]
    assert len(city[city["kind"] == "commune"]) == 94
    assert set(city["code"]) <= set(after["unit_code"])  # each of today's communes and departments


def test_work_runs_on_across_the_reform(generated):
    """The months around 01/07/2025 receive about as much as each other: the new communes took over the
    old communes' and the abolished districts' work (the demo's volumes follow the crosswalk)."""
    a, _, _ = generated
    month = pd.to_datetime(a["received_date"]).dt.to_period("M")
    n = month.value_counts()
    before, after = n[pd.Period("2025-05")], n[pd.Period("2025-09")]
    year_ago = n[pd.Period("2024-09")]
    assert 0.85 < after / before < 1.2 and 0.85 < after / year_ago < 1.25


def test_the_new_units_dip_after_the_reform_and_recover(demo_engine):
    """Units a reorganisation creates are late more often in their first months (a realistic dip)."""
    rate = {}
    with demo_engine.connect() as conn:
        for key in ("2025-05", "2025-08", "2025-12"):
            t = queries.kpi_table(conn, periods.parse(key, 15), level="province", territory=True)
            rate[key] = t.loc[t["code"] == "48", "on_time_rate"].iloc[0]
    assert rate["2025-08"] < rate["2025-05"] - 1 and rate["2025-08"] < rate["2025-12"] - 1


@pytest.mark.parametrize(
    "today, end", [(date(2026, 12, 3), date(2026, 11, 30)), (date(2027, 1, 1), date(2026, 12, 31))]
)
def test_by_default_the_demo_ends_with_the_last_complete_month(today, end):
    assert demo.last_complete_month(today) == end


def test_until_takes_a_month_and_refuses_anything_else(capsys):
    assert cli.build_parser().parse_args(["demo", "--until", "2024-02"]).until == date(2024, 2, 29)
    for bad in ("2025-13", "2025", "next"):
        with pytest.raises(SystemExit):
            cli.build_parser().parse_args(["demo", "--until", bad])
        assert "expected a month as YYYY-MM" in capsys.readouterr().err
    with pytest.raises(ValueError, match="runs from 01/2022"):
        next(demo.generate(pd.DataFrame(columns=["kind"]), until=date(2021, 12, 31)))


def test_the_demo_written_in_small_committed_chunks_is_the_demo_written_at_once(tmp_path):
    """Bounded memory (issue 18): the build inserts and commits every few blocks; the warehouse is the one a
    single insert makes, row for row."""
    import sqlalchemy as sa

    from dashboard.warehouse import schema

    def built(name: str, rows_per_insert: int, commit: bool):
        e = make_engine(f"duckdb:///{tmp_path / name}")
        create_schema(e)
        with e.begin() as conn:
            units.load_units(conn)
        with e.connect() as conn:
            u = queries.all_units(conn)
            demo.build(conn, u, scale=0.02, seed=5, until=DEMO_UNTIL, rows_per_insert=rows_per_insert,
                       commit=conn.commit if commit else None)  # fmt: skip
            conn.commit()
            rows = conn.execute(sa.select(schema.dossier).order_by(schema.dossier.c.code)).all()
        e.dispose()
        return rows

    small = built("small.duckdb", demo.BLOCK, commit=True)
    whole = built("whole.duckdb", 10**9, commit=False)
    assert len(small) > 2 * demo.BLOCK  # several blocks, so several inserts and commits
    assert small == whole


def test_a_demo_stopped_half_way_is_built_again_by_if_empty(tmp_path, monkeypatch):
    from dashboard.warehouse.engine import get_meta, set_meta

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert cli.main(["demo", "--scale", "0.002", "--quiet", "--until", "2025-12"]) == 0
    e = make_engine(url)
    with e.begin() as conn:
        set_meta(conn, "demo", "building")  # as a build killed between two commits leaves it
    e.dispose()
    assert cli.main(["demo", "--scale", "0.002", "--quiet", "--until", "2025-12", "--if-empty"]) == 0
    e = make_engine(url)
    with e.connect() as conn:
        assert get_meta(conn, "demo") == "true"
    e.dispose()
