"""Any date range without scanning the dossiers (issue 18): per unit and day, how many dossiers were received
(with each fact), finished (early, on time, late, rated, …) or withdrawn that day, and how many entered and
left the open and the open-overdue states. Every SPEC §4 count over [d1, d2] is then a sum over the days of
the range (what happened in it) or over the days up to d1 - 1 or d2 (what was open then): O(units × days),
however many dossiers there are. unit_month_event holds the same sums per month, so a range reads its whole
months there and only the days of its partial months here: O(units × (months + 62 days)).
kpi_sql.count_conditions stays the reference; tests/warehouse/test_events.py holds the two equal for random
dossiers and ranges.

The state events, with s the first day a dossier is open and overdue, s = max(received, due + 1):
  open:         +1 on its received day, -1 on its end day (an ending status with an end date);
  open overdue: +1 on s, -1 on its end day when that comes after s (unpaused dossiers with a due date);
  paused:       +1 on its received day (a paused status never carries an end).
A dossier is open on day t when received ≤ t < end, as kpi_sql's `_not_ended_by(c, t, strict=True)`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.metrics import kpi, kpi_sql
from dashboard.metrics.kpi import ENDING_STATUSES, FINISHED_STATUSES, PAUSED_STATUSES, WITHDRAWN_STATUS
from dashboard.warehouse import schema
from dashboard.warehouse.engine import get_meta, set_meta

VERSION = "events_version"
#: counts summed over the days of the range (the day is the received or the end day)
IN_RANGE = schema.EVENT_IN_RANGE
#: deltas summed over the days up to a date (open, open overdue and paused on that date)
STATE = schema.EVENT_STATE


def _n(cond) -> sa.ColumnElement:
    """1 for a dossier that meets `cond`, else 0 (an event column of one SELECT)."""
    return sa.case((cond, 1), else_=0)


def _received_events(d, weight=None) -> sa.Select:
    c = d.c
    one = sa.literal(1)
    cols = {
        "r_received": one,
        "r_online": _n(c.channel == 2),
        "r_direct": _n(c.channel == 1),
        "r_postal": _n(c.channel == 3),
        "r_with_fee": _n(c.has_fee == 1),
        "r_paid_online": _n(c.paid_online.in_((1, 2))),
        "r_digitised": _n(c.digitised == 1),
        "r_channel_known": _n(c.channel.is_not(None)),
        "r_digitised_known": _n(c.digitised.is_not(None)),
        "r_fee_known": _n(sa.and_(c.has_fee == 1, c.paid_online.is_not(None))),
        "open_in": one,
        "paused_in": _n(c.status.in_(PAUSED_STATUSES)),
    }
    return _as_events(c.unit_code, c.received_date, cols, kpi_sql.counted_sql(c), weight)


def _end_events(d, weight=None) -> sa.Select:
    c = d.c
    finished = c.status.in_(FINISHED_STATUSES)
    late = sa.and_(finished, c.due_date.is_not(None), c.end_date > c.due_date)
    rated = sa.and_(finished, c.rating.in_((1, 2, 3, 4)))

    cols = {
        "f_finished": _n(finished),
        "f_early": _n(sa.and_(finished, c.due_date.is_not(None), c.end_date < c.due_date)),
        "f_on_time": _n(sa.and_(finished, sa.or_(c.due_date.is_(None), c.end_date == c.due_date))),
        "f_late": _n(late),
        "f_late_no_apology": _n(sa.and_(late, kpi_sql.no_apology(c))),
        "f_late_apology_known": _n(sa.and_(late, kpi_sql.apology_known(c))),
        "f_rated": _n(rated),
        "f_rated_satisfied": _n(sa.and_(rated, c.rating.in_((1, 2)))),
        "w_withdrawn": _n(c.status == WITHDRAWN_STATUS),
        "open_out": sa.literal(1),
    }
    where = sa.and_(kpi_sql.counted_sql(c), c.status.in_(ENDING_STATUSES), c.end_date.is_not(None))
    return _as_events(c.unit_code, c.end_date, cols, where, weight)


def _overdue_start(c) -> sa.ColumnElement:
    return sa.func.greatest(c.received_date, c.due_date + 1)


def _overdue_events(d, leaving: bool, weight=None) -> sa.Select:
    c = d.c
    s = _overdue_start(c)
    sign = "out" if leaving else "in"

    cols = {
        f"ov_{sign}": sa.literal(1),
        f"ov_no_apology_{sign}": _n(kpi_sql.no_apology(c)),
        f"ov_apology_known_{sign}": _n(kpi_sql.apology_known(c)),
    }
    # a dossier that ends by s (on time, or late but before its receipt + 1) is never open and overdue
    ends_after_s = sa.and_(c.status.in_(ENDING_STATUSES), c.end_date.is_not(None), c.end_date > s)
    never_ends = sa.or_(c.status.notin_(ENDING_STATUSES), c.end_date.is_(None))
    where = sa.and_(kpi_sql.counted_sql(c), c.status.notin_(PAUSED_STATUSES), c.due_date.is_not(None))
    if leaving:
        return _as_events(c.unit_code, c.end_date, cols, sa.and_(where, ends_after_s), weight)
    return _as_events(c.unit_code, s, cols, sa.and_(where, sa.or_(never_ends, ends_after_s)), weight)


def _as_events(unit, day, cols: dict[str, sa.ColumnElement], where, weight=None) -> sa.Select:
    """One SELECT of the union: every event column, those this kind does not set as 0 (each times the row's
    weight when there is one)."""
    w = (lambda e: e) if weight is None else (lambda e: e * weight)
    return sa.select(
        unit.label("unit_code"),
        sa.cast(day, sa.Date).label("day"),
        *[(w(cols[name]) if name in cols else sa.literal(0)).label(name) for name in (*IN_RANGE, *STATE)],
    ).where(where)


def per_day(d: sa.Table, weight=None) -> sa.Select:
    """The events of the dossiers in `d` summed per unit and day (a dossier table, or a table of dossier
    versions with a +1/-1 `weight` column: the change an import makes)."""
    parts = sa.union_all(
        _received_events(d, weight),
        _end_events(d, weight),
        _overdue_events(d, False, weight),
        _overdue_events(d, True, weight),
    )
    u = parts.subquery("e")
    return sa.select(u.c.unit_code, u.c.day, *[sa.func.sum(u.c[n]).label(n) for n in (*IN_RANGE, *STATE)]).group_by(
        u.c.unit_code, u.c.day
    )


def month_of(day) -> sa.ColumnElement:
    """The first day of the month of `day`."""
    return sa.cast(sa.func.date_trunc("month", day), sa.Date)


def per_month(days: sa.Select) -> sa.Select:
    """Rows of per-day events (unit_code, day and the event columns, e.g. per_day's) summed per unit and month."""
    u = days.subquery("days")
    month = month_of(u.c.day)
    names = (*IN_RANGE, *STATE)
    return sa.select(
        u.c.unit_code,
        month.label("month"),
        *[sa.cast(sa.func.sum(u.c[n]), sa.Integer).label(n) for n in names],
    ).group_by(u.c.unit_code, month)


def refresh(conn: sa.Connection) -> int:
    """Rebuild the per-day events from the dossiers (four passes) and their monthly sums; returns the number
    of per-day rows."""
    t, m, d = schema.unit_day_event, schema.unit_month_event, schema.dossier
    names = [*IN_RANGE, *STATE]
    conn.execute(t.delete())
    days = per_day(d)  # in order of day: DuckDB's zone maps then skip the row groups of other days
    conn.execute(t.insert().from_select(["unit_code", "day", *names], days.order_by(days.selected_columns.day)))
    conn.execute(m.delete())
    conn.execute(m.insert().from_select(["unit_code", "month", *names], per_month(sa.select(t))))
    set_meta(conn, VERSION, get_meta(conn, "data_version") or "0")
    return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())


def is_current(conn: sa.Connection) -> bool:
    built = get_meta(conn, VERSION)
    return built is not None and built == (get_meta(conn, "data_version") or "0")


def _pieces(lo: date | None, hi: date) -> tuple[list[tuple[date | None, date]], list[tuple[date, date]]]:
    """The days [lo, hi] (lo None: from the first) as intervals of whole months (by their first days) and
    intervals of the days left over (at most a partial month at each end)."""
    first = None if lo is None else lo if lo.day == 1 else _next_month(lo)
    day_after = hi + timedelta(days=1)
    after = day_after if day_after.day == 1 else hi.replace(day=1)  # the day after the last whole month
    if lo is not None and first is not None and first >= after:  # no whole month
        return [], [(lo, hi)]
    days = [(lo, first - timedelta(days=1))] if lo is not None and first is not None and lo < first else []
    if after <= hi:
        days.append((after, hi))
    return [(first, _previous_month(after))], days


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _previous_month(d: date) -> date:
    """The first day of the month before the one `d` is in."""
    return date(d.year - (d.month == 1), (d.month - 2) % 12 + 1, 1)


#: a range's parts: (table, tag, the lower bounds present) per part, in order: what its statement's shape is
_Shape = tuple[tuple[str, int, tuple[bool, ...]], ...]


def _parts(start: date, end: date) -> tuple[_Shape, dict[str, date]]:
    """The shape of [start, end]'s statement (_rows) and the values of its bounds: the whole months and the
    partial months' days before `start` (tag 0) and within the range (tag 1)."""
    shape, values = [], []
    for tag, (months, days) in enumerate((_pieces(None, start - timedelta(days=1)), _pieces(start, end))):
        for table, spans in (("month", months), ("day", days)):
            if spans:
                shape.append((table, tag, tuple(a is not None for a, _ in spans)))
                values += [v for a, b in spans for v in (a, b) if v is not None]
    return tuple(shape), {f"d{i}": v for i, v in enumerate(values)}


def _rows(shape: _Shape) -> sa.Subquery:
    """Rows whose per-unit sum is the events up to `end`, none straddling `start`: the monthly rows of the
    whole months and the daily rows of the rest, each part summed per unit first (plain column sums: a CASE
    per row and column was most of PostgreSQL's time); `tag` 1 for the parts in [start, end], whose in-range
    columns count (the days before count only the open states at the start). The bounds are parameters
    d0, d1, … in the order _parts gives their values."""
    tables = {"month": schema.unit_month_event, "day": schema.unit_day_event}
    names = (*IN_RANGE, *STATE)
    bound = (sa.bindparam(f"d{i}", type_=sa.Date) for i in itertools.count())

    def part(table: sa.Table, on: sa.ColumnElement, lower: tuple[bool, ...], tag: int) -> sa.Select:
        summed = names if tag else STATE
        sums = [sa.func.sum(table.c[n]) if n in summed else sa.literal(0) for n in names]
        spans = [sa.and_(*([on >= next(bound)] if lo else []), on <= next(bound)) for lo in lower]
        return (
            sa.select(table.c.unit_code, sa.literal(tag).label("tag"), *[c.label(n) for c, n in zip(sums, names)])
            .where(sa.or_(*spans))
            .group_by(table.c.unit_code)
        )

    parts = [part(tables[t], tables[t].c[t], lower, tag) for t, tag, lower in shape]
    return sa.union_all(*parts).subquery("rows")


@functools.lru_cache(maxsize=32)
def _counts_statement(shape: _Shape) -> sa.Select:
    """unit_counts' statement for ranges of one shape (a few shapes serve every range): built once, as building
    its hundred sums was 8 of a custom range's 21 ms at 10 M dossiers."""
    r = _rows(shape).c

    def net(name: str) -> sa.ColumnElement:
        return r[f"{name}_in"] - r[f"{name}_out"]

    # every count is one sum (cast: DuckDB's sums are 128-bit, several times slower to fetch)
    change = {
        **{field: r[col] for field, col in _RECEIVED_FINISHED.items()},
        "carried_in": sa.case((r.tag == 1, 0), else_=net("open")),
        "paused": r.paused_in,
        "open_overdue": net("ov"),
        "open_in_time": net("open") - r.paused_in - net("ov"),
        "overdue_without_apology": r.f_late_no_apology + net("ov_no_apology"),
        "overdue_apology_known": r.f_late_apology_known + net("ov_apology_known"),
    }
    return sa.select(
        r.unit_code, *[sa.cast(sa.func.sum(change[f]), sa.BigInteger).label(f) for f in kpi.COUNT_FIELDS]
    ).group_by(r.unit_code)


def unit_counts(
    conn: sa.Connection, start: date, end: date, keep: Callable[[sa.ColumnElement], list] | None = None
) -> pd.DataFrame:
    """The counts of kpi.COUNT_FIELDS per unit over [start, end], as queries.raw_unit_counts gives them
    (units with any count; `keep`: the conditions on a unit-code column that keep a unit, e.g. a scope).

    The units are kept after the per-unit sums, not before: a scope's IN (recursive CTE) probed against
    every event row cost 140 ms on 2 M rows where the same filter on the ≈ 2 000 sums costs nothing."""
    shape, bounds = _parts(start, end)
    q = _counts_statement(shape)
    if keep is not None:
        summed = q.subquery("summed")
        q = sa.select(summed).where(*keep(summed.c.unit_code))
    rows = conn.execute(q, bounds).all()
    counts = np.array([row[1:] for row in rows], dtype=np.int64).reshape(len(rows), len(kpi.COUNT_FIELDS))
    kept = np.flatnonzero(counts.any(axis=1))  # units with any count, as the dossiers' SQL gives them
    out = pd.DataFrame(counts[kept], columns=list(kpi.COUNT_FIELDS))
    out.insert(0, "unit_code", pd.Series([rows[int(i)][0] for i in kept], dtype="str"))
    return out


#: the counts that are one event column summed over the range
_RECEIVED_FINISHED = {
    "received": "r_received",
    "received_online": "r_online",
    "received_direct": "r_direct",
    "received_postal": "r_postal",
    "received_with_fee": "r_with_fee",
    "received_paid_online": "r_paid_online",
    "received_digitised": "r_digitised",
    "received_channel_known": "r_channel_known",
    "received_digitised_known": "r_digitised_known",
    "received_fee_known": "r_fee_known",
    "finished": "f_finished",
    "finished_early": "f_early",
    "finished_on_time": "f_on_time",
    "finished_late": "f_late",
    "withdrawn": "w_withdrawn",
    "rated": "f_rated",
    "rated_satisfied": "f_rated_satisfied",
}
