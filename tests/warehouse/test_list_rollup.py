"""list_rollup (the overdue lists' lengths per named period, unit, field and procedure) gives the overdue summary
exactly what the scan of the listable dossiers gives: random dossiers with unknown fields and names, random named
periods, cut-off days, as-of dates and scopes, on both engines; the demo's periods across the 2025 merger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from helpers import dossier_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics.test_kpi import dossiers

from dashboard.metrics import periods
from dashboard.metrics.kpi import Dossier, classify
from dashboard.warehouse import list_rollup, overdue, queries, rollups, schema
from dashboard.warehouse.engine import bump_data_version, frame

UNITS = ["20335", "20341", "20356"]
PROCEDURES = [("1.001", "Cấp giấy phép"), ("1.001", None), ("2.002", "Đăng ký hộ tịch"), ("3.003", None)]
FIELDS = [(None, None), ("LV1", "Hộ tịch"), ("LV1", None), ("LV2", "Đất đai")]


def _put(engine: sa.Engine, rows: list) -> None:
    """Dossiers with a unit, a procedure (a name or none) and a field (known, unknown, or a code alone)."""
    df = dossier_rows([d for d, *_ in rows], [u for _, u, _, _ in rows])
    df["procedure_code"] = [PROCEDURES[p][0] for _, _, p, _ in rows]
    df["procedure_name"] = [PROCEDURES[p][1] for _, _, p, _ in rows]
    df["field_code"] = [FIELDS[f][0] for *_, f in rows]
    df["field_name"] = [FIELDS[f][1] for *_, f in rows]
    with engine.begin() as conn:
        conn.execute(schema.dossier.delete())
        conn.execute(schema.dossier.insert(), df.astype(object).where(lambda f: f.notna(), None).to_dict("records"))
        bump_data_version(conn)
        rollups.rebuild(conn)


def _rows(df) -> list:
    return sorted((tuple(None if v is None else str(v) for v in r) for r in df.itertuples(index=False)), key=repr)


def _both(conn: sa.Connection, s: overdue.Scope) -> tuple[list, list]:
    """The summary's groups from list_rollup (which must serve the period) and from the scan."""
    assert overdue._kept(conn, s)
    kept = overdue._groups(conn, s)
    scanned = frame(conn.execute(overdue._scanned_groups(overdue.source(conn, s), s)).all(), overdue.GROUP_COLUMNS)
    return _rows(kept), _rows(scanned)


rows = st.lists(
    st.tuples(dossiers(), st.sampled_from(UNITS), st.integers(0, len(PROCEDURES) - 1), st.integers(0, 3)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows,
    st.lists(
        st.tuples(
            st.dates(date(2024, 1, 1), date(2024, 12, 31)),
            st.sampled_from(["month", "quarter", "year"]),
            st.integers(0, 1),  # which cut-off day
            st.integers(-30, 200),  # as-of: days after the period's end
            st.sets(st.sampled_from(UNITS), min_size=1),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_kept_groups_equal_the_scan(engine, data, picks):
    _put(engine, data)
    with engine.connect() as conn:
        span = rollups.data_range(conn)
        cutoffs = rollups.cutoffs()
        for day, kind, c, after, units in picks:
            p = periods.containing(day, kind, cutoffs[c % len(cutoffs)])
            if span is None or p.start > span[1] or p.end < span[0]:
                assert span is None or not list_rollup.serves(conn, p, span, cutoffs)  # outside the data's range
                continue
            s = overdue.Scope(p, tuple(sorted(units)), p.end + timedelta(days=after), due_days=5)
            kept, scanned = _both(conn, s)
            assert kept == scanned
            # and the shared conditions against the per-dossier definition (kpi.classify), summed over the scope
            names = ["finished_late", "open_overdue", "overdue_without_apology", "overdue_apology_known"]
            want = [sum(classify(d, p.start, p.end)[k] for d, u, _, _ in data if u in units) for k in names]
            assert [sum(int(r[i]) for r in kept) for i in (5, 6, 8, 9)] == want


def test_an_import_that_is_not_refreshed_leaves_the_scan_in_charge(engine):
    """A stale table (the data version moved on) or a custom range never serves: the scan does."""
    d = Dossier(date(2024, 3, 1), 2, due=date(2024, 3, 5))  # open and overdue
    _put(engine, [(d, UNITS[0], 0, 1)])
    with engine.begin() as conn:
        p = periods.containing(d.received, "month", rollups.cutoffs()[0])
        span = rollups.data_range(conn)
        assert list_rollup.serves(conn, p, span, rollups.cutoffs())
        assert not list_rollup.serves(conn, periods.custom(p.start, p.end), span, rollups.cutoffs())
        bump_data_version(conn)
        assert not list_rollup.is_current(conn) and not list_rollup.serves(conn, p, span, rollups.cutoffs())
        assert rollups.stale(conn)


@pytest.mark.parametrize(
    "key, cutoff, unit, territory, root",
    [
        ("2025-Q1", 15, "49", True, None),
        ("2025-Q3", 15, "48", True, None),  # Đà Nẵng across 1 July 2025: the merged units' dossiers at their heirs
        ("2025-07", 1, "48", True, None),
        ("2025", 15, "502", True, None),
        ("2024", 1, "CN_506", False, None),
        ("2025-Q2", 15, "509", True, "509"),  # a signed-in head of Quế Sơn: the scope filters both parts
    ],
)
def test_the_demo_summary_from_the_table_equals_the_scan(demo_engine, key, cutoff, unit, territory, root):
    with demo_engine.connect() as conn:
        p = periods.parse(key, cutoff)
        codes = tuple(queries.scope_codes(conn, p, unit, territory, root=root))
        s = overdue.Scope(p, codes, queries.as_of(conn), root=root)
        kept, scanned = _both(conn, s)
        assert kept == scanned and any(int(r[5]) + int(r[6]) for r in kept)  # finished late or overdue somewhere
