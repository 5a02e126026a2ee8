"""Monthly own-dossier counts per unit, for the trend charts."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from dashboard.metrics import kpi
from dashboard.metrics.periods import Period
from dashboard.warehouse import queries, rollups, schema
from dashboard.warehouse.engine import count_rows
from dashboard.warehouse.scope import within

COLUMNS = ["period_key", "unit_code", *kpi.COUNT_FIELDS]


def monthly_counts(conn: sa.Connection, months: list[Period], root: str | None = None) -> pd.DataFrame:
    """Own counts per unit for each month (one row per month and unit with any counted dossier).

    Read from the rollup in one query when it is current for the months' cut-off day; otherwise
    computed from the dossiers month by month (same SQL as the rollup). Only units under `root` (at
    some day of the months), when given."""
    if not months:
        return pd.DataFrame(columns=COLUMNS)
    cutoff = months[0].cutoff
    if rollups.is_current(conn, cutoff):
        if root is None:  # every unit: a row a month from rollup_pack, when the months are packed
            packed = rollups.unpack(conn, cutoff, [m.key for m in months])
            if packed is not None:
                return packed[COLUMNS]
        r = schema.rollup
        q = sa.select(*[r.c[c] for c in COLUMNS]).where(
            r.c.cutoff == cutoff,
            r.c.period_key.in_([m.key for m in months]),
            *within(r.c.unit_code, root, months[0].start, months[-1].end),
        )
        return count_rows(conn, q, COLUMNS, keys=2, many=True)
    frames = [queries.raw_unit_counts(conn, m.start, m.end, root=root).assign(period_key=m.key) for m in months]
    return pd.concat(frames, ignore_index=True)[COLUMNS]
