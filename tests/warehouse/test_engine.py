"""engine.count_rows: the counts of a statement as count_frame makes them of its rows, whichever way the rows
come (DuckDB: numpy columns from its own cursor; PostgreSQL: numpy columns through COPY in CSV) — same values,
labels and dtypes."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from pg import PG_URL, require_pg

from dashboard.metrics import kpi
from dashboard.warehouse import schema
from dashboard.warehouse.engine import count_frame, count_rows, fetch_plain
from dashboard.warehouse.scope import within


def test_counts_fetched_as_columns_are_the_frame_of_the_rows(demo_engine):
    r = schema.rollup
    columns = ["period_key", "unit_code", *kpi.COUNT_FIELDS]
    with demo_engine.connect() as conn:
        keys = [k for (k,) in conn.execute(sa.select(r.c.period_key).distinct().order_by(r.c.period_key)).all()]
        statements = {
            # 24 months of every unit, as the trends read them (an expanding IN of bound keys)
            "months": (sa.select(*[r.c[c] for c in columns]).where(r.c.period_key.in_(keys[:24])), columns, 2),
            "none": (sa.select(*[r.c[c] for c in columns]).where(r.c.period_key == "no such period"), columns, 2),
            # a viewer's scope: a recursive CTE's parameters bound in order with the IN list's
            "scoped": (
                sa.select(*[r.c[c] for c in columns]).where(
                    r.c.period_key.in_(keys[-3:]), *within(r.c.unit_code, "48", date(2025, 7, 1), date(2026, 12, 31))
                ),
                columns,
                2,
            ),
        }
        for name, (q, cols, n) in statements.items():
            want = count_frame(conn.execute(q).all(), cols, n)
            for many in (False, True):  # PostgreSQL: tuples, or COPY read by Arrow
                pd.testing.assert_frame_equal(count_rows(conn, q, cols, n, many=many), want, obj=f"{name} {many}")
        assert len(count_rows(conn, statements["months"][0], columns, 2)) > 100
        scoped = count_rows(conn, statements["scoped"][0], columns, 2)
        every_unit = conn.execute(sa.select(sa.func.count()).select_from(schema.unit)).scalar()
        assert 0 < scoped["unit_code"].nunique() < every_unit


# quotes, backslashes and line breaks: COPY's parameters are merged into the statement by psycopg's quoting
labels = st.one_of(st.none(), st.text(alphabet="aăđ4,'\"\n\\ \t;)-", max_size=6))
counts = st.integers(-(2**63) + 1, 2**63 - 1)  # PostgreSQL reads -2**63 as minus an overflow


@pytest.mark.postgres
@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(labels, labels, counts, st.integers(0, 2**31 - 1)), max_size=25),
    st.booleans(),
)
def test_postgresql_columns_are_the_rows_whatever_the_text(data, hole):
    """On PostgreSQL, text and integer columns arrive as numpy columns through COPY in CSV: commas, quotes,
    line breaks, an empty text and NULL text come back as they were; a NULL integer comes masked, as DuckDB's
    fetchnumpy gives it; the counts' frame is count_frame's of the rows."""
    require_pg()
    if hole and data:  # one NULL count
        data = [*data[:-1], (*data[-1][:3], None)]
    e = sa.create_engine(PG_URL)
    try:
        v = sa.values(
            sa.column("a", sa.Text),
            sa.column("b", sa.Text),
            sa.column("n", sa.BigInteger),
            sa.column("m", sa.Integer),
            name="v",
        ).data(data or [("x", "y", 1, 1)])
        q = sa.select(
            v.c.a, v.c.b, sa.cast(v.c.n, sa.BigInteger).label("n"), sa.cast(v.c.m, sa.Integer).label("m")
        ).where(sa.true() if data else sa.false())
        with e.connect() as conn:
            rows = [tuple(r) for r in conn.execute(q).all()]
            got = fetch_plain(conn, q, many=True)
            assert isinstance(got, dict) and list(got) == ["a", "b", "n", "m"]
            # NULL: masked, as DuckDB's fetchnumpy gives it
            back = list(zip(*(np.ma.asarray(a).tolist() for a in got.values()), strict=True))
            assert sorted(back, key=repr) == sorted(rows, key=repr)
            assert np.ma.is_masked(got["m"]) is (hole and bool(data))
            if rows and not hole:
                pd.testing.assert_frame_equal(
                    count_rows(conn, q, ["a", "b", "n", "m"], keys=2, many=True),
                    count_frame(rows, ["a", "b", "n", "m"], 2),
                )
    finally:
        e.dispose()
