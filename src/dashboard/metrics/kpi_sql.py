"""The KPIs of metrics/kpi.py as SQL expressions over a dossier table's columns (SQLAlchemy Core): the rollup,
the reports and the overdue lists count with these, and tests/metrics/test_kpi.py holds them equal to the
pure reference `kpi.classify`."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from dashboard.metrics.kpi import (
    COUNT_FIELDS,
    ENDING_STATUSES,
    EXCLUDED_STATUSES,
    FINISHED_STATUSES,
    PAUSED_STATUSES,
    WITHDRAWN_STATUS,
)

#: a date, or a date column (a table of periods joined to the dossiers)
Day = date | sa.ColumnElement


def count_if(cond, weight=None) -> sa.ColumnElement:
    """SUM(CASE WHEN cond THEN 1 ELSE 0 END), 0 over no rows; with `weight` (a column of +1/-1) each row
    counts as its weight (the incremental refresh subtracts old versions and adds new ones)."""
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1 if weight is None else weight), else_=0)), 0)


def kpi_end_sql(c) -> sa.ColumnElement:
    return sa.case((c.status.in_(ENDING_STATUSES), c.end_date), else_=None)


def counted_sql(c) -> sa.ColumnElement:
    """Dossiers that enter any KPI (statuses 1 and 3 are stored but never counted)."""
    return c.status.notin_(EXCLUDED_STATUSES)


# end(d) is CASE WHEN status IN (7, 9, 10) THEN end_date END; the conditions below spell it out as plain
# comparisons on status and end_date (same truth in SQL's three-valued logic), which column stores scan
# about three times faster than the CASE expression.


def _ended(c) -> sa.ColumnElement:
    return c.status.in_(ENDING_STATUSES)


def _not_ended_by(c, day: Day, strict: bool) -> sa.ColumnElement:
    """end(d) is none or end(d) > day (strict) / >= day."""
    after = c.end_date > day if strict else c.end_date >= day
    return sa.or_(c.status.notin_(ENDING_STATUSES), c.end_date.is_(None), after)


def listable_sql(c) -> sa.ColumnElement:
    """may_be_listed in SQL."""
    return sa.and_(
        counted_sql(c),
        c.due_date.is_not(None),
        sa.or_(c.status.notin_(ENDING_STATUSES), c.end_date.is_(None), c.end_date > c.due_date),
    )


def relevant_sql(c, d1: Day, d2: Day) -> sa.ColumnElement:
    """Dossiers that can add to any count over [d1, d2]: a filter that lets indexes help."""
    return sa.and_(counted_sql(c), c.received_date <= d2, _not_ended_by(c, d1, strict=False))


def no_apology(c) -> sa.ColumnElement:
    """An overdue dossier without an apology letter: CoPhieuXinLoi known and not 1 (unknown is neither)."""
    return c.apology != 1


def apology_known(c) -> sa.ColumnElement:
    return c.apology.is_not(None)


def count_conditions(c, d1: Day, d2: Day) -> dict[str, sa.ColumnElement]:
    """One boolean SQL condition per count; `c` is a column collection of the dossier table."""
    received = c.received_date.between(d1, d2)
    finished = sa.and_(c.status.in_(FINISHED_STATUSES), c.end_date.between(d1, d2))
    is_open = sa.and_(c.received_date <= d2, _not_ended_by(c, d2, strict=True))
    paused = sa.and_(is_open, c.status.in_(PAUSED_STATUSES))  # 5, 6, 8 never carry an end(d)
    unpaused_open = sa.and_(is_open, c.status.notin_(PAUSED_STATUSES))
    finished_late = sa.and_(finished, c.due_date.is_not(None), c.end_date > c.due_date)
    open_overdue = sa.and_(unpaused_open, c.due_date.is_not(None), c.due_date < d2)
    rated = sa.and_(finished, c.rating.in_((1, 2, 3, 4)))
    return {
        "received": received,
        "carried_in": sa.and_(c.received_date < d1, _not_ended_by(c, d1, strict=False)),
        "finished": finished,
        "finished_early": sa.and_(finished, c.due_date.is_not(None), c.end_date < c.due_date),
        "finished_on_time": sa.and_(finished, sa.or_(c.due_date.is_(None), c.end_date == c.due_date)),
        "finished_late": finished_late,
        "withdrawn": sa.and_(c.status == WITHDRAWN_STATUS, c.end_date.between(d1, d2)),
        "paused": paused,
        "open_in_time": sa.and_(unpaused_open, sa.or_(c.due_date.is_(None), c.due_date >= d2)),
        "open_overdue": open_overdue,
        "overdue_without_apology": sa.and_(sa.or_(finished_late, open_overdue), no_apology(c)),
        "received_online": sa.and_(received, c.channel == 2),
        "received_direct": sa.and_(received, c.channel == 1),
        "received_postal": sa.and_(received, c.channel == 3),
        "received_with_fee": sa.and_(received, c.has_fee == 1),
        "received_paid_online": sa.and_(received, c.paid_online.in_((1, 2))),
        "received_digitised": sa.and_(received, c.digitised == 1),
        "rated": rated,
        "rated_satisfied": sa.and_(rated, c.rating.in_((1, 2))),
        "received_channel_known": sa.and_(received, c.channel.is_not(None)),
        "received_digitised_known": sa.and_(received, c.digitised.is_not(None)),
        "received_fee_known": sa.and_(received, c.has_fee == 1, c.paid_online.is_not(None)),
        "overdue_apology_known": sa.and_(sa.or_(finished_late, open_overdue), apology_known(c)),
    }


def count_columns(c, d1: Day, d2: Day, weight=None) -> list[sa.Label]:
    """SUM(CASE …) per count, labelled with the count's name, in COUNT_FIELDS order. d1 and d2 are dates or
    date columns (a table of periods joined to the dossiers)."""
    conds = count_conditions(c, d1, d2)
    return [count_if(conds[name], weight).label(name) for name in COUNT_FIELDS]


def due_soon_sql(c, as_of: date, days: int) -> sa.ColumnElement:
    return sa.and_(
        counted_sql(c),
        c.received_date <= as_of,
        _not_ended_by(c, as_of, strict=True),
        c.status.notin_(PAUSED_STATUSES),
        c.due_date.between(as_of, as_of + timedelta(days=days)),
    )
