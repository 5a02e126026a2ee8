"""An import refreshes only what its changed dossiers touch (issue 18), in its own transaction.

Every derived count is a sum over dossiers: the per-day events, and each rollup row (a period's counts for a
unit). So an import's change is the old versions of the dossiers it replaced counted with weight -1 and the
versions it wrote with +1, added to the stored rows of the units and days (periods) they touch; a row left
at all zeros is one no dossier adds to any more, and goes, as a rebuild would never have made it (each
dossier adds 1 to at least one count of every row it is in). The overdue-list table loses the old versions
and takes the new ones that qualify. A period the data's range gains is counted from the events (already
refreshed, held equal to the dossiers by tests/warehouse/test_events.py); one it loses is dropped.
`rollups.rebuild` stays the reference: tests/warehouse/test_incremental.py holds the two byte-identical after
random sequences of imports.

Used only when every derived table was current before the import and the change is small; otherwise the
tables are left stale and the full rebuild runs after the import (or at the next start), as before.
"""

from __future__ import annotations

import itertools
from datetime import date

import pyarrow as pa
import sqlalchemy as sa

from dashboard import config
from dashboard.metrics import kpi_sql, periods
from dashboard.warehouse import events, list_rollup, rollups, schema
from dashboard.warehouse.engine import analyze_changed, bulk_insert, crash_point, duckdb_cursor, get_meta, set_meta

#: above this many new or changed dossiers in one file a full rebuild is cheaper than the delta
MAX_CHANGED = 200_000

#: the dossier columns that the events, the rollup conditions and the overdue-list table read
COLUMNS = tuple(
    dict.fromkeys((*schema.LISTABLE_COLUMNS, "unit_code", "received_date", "due_date", "end_date", "status", "channel"))
)
_names = itertools.count()


def _temp(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(f"{name}_{next(_names)}", sa.MetaData(), *columns, prefixes=["TEMPORARY"])


def ready(conn: sa.Connection) -> bool:
    """Whether every derived table holds for the current data (the base a delta can be added to)."""
    version = get_meta(conn, "data_version") or "0"
    return (
        get_meta(conn, rollups.LISTABLE_VERSION) == version
        and events.is_current(conn)
        and all(rollups.is_current(conn, c) for c in rollups.cutoffs())
        and list_rollup.is_current(conn)
    )


class Delta:
    """The dossier versions one import removes (weight -1) and writes (+1), kept in a temporary table."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        # the data's range and top before the change (from meta while it holds: the tables are current)
        kept = rollups.kept_data_range(conn)
        self.span, self.top = kept if kept is not None else rollups.scan_range_top(conn)
        d = schema.dossier
        self.table = _temp(
            "import_delta", *[sa.Column(c, d.c[c].type) for c in COLUMNS], sa.Column("weight", sa.SmallInteger)
        )
        self.table.create(conn)

    def remove_old(self, codes: sa.Select) -> None:
        """Delete the stored versions of the dossiers whose codes `codes` selects, keeping them with weight -1:
        one pass over the stored codes (a select and then a delete were two; ≈ 0,3 s each at 10 M on DuckDB,
        which keeps no index on them, revision 0006)."""
        conn, d, v = self.conn, schema.dossier, self.table
        gone = d.delete().where(d.c.code.in_(codes)).returning(*[d.c[c] for c in COLUMNS])
        if conn.dialect.name == "duckdb":
            # DuckDB has no DELETE inside a WITH, so its RETURNING rows come back, as Arrow, and go in: through
            # its own cursor, as SQLAlchemy's execution of a RETURNING statement buffers the rows as tuples, and
            # Arrow is what bulk_insert takes.
            old = duckdb_cursor(conn, gone).to_arrow_table()
            bulk_insert(conn, v, old.append_column("weight", pa.array([-1] * old.num_rows, pa.int16())))
            return
        rows = gone.cte("gone")
        conn.execute(v.insert().from_select([*COLUMNS, "weight"], sa.select(rows, sa.literal(-1, sa.SmallInteger))))

    def take_new(self, rows: sa.Select) -> None:
        """The versions written: `rows` selects them with (at least) the dossier's columns."""
        sub = rows.subquery("written")
        select = sa.select(*[sub.c[c] for c in COLUMNS], sa.literal(1, sa.SmallInteger))
        self.conn.execute(self.table.insert().from_select([*COLUMNS, "weight"], select))

    def apply(self) -> None:
        """Bring every derived table to the current data version (the caller bumped it)."""
        conn, v = self.conn, self.table
        # the change's events per day, once: the daily table and the monthly one both take them
        t = schema.unit_day_event
        days = _temp("import_days", *[sa.Column(c.name, c.type) for c in t.columns])
        days.create(conn)
        conn.execute(days.insert().from_select([c.name for c in t.columns], events.per_day(v, v.c.weight)))
        _merge(conn, t, sa.select(days), ["unit_code", "day"])
        _merge(conn, schema.unit_month_event, events.per_month(sa.select(days)), ["unit_code", "month"])
        days.drop(conn)
        span, top = self._new_range()
        for cutoff in rollups.cutoffs():
            self._rollup(cutoff, span)
        crash_point("rollups-before-listable")  # the tests' kill -9 in the middle of a refresh
        _listable(conn, v)
        for cutoff in rollups.cutoffs():  # after the listable table: a gained period is counted from it
            self._list_rollup(cutoff, span)
        version = get_meta(conn, "data_version") or "0"
        rollups.keep_data_range(conn, span, top)
        set_meta(conn, rollups.LISTABLE_LAST_DAY, span[1].isoformat() if span else "")
        set_meta(conn, rollups.LISTABLE_VERSION, version)
        set_meta(conn, events.VERSION, version)
        set_meta(conn, list_rollup.VERSION, version)
        for cutoff in rollups.cutoffs():
            set_meta(conn, rollups._version_key(cutoff), version)
        v.drop(conn)
        analyze_changed(conn)  # as the rebuild does: PostgreSQL's statistics for what the change wrote

    def _new_range(self) -> tuple[tuple[date, date] | None, date | None]:
        """The data's range and top (rollups.kept_data_range) after the change: the old ones widened by the new
        versions, unless an old version held one of their ends (then they may have shrunk, and the dossiers are
        scanned)."""
        v, before, top = self.table, self.span, self.top
        if before is None or top is None or top == rollups.UNKNOWN_TOP:
            return rollups.scan_range_top(self.conn)
        lo, hi = config.date_window()
        first, last = before
        old = v.c.weight == -1
        touched = self.conn.execute(
            sa.select(sa.func.count()).where(
                old, sa.or_(v.c.received_date.in_((first, last, top)), v.c.end_date.in_((last, top)))
            )
        ).scalar_one()
        if touched:
            return rollups.scan_range_top(self.conn)
        new = v.c.weight == 1
        rec, end = v.c.received_date, v.c.end_date
        lo_rec, hi_rec, hi_end, top_rec, top_end = self.conn.execute(
            sa.select(
                sa.func.min(rec).filter(new, rec.between(lo, hi)),
                sa.func.max(rec).filter(new, rec.between(lo, hi)),
                sa.func.max(end).filter(new, end.between(lo, hi)),
                rollups.capped_top(sa.func.max(rec).filter(new)),
                rollups.capped_top(sa.func.max(end).filter(new)),
            )
        ).one()
        span = min(x for x in (first, lo_rec) if x is not None), max(x for x in (last, hi_rec, hi_end) if x is not None)
        return span, max(x for x in (top, top_rec, top_end) if x is not None)

    def _periods(self, cutoff: int, span: tuple[date, date] | None) -> tuple[list, list, dict]:
        """The named periods of a cut-off day the change drops (keys), keeps ((key, start, end)) and gains
        (key -> period): those of the data's range before against after."""
        old = {(p.key, p.start, p.end) for p in (periods.named_periods(*self.span, cutoff=cutoff) if self.span else [])}
        now = {(p.key, p.start, p.end): p for p in (periods.named_periods(*span, cutoff=cutoff) if span else [])}
        return [k for k, _, _ in old - now.keys()], sorted(old & now.keys()), {k: now[k] for k in now.keys() - old}

    def _period_table(self, kept: list) -> sa.Table:
        pt = _temp(
            "import_periods",
            sa.Column("period_key", sa.String(32)),
            sa.Column("start_date", sa.Date),
            sa.Column("end_date", sa.Date),
        )
        pt.create(self.conn)
        self.conn.execute(pt.insert(), [{"period_key": k, "start_date": s, "end_date": e} for k, s, e in kept])
        return pt

    def _rollup(self, cutoff: int, span: tuple[date, date] | None) -> None:
        conn, r, v = self.conn, schema.rollup, self.table
        gone, kept, gained = self._periods(cutoff, span)
        if gone:
            conn.execute(r.delete().where(r.c.cutoff == cutoff, r.c.period_key.in_(gone)))
            packed = schema.rollup_pack
            conn.execute(packed.delete().where(packed.c.cutoff == cutoff, packed.c.period_key.in_(gone)))
        touched: set[str] = set()
        if kept:
            pt = self._period_table(kept)
            select = (
                sa.select(
                    pt.c.period_key,
                    sa.literal(cutoff, sa.SmallInteger).label("cutoff"),
                    v.c.unit_code,
                    pt.c.start_date,
                    pt.c.end_date,
                    *kpi_sql.count_columns(v.c, pt.c.start_date, pt.c.end_date, weight=v.c.weight),
                )
                .select_from(v.join(pt, kpi_sql.relevant_sql(v.c, pt.c.start_date, pt.c.end_date)))
                .group_by(pt.c.period_key, v.c.unit_code, pt.c.start_date, pt.c.end_date)
            )
            touched = _merge(conn, r, select, ["period_key", "cutoff", "unit_code"], touched="period_key")
            pt.drop(conn)
        for key in sorted(gained):  # a period the range gained: every dossier may count in it
            bulk_insert(conn, r, rollups.rows_from_events(conn, gained[key], cutoff))
        # the periods whose rows the change moved, packed again (a daily file's: the months its dossiers span)
        rollups.pack(conn, cutoff, sorted(touched | {gained[k].key for k in gained}))

    def _list_rollup(self, cutoff: int, span: tuple[date, date] | None) -> None:
        """list_rollup as _rollup does the rollup: the weighted versions added to the groups of the periods
        kept, a gained period counted from dossier_listable (already refreshed), a lost one dropped."""
        conn, t, v = self.conn, schema.list_rollup, self.table
        gone, kept, gained = self._periods(cutoff, span)
        if gone:
            conn.execute(t.delete().where(t.c.cutoff == cutoff, t.c.period_key.in_(gone)))
        if kept:
            pt = self._period_table(kept)
            group = [v.c[k] for k in list_rollup.GROUP]
            select = (
                sa.select(
                    pt.c.period_key,
                    sa.literal(cutoff, sa.SmallInteger).label("cutoff"),
                    *group,
                    *list_rollup.counts(v.c, pt.c.start_date, pt.c.end_date, weight=v.c.weight),
                )
                .select_from(v.join(pt, list_rollup.on_a_list(v.c, pt.c.start_date, pt.c.end_date)))
                .group_by(pt.c.period_key, *group)
            )
            _merge(conn, t, select, list(list_rollup.KEYS))
            pt.drop(conn)
        list_rollup.insert_periods(conn, [gained[k] for k in sorted(gained)], cutoff)


def _merge(conn: sa.Connection, target: sa.Table, delta: sa.Select, keys: list[str], touched: str | None = None) -> set:
    """Add `delta` (rows of target's columns) to target's rows of the same keys; rows left at all zeros go.
    touched: a key column whose values in the delta are returned (the rows of these may have changed)."""
    cols = [c.name for c in target.columns]
    counts = [c for c in cols if c not in keys and not isinstance(target.c[c].type, (sa.Date, sa.String))]
    add = _temp("import_add", *[sa.Column(c, target.c[c].type) for c in cols])
    add.create(conn)
    conn.execute(add.insert().from_select(cols, delta))
    seen = set(conn.execute(sa.select(add.c[touched]).distinct()).scalars()) if touched else set()
    # a key that may be unknown (list_rollup's field and names) matches NULL to NULL, as GROUP BY does
    on = sa.and_(
        *[target.c[k].is_not_distinct_from(add.c[k]) if target.c[k].nullable else target.c[k] == add.c[k] for k in keys]
    )
    stored = sa.select(*[target.c[c] for c in cols]).select_from(target.join(add, on))
    both = sa.union_all(stored, sa.select(*[add.c[c] for c in cols])).subquery("both")
    rest = [c for c in cols if c not in counts]
    summed = sa.select(*[both.c[c] for c in rest], *[sa.func.sum(both.c[c]).label(c) for c in counts]).group_by(
        *[both.c[c] for c in rest]
    )
    merged = _temp("import_merged", *[sa.Column(c, target.c[c].type) for c in cols])
    merged.create(conn)
    conn.execute(merged.insert().from_select([*rest, *counts], summed))
    conn.execute(target.delete().where(on))
    nonzero = sa.or_(*[merged.c[c] != 0 for c in counts])
    conn.execute(target.insert().from_select(cols, sa.select(*[merged.c[c] for c in cols]).where(nonzero)))
    merged.drop(conn)
    add.drop(conn)
    return seen


def _listable(conn: sa.Connection, v: sa.Table) -> None:
    t = schema.dossier_listable
    conn.execute(t.delete().where(t.c.code.in_(sa.select(v.c.code))))
    conn.execute(t.insert().from_select(list(schema.LISTABLE_COLUMNS), rollups.listable_rows(v, v.c.weight == 1)))


__all__ = ["Delta", "MAX_CHANGED", "ready"]
