"""Any date range from the per-day events (warehouse/events.py) equals the raw-dossier SQL (the reference,
itself held equal to kpi.classify in tests/metrics/test_kpi.py): random dossiers and ranges, the demo's
units for random ranges on both engines, and the pages' path (queries.unit_counts of a custom period)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from helpers import UNIT, put
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics.test_kpi import dossiers  # the KPI property tests' random dossiers (around the rules' turns)

from dashboard.metrics import kpi, periods
from dashboard.warehouse import events, queries, rollups

ranges = st.tuples(st.dates(date(2023, 11, 1), date(2025, 3, 31)), st.integers(0, 150))


@st.composite
def month_edges(draw) -> tuple[date, int]:
    """A range around the monthly rows' edges: from a first of month or not, to a month's last day or not,
    over 0–14 further months (across a year too)."""
    y, m = draw(st.integers(2023, 2024)), draw(st.integers(1, 12))
    start = date(y, m, 1) + timedelta(days=draw(st.sampled_from((0, 0, 3))))
    k = m + draw(st.integers(0, 14))  # the month after the range's last, counted from January of y as 0
    end = date(y + k // 12, k % 12 + 1, 1) - timedelta(days=draw(st.sampled_from((1, 1, 5))))
    return start, max(0, (end - start).days)


def _same(conn, d1: date, d2: date) -> None:
    got = events.unit_counts(conn, d1, d2).set_index("unit_code").sort_index()
    want = queries.raw_unit_counts(conn, d1, d2).set_index("unit_code").sort_index()
    if want.empty:  # no unit has a count: an empty frame either way (their empty indexes differ in type)
        assert got.empty, got
        return
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(dossiers(), min_size=1, max_size=30), st.lists(ranges | month_edges(), min_size=1, max_size=4))
def test_any_range_of_random_dossiers_equals_the_raw_counts(duck, ds, spans):
    put(duck, ds)
    with duck.begin() as conn:
        events.refresh(conn)
    with duck.connect() as conn:
        for start, days in spans:
            _same(conn, start, start + timedelta(days=days))


def test_the_open_states_turn_on_the_right_days(duck):
    """One dossier, due 10/01, finished late on 20/01: open from 05/01 to 19/01, overdue from 11/01."""
    d = kpi.Dossier(date(2024, 1, 5), 10, due=date(2024, 1, 10), end=date(2024, 1, 20), channel=2, apology=0)
    put(duck, [d])
    with duck.begin() as conn:
        events.refresh(conn)
    with duck.connect() as conn:
        for d2, overdue, in_time in ((date(2024, 1, 10), 0, 1), (date(2024, 1, 11), 1, 0), (date(2024, 1, 19), 1, 0)):
            row = events.unit_counts(conn, date(2024, 1, 1), d2).set_index("unit_code").loc[UNIT]
            got = (row["open_overdue"], row["open_in_time"], row["overdue_without_apology"])
            assert got == (overdue, in_time, overdue), d2
        row = events.unit_counts(conn, date(2024, 1, 20), date(2024, 1, 20)).set_index("unit_code").loc[UNIT]
        assert (row["carried_in"], row["finished_late"], row["open_overdue"]) == (1, 1, 0)
        assert events.unit_counts(conn, date(2024, 1, 21), date(2024, 2, 1)).empty  # nothing left after it
        _same(conn, date(2023, 12, 1), date(2024, 3, 1))


def test_the_demo_for_random_ranges_and_the_pages_path(demo_engine):
    with demo_engine.connect() as conn:
        assert events.is_current(conn) and not rollups.stale(conn)  # the demo's rebuild made them
        first, last = rollups.data_range(conn)
        span = (last - first).days
        import random

        rnd = random.Random(18)
        for _ in range(8):
            d1 = first + timedelta(days=rnd.randrange(-30, span))
            _same(conn, d1, d1 + timedelta(days=rnd.randrange(0, 400)))
        _same(conn, first, last)  # the whole data range
        # what the pages ask for a custom period: served by the events, equal to the raw counts
        p = periods.custom(date(2024, 3, 7), date(2024, 11, 23))
        served = queries.unit_counts(conn, p).set_index("unit_code").sort_index()
        raw = queries.raw_unit_counts(conn, p.start, p.end).set_index("unit_code").sort_index()
        pd.testing.assert_frame_equal(served, raw, check_dtype=False)
        assert len(served) > 200
        # a scoped viewer (a district, a commune) and a list of codes: the units are kept after the sums
        for root in ("502", "20341"):
            served = queries.unit_counts(conn, p, root=root).set_index("unit_code").sort_index()
            raw = queries.raw_unit_counts(conn, p.start, p.end, root=root).set_index("unit_code").sort_index()
            pd.testing.assert_frame_equal(served, raw, check_dtype=False)
            assert 0 < len(served) < 200
        some = ["502", "20341", "20335"]
        served = queries.unit_counts(conn, p, unit_codes=some).set_index("unit_code").sort_index()
        raw = queries.raw_unit_counts(conn, p.start, p.end, unit_codes=some).set_index("unit_code").sort_index()
        pd.testing.assert_frame_equal(served, raw, check_dtype=False)
        assert 0 < len(served) <= 3


def test_stale_events_are_not_served(backend_url):
    from helpers import demo_warehouse

    e = demo_warehouse(backend_url, scale=0.005)
    put(e, [kpi.Dossier(date(2024, 3, 10), 4, due=date(2024, 3, 20))])  # a new data version, events not rebuilt
    with e.connect() as conn:
        assert not events.is_current(conn) and rollups.stale(conn)
        served = queries.unit_counts(conn, periods.custom(date(2024, 3, 1), date(2024, 3, 31)))
    assert served["received"].sum() == 1  # from the dossiers themselves
    e.dispose()


@given(st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2027, 12, 31))), st.integers(0, 800))
def test_the_pieces_of_a_range_cover_each_of_its_days_once(lo, days):
    """Whole months by their first days and the days left over: each day of [lo, hi] exactly once."""
    hi = (lo or date(2023, 6, 1)) + timedelta(days=days)
    months, rest = events._pieces(lo, hi)
    covered = []
    for first, last in months:
        m = first or date(2019, 1, 1)  # from the first: the test's own start
        assert m.day == 1 and last.day == 1
        while m <= last:
            nxt = events._next_month(m)
            covered += [m + timedelta(days=k) for k in range((nxt - m).days)]
            m = nxt
    for a, b in rest:
        covered += [a + timedelta(days=k) for k in range((b - a).days + 1)]
    want_lo = lo or date(2019, 1, 1)
    assert sorted(covered) == [want_lo + timedelta(days=k) for k in range((hi - want_lo).days + 1)]
    assert len(rest) <= 2 and all((b - a).days < 62 for a, b in rest)  # at most two partial months


def test_no_unit_with_a_count_is_an_empty_frame_of_the_same_columns(duck):
    """A range before any dossier: no rows, but the columns and types a page merges on."""
    put(duck, [kpi.Dossier(date(2024, 1, 5), 10, due=date(2024, 1, 10), end=date(2024, 1, 20))])
    with duck.begin() as conn:
        events.refresh(conn)
    with duck.connect() as conn:
        got = events.unit_counts(conn, date(2020, 1, 1), date(2020, 3, 1))
    assert got.empty and list(got.columns) == ["unit_code", *kpi.COUNT_FIELDS]
    assert got["unit_code"].dtype == pd.Series(["x"]).dtype and all(got[f].dtype == "int64" for f in kpi.COUNT_FIELDS)
