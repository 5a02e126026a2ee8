"""Any date range without scanning the dossiers (issue 18): per unit and day, how many dossiers were received
(with each fact), finished (early, on time, late, rated, …) or withdrawn that day, and how many entered and
left the open and the open-overdue states. Every SPEC §4 count over [d1, d2] is then a sum over the days of
the range (what happened in it) or over the days up to d1 - 1 or d2 (what was open then): O(units × days),
however many dossiers there are. kpi_sql.count_conditions stays the reference; tests/warehouse/test_events.py
holds the two equal for random dossiers and ranges.

The state events, with s the first day a dossier is open and overdue, s = max(received, due + 1):
  open:         +1 on its received day, -1 on its end day (an ending status with an end date);
  open overdue: +1 on s, -1 on its end day when that comes after s (unpaused dossiers with a due date);
  paused:       +1 on its received day (a paused status never carries an end).
A dossier is open on day t when received ≤ t < end, as kpi_sql's `_not_ended_by(c, t, strict=True)`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import sqlalchemy as sa

from dashboard.metrics import kpi, kpi_sql
from dashboard.metrics.kpi import ENDING_STATUSES, FINISHED_STATUSES, PAUSED_STATUSES, WITHDRAWN_STATUS
from dashboard.warehouse import schema
from dashboard.warehouse.engine import frame, get_meta, set_meta

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
        "f_late_no_apology": _n(sa.and_(late, c.apology != 1)),
        "f_late_apology_known": _n(sa.and_(late, c.apology.is_not(None))),
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
        f"ov_no_apology_{sign}": _n(c.apology != 1),
        f"ov_apology_known_{sign}": _n(c.apology.is_not(None)),
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


def refresh(conn: sa.Connection) -> int:
    """Rebuild the per-day events from the dossiers (four passes); returns their row count."""
    t, d = schema.unit_day_event, schema.dossier
    conn.execute(t.delete())
    conn.execute(t.insert().from_select(["unit_code", "day", *IN_RANGE, *STATE], per_day(d)))
    set_meta(conn, VERSION, get_meta(conn, "data_version") or "0")
    return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())


def is_current(conn: sa.Connection) -> bool:
    built = get_meta(conn, VERSION)
    return built is not None and built == (get_meta(conn, "data_version") or "0")


def unit_counts(
    conn: sa.Connection, start: date, end: date, keep: Callable[[sa.ColumnElement], list] | None = None
) -> pd.DataFrame:
    """The counts of kpi.COUNT_FIELDS per unit over [start, end], as queries.raw_unit_counts gives them
    (units with any count; `keep`: the conditions on a unit-code column that keep a unit, e.g. a scope).

    The units are kept after the per-unit sums, not before: a scope's IN (recursive CTE) probed against
    every event row cost 140 ms on 2 M rows where the same filter on the ≈ 2 000 sums costs nothing."""
    t = schema.unit_day_event

    # two aggregates joined: the range's own events over its days only, the states over every day up to `end`
    # — a state at the end is a plain sum of its net change, only the one the day before `start` needs a CASE
    def net(name: str) -> sa.ColumnElement:
        return t.c[f"{name}_in"] - t.c[f"{name}_out"]

    def total(change: sa.ColumnElement, label: str) -> sa.Label:
        return sa.func.coalesce(sa.func.sum(change), 0).label(label)

    ranged = (
        sa.select(t.c.unit_code, *[total(t.c[n], n) for n in IN_RANGE])
        .where(t.c.day >= start, t.c.day <= end)
        .group_by(t.c.unit_code)
        .subquery("ranged")
    )
    states = (
        sa.select(
            t.c.unit_code,
            total(net("open"), "open_end"),
            total(sa.case((t.c.day < start, net("open")), else_=0), "open_start"),
            total(t.c.paused_in, "paused_end"),
            total(net("ov"), "ov_end"),
            total(net("ov_no_apology"), "ov_no_apology_end"),
            total(net("ov_apology_known"), "ov_known_end"),
        )
        .where(t.c.day <= end)
        .group_by(t.c.unit_code)
        .subquery("states")
    )
    state_names = [c.name for c in states.c][1:]
    q = sa.select(
        states.c.unit_code,
        *[sa.func.coalesce(ranged.c[n], 0) for n in IN_RANGE],
        *[states.c[n] for n in state_names],
    ).select_from(states.outerjoin(ranged, ranged.c.unit_code == states.c.unit_code))
    if keep is not None:
        q = q.where(*keep(states.c.unit_code))
    raw = frame(conn.execute(q).all(), ["unit_code", *IN_RANGE, *state_names])
    raw = raw.astype(dict.fromkeys(raw.columns[1:], "int64"))
    rename = {
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
    cols = {"unit_code": raw["unit_code"], **{field: raw[col] for field, col in rename.items()}}
    cols["carried_in"] = raw["open_start"]
    cols["paused"] = raw["paused_end"]
    cols["open_overdue"] = raw["ov_end"]
    cols["open_in_time"] = raw["open_end"] - raw["paused_end"] - raw["ov_end"]
    cols["overdue_without_apology"] = raw["f_late_no_apology"] + raw["ov_no_apology_end"]
    cols["overdue_apology_known"] = raw["f_late_apology_known"] + raw["ov_known_end"]
    out = pd.DataFrame(cols)[["unit_code", *kpi.COUNT_FIELDS]]
    return out[out[list(kpi.COUNT_FIELDS)].ne(0).any(axis=1)].reset_index(drop=True)
