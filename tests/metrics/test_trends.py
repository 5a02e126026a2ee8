"""Monthly series: they equal the period figures month by month, and a merged unit's line continues
in its successor (crosswalk), on the demo warehouse (DuckDB and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.metrics import hierarchy, kpi, periods, trends
from dashboard.warehouse import queries
from dashboard.warehouse import trends as wtrends

MONTHS = periods.months_between(date(2024, 9, 1), date(2025, 4, 14), 15)  # 2024-09 … 2025-04, across 01/01/2025


@pytest.fixture
def demo(demo_engine):
    with demo_engine.connect() as conn:
        monthly = wtrends.monthly_counts(conn, MONTHS)
        units = queries.all_units(conn)
        walk = queries.crosswalk(conn)
    return monthly, units, walk, hierarchy.successor_map(walk)


def test_month_units_follow_the_same_rule_as_the_warehouse_query(demo_engine):
    with demo_engine.connect() as conn:
        units = queries.all_units(conn)
        context = trends.month_units(units, MONTHS)
        for m in MONTHS:
            sql = queries.units_in_period(conn, m.start, m.end)
            assert context[m.key].parent == {
                c: (None if pd.isna(p) else p) for c, p in zip(sql["code"], sql["parent_code"])
            }
            at_end = queries.units_in_period(conn, m.end, m.end)
            assert context[m.key].at_end == frozenset(at_end["code"])
            for code in ("49", "509", "519"):
                if code in context[m.key].parent:
                    assert context[m.key].descendants(code) == set(hierarchy.descendant_codes(sql, code))


def test_monthly_counts_from_the_rollup_equal_the_dossiers(demo_engine):
    with demo_engine.connect() as conn:
        served = wtrends.monthly_counts(conn, MONTHS[:2])
        for m in MONTHS[:2]:
            raw = queries.raw_unit_counts(conn, m.start, m.end).set_index("unit_code").sort_index()
            got = served[served["period_key"] == m.key].set_index("unit_code").sort_index()[list(kpi.COUNT_FIELDS)]
            pd.testing.assert_frame_equal(got, raw, check_dtype=False)


def test_the_months_are_read_packed_and_equal_the_rollups_rows(demo_engine):
    """The rows every trend starts from come from rollup_pack (24 rows, not a row a unit a month) and are the
    rollup's own; a month not packed sends the reader back to the rollup."""
    from helpers import assert_packed_as_the_rollup

    from dashboard.warehouse import rollups

    cutoff, keys = MONTHS[0].cutoff, [m.key for m in MONTHS]
    with demo_engine.connect() as conn:
        assert_packed_as_the_rollup(conn, cutoff, keys)
        assert rollups.unpack(conn, cutoff, [*keys, "1999-01"]) is None


@pytest.mark.parametrize("code", ["49", "502", "CN_503"])
def test_each_month_equals_the_period_figures(demo_engine, demo, code):
    monthly, units, _, succ = demo
    territory = code != "CN_503"
    s = trends.series(monthly, units, succ, code, MONTHS, territory=territory).set_index("period_key")
    with demo_engine.connect() as conn:
        for m in MONTHS:
            row = queries.kpi_table(conn, m, level="all", territory=territory).set_index("code").loc[code]
            for f in kpi.COUNT_FIELDS:
                assert s.loc[m.key, f] == row[f], (m.key, f)
            assert s.loc[m.key, "on_time_rate"] == pytest.approx(row["on_time_rate"], nan_ok=True)
    # conservation in every month
    assert ((s["received"] + s["carried_in"]) == (s["finished"] + s["withdrawn"] + s["open"])).all()


def test_a_merged_unit_continues_in_its_successor(demo):
    monthly, units, walk, succ = demo
    nong_son = trends.series(monthly, units, succ, "519", MONTHS, territory=True).set_index("period_key")
    que_son = trends.series(monthly, units, succ, "509", MONTHS, territory=True).set_index("period_key")
    before = [m.key for m in MONTHS if m.end < date(2025, 1, 1)]
    after = [m.key for m in MONTHS if m.key not in before]
    assert set(nong_son.loc[before, "shown_code"]) == {"519"}
    assert set(nong_son.loc[after, "shown_code"]) == {"509"}  # 2025-01 (15/12–14/01) is already Quế Sơn's
    pd.testing.assert_frame_equal(nong_son.loc[after], que_son.loc[after])
    assert (nong_son.loc[before, "received"] > 0).all()
    [event] = trends.events_for("519", walk)
    assert (event.effective, event.retired, event.successor) == (date(2025, 1, 1), "519", "509")
    first, reform = sorted(trends.events_for("509", walk), key=lambda e: e.effective)
    assert first == event  # Nông Sơn joined it; on 01/07/2025 it was abolished into the city
    assert (reform.effective, reform.retired, reform.successor) == (date(2025, 7, 1), "509", "48")


def test_merged_basis_adds_the_predecessors_before_the_merger(demo):
    monthly, units, _, succ = demo
    plain = trends.series(monthly, units, succ, "509", MONTHS, territory=True).set_index("period_key")
    merged = trends.series(monthly, units, succ, "509", MONTHS, territory=True, merged=True).set_index("period_key")
    old = trends.series(monthly, units, succ, "519", MONTHS, territory=True).set_index("period_key")
    for m in MONTHS:
        if m.end < date(2025, 1, 1):
            for f in kpi.COUNT_FIELDS:
                assert merged.loc[m.key, f] == plain.loc[m.key, f] + old.loc[m.key, f], (m.key, f)
        else:
            assert merged.loc[m.key, "received"] == plain.loc[m.key, "received"]
    assert trends.predecessors("509", succ) == {"519"}


def test_months_without_the_unit_are_gaps_not_zeros(demo):
    monthly, units, _, succ = demo
    s = trends.series(monthly, units, succ, "NO_SUCH_UNIT", MONTHS[:2], territory=False)
    assert s["shown_code"].isna().all() and s["received"].isna().all() and s["on_time_rate"].isna().all()
