"""The rollup serves exactly what the raw dossiers give, for every unit of the demo and several periods."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.metrics import kpi, periods
from dashboard.warehouse import queries, rollups


@pytest.mark.parametrize(
    "key, cutoff", [("2025-Q1", 15), ("2024-12", 15), ("2023", 15), ("2025-06", 1), ("2024-Q4", 1), ("2025-Q2", 15)]
)
def test_rollup_equals_raw_for_every_unit(demo_engine, key, cutoff):
    p = periods.parse(key, cutoff)
    with demo_engine.connect() as conn:
        assert rollups.is_current(conn, cutoff)
        served = queries.unit_counts(conn, p).set_index("unit_code").sort_index()
        raw = queries.raw_unit_counts(conn, p.start, p.end).set_index("unit_code").sort_index()
    assert len(served) > 200  # every active unit of the demo has dossiers in these periods
    pd.testing.assert_frame_equal(served, raw)


def test_stale_rollup_is_not_used(backend_url):
    from datetime import date

    from helpers import demo_warehouse, put

    from dashboard.metrics.kpi import Dossier

    demo_engine = demo_warehouse(backend_url, scale=0.005)
    put(demo_engine, [Dossier(date(2025, 1, 2), 4, due=date(2025, 3, 1))])  # replaces the demo dossiers
    p = periods.parse("2025-Q1", 15)
    with demo_engine.connect() as conn:
        assert not rollups.is_current(conn, 15)
        served = queries.unit_counts(conn, p)
    assert served["received"].sum() == 1


def test_demo_land_branches_below_target_in_early_2025(demo_engine):
    p = periods.parse("2025-Q1", 15)
    with demo_engine.connect() as conn:
        t = queries.kpi_table(conn, p, level="department").set_index("code")
    assert t.loc["CN_503", "on_time_rate"] < 95  # Hội An's branch
    assert t["received"].sum() > 0
    assert kpi.add_derived(t.reset_index()).shape[0] == t.shape[0]


def test_the_data_range_is_kept_for_its_data_version_and_window(backend_url, monkeypatch):
    """Every page asks for the data's range: after a rebuild it is read from meta (a scan took 0.4 s on
    PostgreSQL), and only while the data version and the plausible window are those it was found for."""
    from datetime import date

    import sqlalchemy as sa
    from helpers import DEMO_UNTIL, demo_warehouse

    from dashboard.warehouse.engine import bump_data_version, get_meta, set_meta

    e = demo_warehouse(backend_url, scale=0.005)
    with e.begin() as conn:
        rollups.rebuild(conn)
        real = rollups.scan_data_range(conn)
        assert rollups.data_range(conn) == real and real[1] == DEMO_UNTIL
        kept = get_meta(conn, rollups.DATA_RANGE)
        set_meta(conn, rollups.DATA_RANGE, "2023-01-01|2023-02-02|" + kept.split("|", 2)[2])
        assert rollups.data_range(conn) == (date(2023, 1, 1), date(2023, 2, 2))  # meta, not a scan
        monkeypatch.setenv("DASHBOARD_DATE_MIN", "2001-01-01")
        assert rollups.data_range(conn) == real  # another window: scanned again
        monkeypatch.delenv("DASHBOARD_DATE_MIN")
        bump_data_version(conn)
        assert rollups.data_range(conn) == real  # new data: scanned again
        names = {ix["name"] for ix in sa.inspect(conn).get_indexes("dossier")}
        assert ("ix_dossier_received" in names) == (conn.dialect.name == "postgresql")  # DuckDB scans by zone maps
    e.dispose()


def test_a_kept_range_outlives_midnight_unless_a_date_lies_beyond_the_window(backend_url, monkeypatch):
    """The window's last day is two years after today, so it moves every midnight: the kept range still holds
    then (a scan a page on PostgreSQL all day otherwise), unless a dossier's date lies beyond the window it was
    found for — the moved window may take that date in."""
    from datetime import date, timedelta

    import sqlalchemy as sa
    from helpers import demo_warehouse

    from dashboard import config
    from dashboard.warehouse import schema
    from dashboard.warehouse.engine import bump_data_version, get_meta, set_meta

    lo, hi = config.date_window()

    def days_later(n: int) -> None:
        monkeypatch.setattr(config, "date_window", lambda: (lo, hi + timedelta(days=n)))

    fake = (date(2023, 1, 1), date(2023, 2, 2))

    def mark(conn, fields: int = 6) -> None:  # the kept range made recognisable: read from meta, or scanned
        kept = get_meta(conn, rollups.DATA_RANGE).split("|")
        set_meta(conn, rollups.DATA_RANGE, "|".join([fake[0].isoformat(), fake[1].isoformat(), *kept[2:fields]]))

    e = demo_warehouse(backend_url, scale=0.005)
    with e.begin() as conn:
        real = rollups.scan_data_range(conn)
        mark(conn)
        for n in (0, 1, 400):
            days_later(n)
            assert rollups.data_range(conn) == fake, n  # no date beyond the window: kept, however it moved
        days_later(1)
        mark(conn, fields=5)  # kept by an earlier version, without its top: holds for its own window only
        assert rollups.data_range(conn) == real
        days_later(0)
        assert rollups.data_range(conn) == fake

        d = schema.dossier
        row = dict(conn.execute(sa.select(d).limit(1)).mappings().one())
        beyond = hi + timedelta(days=5)  # loaded by an earlier version, which had no window
        conn.execute(d.insert().values({**row, "code": "BEYOND", "received_date": beyond, "end_date": None}))
        bump_data_version(conn)
        rollups.record_data_range(conn)
        assert rollups.data_range(conn) == real
        mark(conn)
        assert rollups.data_range(conn) == fake
        days_later(1)
        assert rollups.data_range(conn) == real  # scanned: the moved window might have taken the date in
        days_later(5)
        assert rollups.data_range(conn) == (real[0], beyond)  # and from that day, it does
    e.dispose()


def test_a_large_warehouse_sums_its_rollups_from_the_events(backend_url, monkeypatch):
    """From rollups.EVENTS_FROM dossiers on, the rebuild sums each period from the per-day events instead of
    scanning the dossiers per period: the same rows, every period of both cut-offs, on both engines."""
    import sqlalchemy as sa
    from helpers import demo_warehouse

    from dashboard.warehouse import schema

    e = demo_warehouse(backend_url, scale=0.005)

    def rollup_rows() -> list[tuple]:
        with e.connect() as conn:
            return sorted(tuple(map(str, r)) for r in conn.execute(sa.select(schema.rollup)))

    scanned = rollup_rows()
    assert len(scanned) > 1000
    monkeypatch.setattr(rollups, "EVENTS_FROM", 0)
    with e.begin() as conn:
        conn.execute(schema.rollup.delete())
        rollups.rebuild(conn)
        assert all(rollups.is_current(conn, c) for c in rollups.cutoffs()) and not rollups.stale(conn)
    assert rollup_rows() == scanned
    e.dispose()


@pytest.mark.parametrize(
    "value, top",
    [("NULL", None), ("DATE '2025-01-02'", "2025-01-02"), ("DATE '10000-01-01'", "9999-12-31")],
)
def test_the_top_is_capped_where_python_dates_end(engine, value, top):
    """Both engines store years past 9999 (a hostile file's), which Python cannot read; no date at all stays
    none (LEAST would have made it 9999-12-31, and every kept range lapse)."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        got = conn.execute(sa.select(rollups.capped_top(sa.literal_column(f"CAST({value} AS DATE)")))).scalar()
    assert (got.isoformat() if got else None) == top
