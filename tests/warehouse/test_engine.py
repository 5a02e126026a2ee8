"""engine.count_rows: the counts of a statement as count_frame makes them of its rows, whichever way the rows
come (DuckDB: numpy columns from its own cursor) — same values, labels and dtypes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa

from dashboard.metrics import kpi
from dashboard.warehouse import schema
from dashboard.warehouse.engine import count_frame, count_rows
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
            got = count_rows(conn, q, cols, n)
            pd.testing.assert_frame_equal(got, want, obj=name)
        assert len(count_rows(conn, statements["months"][0], columns, 2)) > 100
        scoped = count_rows(conn, statements["scoped"][0], columns, 2)
        every_unit = conn.execute(sa.select(sa.func.count()).select_from(schema.unit)).scalar()
        assert 0 < scoped["unit_code"].nunique() < every_unit
