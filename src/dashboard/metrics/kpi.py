"""KPIs of a unit U over a period [D1, D2] — SPEC §4, the one place where they are defined.

Every figure is a count of U's own dossiers, statuses 1 (mới đăng ký) and 3 (không được tiếp nhận)
excluded. All comparisons use calendar dates. ``end`` is NgayKetThucXuLy for statuses 7, 9, 10 and
*none* otherwise (a recorded end date on an open status does not end the dossier).

- received: D1 ≤ received ≤ D2
- carried_in: received < D1 and (end is none or end ≥ D1)
- finished: status 9/10 and D1 ≤ end ≤ D2; split into finished_early (end < due),
  finished_on_time (end = due, or no due date) and finished_late (end > due)
- withdrawn: status 7 and D1 ≤ end ≤ D2 (counts as on time)
- open: received ≤ D2 and (end is none or end > D2); split into paused (status 5, 6 or 8 with no end:
  the clock is stopped, counts as on time), open_in_time (due ≥ D2 or no due) and open_overdue (due < D2)
- overdue = finished_late + open_overdue; overdue_without_apology: those without CoPhieuXinLoi = 1
- conservation: received + carried_in = finished + withdrawn + open

Rates (percent; ``None`` — "không có dữ liệu" — when the denominator is 0):

- on_time_rate (official: 766 and Quảng Nam reports) =
  (finished_early + finished_on_time + withdrawn + paused + open_in_time) / (received + carried_in)
- on_time_rate_finished (press convention) = (finished_early + finished_on_time) / finished
- online_rate = received online (KenhThucHien = 2) / received
- online_payment_rate = received and paid online (DuocThanhToanTrucTuyen 1 or 2) / received with a fee
- digitised_rate = received with digitised components / received
- satisfaction_rate = rated 1 or 2 / rated, over dossiers finished in the period

Territory figures sum the counts of a unit and all its descendants valid in the period, then
compute the rates. Everything here is pure: the same definitions are given once as a Python function
of one dossier (:func:`classify`, the reference) and once as SQL expressions (:func:`count_columns`),
and the tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa

EXCLUDED_STATUSES = (1, 3)
ENDING_STATUSES = (7, 9, 10)
FINISHED_STATUSES = (9, 10)
WITHDRAWN_STATUS = 7
PAUSED_STATUSES = (5, 6, 8)

#: Additive counts, in report order. Every one is a sum over dossiers, so they roll up by addition.
COUNT_FIELDS = (
    "received",
    "carried_in",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "withdrawn",
    "paused",
    "open_in_time",
    "open_overdue",
    "overdue_without_apology",
    "received_online",
    "received_direct",
    "received_postal",
    "received_with_fee",
    "received_paid_online",
    "received_digitised",
    "rated",
    "rated_satisfied",
)

#: rate name -> (numerator counts, denominator counts)
RATE_DEFS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "on_time_rate": (
        ("finished_early", "finished_on_time", "withdrawn", "paused", "open_in_time"),
        ("received", "carried_in"),
    ),
    "on_time_rate_finished": (("finished_early", "finished_on_time"), ("finished",)),
    "online_rate": (("received_online",), ("received",)),
    "online_payment_rate": (("received_paid_online",), ("received_with_fee",)),
    "digitised_rate": (("received_digitised",), ("received",)),
    "satisfaction_rate": (("rated_satisfied",), ("rated",)),
}
RATE_FIELDS = tuple(RATE_DEFS)

#: The exact columns of `python -m dashboard report`.
REPORT_FIELDS = (
    "unit_code",
    "unit_name",
    "received",
    "carried_in",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "withdrawn",
    "paused",
    "open_in_time",
    "open_overdue",
    "overdue",
    "overdue_without_apology",
    *RATE_FIELDS,
)


@dataclass(frozen=True)
class Dossier:
    """The fields of a dossier that the KPIs read (dates are calendar dates)."""

    received: date
    status: int
    due: date | None = None
    end: date | None = None  # NgayKetThucXuLy as recorded
    channel: int | None = None  # KenhThucHien; none means 1 (trực tiếp)
    paid_online: int | None = None  # DuocThanhToanTrucTuyen
    has_fee: int | None = None  # CoPhiLePhi
    digitised: int | None = None  # HoSoCoThanhPhanSoHoa
    apology: int | None = None  # CoPhieuXinLoi
    rating: int | None = None  # DanhGiaHaiLong


def kpi_end(status: int, end: date | None) -> date | None:
    """end(d): the recorded end date for statuses 7, 9, 10, else none."""
    return end if status in ENDING_STATUSES else None


def classify(d: Dossier, d1: date, d2: date) -> dict[str, int]:
    """Reference definition: which counts one dossier adds to over [d1, d2] (0 or 1 each)."""
    out = dict.fromkeys(COUNT_FIELDS, 0)
    if d.status in EXCLUDED_STATUSES:
        return out
    end = kpi_end(d.status, d.end)
    if d1 <= d.received <= d2:
        out["received"] = 1
        channel = d.channel or 1
        out["received_online"] = int(channel == 2)
        out["received_direct"] = int(channel == 1)
        out["received_postal"] = int(channel == 3)
        out["received_with_fee"] = int(d.has_fee == 1)
        out["received_paid_online"] = int(d.paid_online in (1, 2))
        out["received_digitised"] = int(d.digitised == 1)
    if d.received < d1 and (end is None or end >= d1):
        out["carried_in"] = 1
    late = False
    if d.status in FINISHED_STATUSES and end is not None and d1 <= end <= d2:
        out["finished"] = 1
        if d.due is None or end == d.due:
            out["finished_on_time"] = 1
        elif end < d.due:
            out["finished_early"] = 1
        else:
            out["finished_late"] = 1
            late = True
        if d.rating in (1, 2, 3, 4):
            out["rated"] = 1
            out["rated_satisfied"] = int(d.rating in (1, 2))
    if d.status == WITHDRAWN_STATUS and end is not None and d1 <= end <= d2:
        out["withdrawn"] = 1
    if d.received <= d2 and (end is None or end > d2):
        if d.status in PAUSED_STATUSES and end is None:
            out["paused"] = 1
        elif d.due is None or d.due >= d2:
            out["open_in_time"] = 1
        else:
            out["open_overdue"] = 1
            late = True
    if late and d.apology != 1:
        out["overdue_without_apology"] = 1
    return out


def is_due_soon(d: Dossier, as_of: date, days: int) -> bool:
    """Early warning: open at as_of, not paused, due within the next `days` days (as_of included)."""
    if d.status in EXCLUDED_STATUSES:
        return False
    end = kpi_end(d.status, d.end)
    is_open = d.received <= as_of and (end is None or end > as_of)
    paused = d.status in PAUSED_STATUSES and end is None
    return is_open and not paused and d.due is not None and as_of <= d.due <= as_of + timedelta(days=days)


def may_be_listed(d: Dossier) -> bool:
    """Whether a dossier can be on an overdue list at all (finished late or open and overdue in some
    period, or due soon at an as-of date on or after every end date): counted, with a due date, and not
    ended on or before it. Dossiers settled in time (the vast majority) never are."""
    if d.status in EXCLUDED_STATUSES or d.due is None:
        return False
    end = kpi_end(d.status, d.end)
    return end is None or end > d.due


# ---- The same definitions in SQL -------------------------------------------------------------


def count_if(cond) -> sa.ColumnElement:
    """SUM(CASE WHEN cond THEN 1 ELSE 0 END), 0 over no rows."""
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


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


def _not_ended_by(c, day: date, strict: bool) -> sa.ColumnElement:
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


def relevant_sql(c, d1: date, d2: date) -> sa.ColumnElement:
    """Dossiers that can add to any count over [d1, d2]: a filter that lets indexes help."""
    return sa.and_(counted_sql(c), c.received_date <= d2, _not_ended_by(c, d1, strict=False))


def count_conditions(c, d1: date, d2: date) -> dict[str, sa.ColumnElement]:
    """One boolean SQL condition per count; `c` is a column collection of the dossier table."""
    received = c.received_date.between(d1, d2)
    finished = sa.and_(c.status.in_(FINISHED_STATUSES), c.end_date.between(d1, d2))
    is_open = sa.and_(c.received_date <= d2, _not_ended_by(c, d2, strict=True))
    paused = sa.and_(is_open, c.status.in_(PAUSED_STATUSES))  # 5, 6, 8 never carry an end(d)
    unpaused_open = sa.and_(is_open, c.status.notin_(PAUSED_STATUSES))
    finished_late = sa.and_(finished, c.due_date.is_not(None), c.end_date > c.due_date)
    open_overdue = sa.and_(unpaused_open, c.due_date.is_not(None), c.due_date < d2)
    channel = sa.func.coalesce(c.channel, 1)
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
        "overdue_without_apology": sa.and_(sa.or_(finished_late, open_overdue), sa.func.coalesce(c.apology, 0) != 1),
        "received_online": sa.and_(received, channel == 2),
        "received_direct": sa.and_(received, channel == 1),
        "received_postal": sa.and_(received, channel == 3),
        "received_with_fee": sa.and_(received, c.has_fee == 1),
        "received_paid_online": sa.and_(received, c.paid_online.in_((1, 2))),
        "received_digitised": sa.and_(received, c.digitised == 1),
        "rated": rated,
        "rated_satisfied": sa.and_(rated, c.rating.in_((1, 2))),
    }


def count_columns(c, d1: date, d2: date) -> list[sa.Label]:
    """SUM(CASE …) per count, labelled with the count's name, in COUNT_FIELDS order."""
    conds = count_conditions(c, d1, d2)
    return [count_if(conds[name]).label(name) for name in COUNT_FIELDS]


def due_soon_sql(c, as_of: date, days: int) -> sa.ColumnElement:
    return sa.and_(
        counted_sql(c),
        c.received_date <= as_of,
        _not_ended_by(c, as_of, strict=True),
        c.status.notin_(PAUSED_STATUSES),
        c.due_date.between(as_of, as_of + timedelta(days=days)),
    )


# ---- Rates ------------------------------------------------------------------------------------


def rate(numerator: float, denominator: float) -> float | None:
    """Percent, or None ("không có dữ liệu") when the denominator is 0."""
    return None if not denominator else 100.0 * numerator / denominator


@dataclass(frozen=True)
class KpiRow:
    """The counts of one unit (own or territory) over one period, with the derived figures."""

    received: int = 0
    carried_in: int = 0
    finished: int = 0
    finished_early: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    withdrawn: int = 0
    paused: int = 0
    open_in_time: int = 0
    open_overdue: int = 0
    overdue_without_apology: int = 0
    received_online: int = 0
    received_direct: int = 0
    received_postal: int = 0
    received_with_fee: int = 0
    received_paid_online: int = 0
    received_digitised: int = 0
    rated: int = 0
    rated_satisfied: int = 0

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> KpiRow:
        return cls(**{f: int(counts.get(f, 0) or 0) for f in COUNT_FIELDS})

    @property
    def open(self) -> int:
        return self.paused + self.open_in_time + self.open_overdue

    @property
    def overdue(self) -> int:
        return self.finished_late + self.open_overdue

    @property
    def handled(self) -> int:
        """The official denominator: received in the period plus carried in."""
        return self.received + self.carried_in

    def rate(self, name: str) -> float | None:
        num, den = RATE_DEFS[name]
        return rate(sum(getattr(self, f) for f in num), sum(getattr(self, f) for f in den))

    def rates(self) -> dict[str, float | None]:
        return {name: self.rate(name) for name in RATE_FIELDS}


assert tuple(f.name for f in fields(KpiRow)) == COUNT_FIELDS


def add_derived(df: pd.DataFrame) -> pd.DataFrame:
    """Add overdue, open and every rate (float percent, NaN = no data) to a frame of counts."""
    out = df.copy()
    out["overdue"] = out["finished_late"] + out["open_overdue"]
    out["open"] = out["paused"] + out["open_in_time"] + out["open_overdue"]
    for name, (num, den) in RATE_DEFS.items():
        n = out[list(num)].sum(axis=1).astype("float64")
        d = out[list(den)].sum(axis=1).astype("float64")
        out[name] = (100.0 * n / d).where(d > 0)
    return out


def ancestor_pairs(units: pd.DataFrame) -> list[tuple[str, str]]:
    """(unit, ancestor-or-self) for every unit valid in the period (columns code, parent_code)."""
    return ancestor_pairs_of(dict(zip(units["code"], units["parent_code"])))


def ancestor_pairs_of(parent: Mapping[str, str | None]) -> list[tuple[str, str]]:
    """ancestor_pairs over a mapping code → parent_code of the units valid in the period."""
    pairs = []
    for code in parent:
        seen: set[str] = set()
        node: str | None = code
        while node is not None and node in parent and node not in seen:
            seen.add(node)
            pairs.append((code, node))
            node = parent[node] if isinstance(parent[node], str) and parent[node] else None
    return pairs


def descendant_codes(units: pd.DataFrame, code: str) -> list[str]:
    """The unit and all its descendants valid in the period (the "toàn địa bàn" of a unit)."""
    return sorted({u for u, a in ancestor_pairs(units) if a == code})


def successor_map(rows: pd.DataFrame) -> dict[str, str]:
    """Crosswalk rows (code, successor_code) as code → successor; a unit split among several successors
    keeps the first by code."""
    out: dict[str, str] = {}
    for code, succ in sorted(zip(rows["code"], rows["successor_code"])):
        out.setdefault(code, succ)
    return out


def successor_in(code: str, successors: Mapping[str, str], valid: set[str]) -> str | None:
    """The first unit along `code`'s crosswalk chain that is valid (None if the chain never reaches one)."""
    seen = set()
    node = code
    while node not in valid:
        if node in seen or node not in successors:
            return None
        seen.add(node)
        node = successors[node]
    return node


def attribute_retired(
    counts: pd.DataFrame, valid: set[str], successors: Mapping[str, str], columns=COUNT_FIELDS
) -> pd.DataFrame:
    """Give the dossiers of units retired before the period to their successor valid in the period.

    A unit merged away on 01/01/2025 still has dossiers received before that date and open after it;
    its successor handles them, so they count there instead of vanishing from every total.
    counts: one row per unit_code with `columns`; returns the same shape, regrouped.
    """
    if counts.empty:
        return counts
    codes = counts["unit_code"]
    retired = ~codes.isin(valid)
    if not retired.any():
        return counts
    target = codes.where(~retired, codes.map(lambda c: successor_in(c, successors, valid) or c))
    out = counts.assign(unit_code=target).groupby("unit_code", as_index=False, sort=True)[list(columns)].sum()
    return out


def absorbed_codes(codes, successors: Mapping[str, str], valid: set[str]) -> list[str]:
    """`codes` plus every retired unit whose dossiers are attributed to one of them (see attribute_retired)."""
    wanted = set(codes)
    extra = {c for c in successors if c not in valid and successor_in(c, successors, valid) in wanted}
    return sorted(wanted | extra)


def territory_totals(counts: pd.DataFrame, units: pd.DataFrame, columns=COUNT_FIELDS) -> pd.DataFrame:
    """Sum each unit's counts with those of all its descendants.

    counts: one row per unit_code with `columns` (default COUNT_FIELDS; units without dossiers may be absent).
    units: the units valid in the period, columns code and parent_code (one row per code).
    Returns one row per unit in `units`, indexed by code, with the summed `columns`.
    """
    parent = dict(zip(units["code"], units["parent_code"]))
    link = pd.DataFrame(ancestor_pairs(units), columns=["unit_code", "ancestor"])
    own = counts.set_index("unit_code")[list(columns)] if len(counts) else None
    if own is None:
        zero = pd.DataFrame(0, index=pd.Index(list(parent), name="code"), columns=list(columns))
        return zero
    merged = link.merge(own, left_on="unit_code", right_index=True, how="inner")
    summed = merged.groupby("ancestor")[list(columns)].sum()
    summed = summed.reindex(list(parent), fill_value=0)
    summed.index.name = "code"
    return summed.astype("int64")
