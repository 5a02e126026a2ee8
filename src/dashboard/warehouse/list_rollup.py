"""The overdue lists' lengths per named period, unit, field and procedure (schema.list_rollup).

The overdue page's summary — how many dossiers each unit, field and procedure has finished late in the
period and open and overdue at its end, and how many of those lack an apology letter — was one grouped scan
of the period's list rows: ≈ 5 000 rows at 1 M dossiers, 25 000 at 10 M, so the page grew with the data. The
groups themselves are bounded by units × procedures (≈ 2 500), so kept per named period they cost the same at
any size, as the rollup does for the KPI counts. Custom ranges and the due-soon list (which moves with the
as-of day) are still counted from dossier_listable (warehouse.overdue).

The same conditions build the table (from dossier_listable), refresh it by an import's weighted delta
(warehouse.incremental) and serve as the reference (overdue's scan): tests/warehouse/test_list_rollup.py holds
them equal for random periods, and test_incremental.py holds a refreshed table byte-identical to a rebuilt one.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from dashboard.metrics import kpi_sql, periods
from dashboard.warehouse import schema
from dashboard.warehouse.engine import get_meta, set_meta

VERSION = "list_rollup_version"
GROUP = ("unit_code", "procedure_code", "field_code", "procedure_name", "field_name")
KEYS = ("period_key", "cutoff", *GROUP)
COUNTS = ("finished_late", "open_overdue", "without_apology", "apology_known")
PERIODS_PER_STATEMENT = 8


def flags(c, start, end) -> dict[str, sa.ColumnElement]:
    """Membership of the two overdue lists of the period [start, end]: the one definition warehouse.overdue's
    lists and scans and this table all use."""
    conds = kpi_sql.count_conditions(c, start, end)
    relevant = kpi_sql.relevant_sql(c, start, end)
    return {kind: sa.and_(relevant, conds[kind]) for kind in ("finished_late", "open_overdue")}


def counts(c, start, end, weight=None) -> list[sa.ColumnElement]:
    """The counts of a group, COUNTS (each row counts as `weight` when given: the incremental delta).

    Without an apology letter, and known either way, as SPEC §4 and the report count them (kpi_sql): an export
    without CoPhieuXinLoi leaves the letter unknown, which is neither with nor without."""
    f = flags(c, start, end)
    overdue = sa.or_(f["finished_late"], f["open_overdue"])
    return [
        kpi_sql.count_if(f["finished_late"], weight).label("finished_late"),
        kpi_sql.count_if(f["open_overdue"], weight).label("open_overdue"),
        kpi_sql.count_if(sa.and_(overdue, kpi_sql.no_apology(c)), weight).label("without_apology"),
        kpi_sql.count_if(sa.and_(overdue, kpi_sql.apology_known(c)), weight).label("apology_known"),
    ]


def on_a_list(c, start, end) -> sa.ColumnElement:
    f = flags(c, start, end)
    return sa.or_(f["finished_late"], f["open_overdue"])


def period_rows(d: sa.Table, p: periods.Period, cutoff: int) -> sa.Select:
    """The table's rows of one period from the listable dossiers `d` (dossier_listable)."""
    return (
        sa.select(
            sa.literal(p.key, sa.String).label("period_key"),
            sa.literal(cutoff, sa.SmallInteger).label("cutoff"),
            *[d.c[k] for k in GROUP],
            *counts(d.c, p.start, p.end),
        )
        # the rows ended before the period cannot be on its lists: skipped by end date (rollups.listed_from)
        .where(on_a_list(d.c, p.start, p.end), sa.or_(d.c.end_date.is_(None), d.c.end_date >= p.start))
        .group_by(*[d.c[k] for k in GROUP])
    )


def insert_periods(conn: sa.Connection, todo: list[periods.Period], cutoff: int) -> None:
    """Count these periods from dossier_listable (which must be current) into the table."""
    t, d = schema.list_rollup, schema.dossier_listable
    # a few periods a statement, as rollups.refresh: one scan each all the same, fewer statements to plan
    for k in range(0, len(todo), PERIODS_PER_STATEMENT):
        selects = [period_rows(d, p, cutoff) for p in todo[k : k + PERIODS_PER_STATEMENT]]
        rows = sa.union_all(*selects) if len(selects) > 1 else selects[0]
        conn.execute(t.insert().from_select([*KEYS, *COUNTS], rows))


def refresh(conn: sa.Connection, cutoffs: list[int], span: tuple[date, date] | None) -> None:
    """Rebuild the table for every named period of the data's range `span` and each cut-off day, from
    dossier_listable (built first from the same dossiers)."""
    conn.execute(schema.list_rollup.delete())
    for cutoff in cutoffs:
        insert_periods(conn, periods.named_periods(*span, cutoff=cutoff) if span else [], cutoff)
    mark_current(conn)


def mark_current(conn: sa.Connection) -> None:
    set_meta(conn, VERSION, get_meta(conn, "data_version") or "0")


def is_current(conn: sa.Connection) -> bool:
    built = get_meta(conn, VERSION)
    return built is not None and built == (get_meta(conn, "data_version") or "0")


def serves(conn: sa.Connection, p: periods.Period, span: tuple[date, date] | None, cutoffs: list[int]) -> bool:
    """Whether the table holds period `p`: current, a named period of the data's range `span`, for a cut-off
    day it is kept for."""
    if p.kind == "custom" or p.cutoff not in cutoffs or span is None:
        return False
    # one of periods.named_periods(*span): its kind's period through its start, overlapping the range (listing
    # them all cost 9 ms a page)
    named = periods.containing(p.start, p.kind, p.cutoff)
    overlaps = p.start <= span[1] and p.end >= span[0]
    return (named.start, named.end) == (p.start, p.end) and overlaps and is_current(conn)


__all__ = ["COUNTS", "GROUP", "KEYS", "VERSION", "counts", "is_current", "on_a_list", "refresh", "serves"]
