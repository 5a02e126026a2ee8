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
- overdue = finished_late + open_overdue; overdue_without_apology: those whose CoPhieuXinLoi is known and not 1
- conservation: received + carried_in = finished + withdrawn + open

Rates (percent; ``None`` — "không có dữ liệu" — when the denominator is 0):

- on_time_rate (official: 766 and Quảng Nam reports) =
  (finished_early + finished_on_time + withdrawn + paused + open_in_time) / (received + carried_in)
- on_time_rate_finished (press convention) = (finished_early + finished_on_time) / finished
- online_rate = received online (KenhThucHien = 2) / received whose channel is known
- online_payment_rate = received and paid online (DuocThanhToanTrucTuyen 1 or 2) / received with a fee whose
  payment is known
- digitised_rate = received with digitised components / received whose digitisation is known
- satisfaction_rate = rated 1 or 2 / rated, over dossiers finished in the period

A fact is unknown (None) when the file the dossier came from had no column for it (SPEC §2): a rate counts in
its denominator only the dossiers whose fact is known, and COVERAGE names, for each figure that rests on such a
fact, the count of dossiers it rests on and the count it would rest on were every fact known.

Territory figures sum the counts of a unit and all its descendants valid in the period, then
compute the rates (metrics/hierarchy.py). Everything here is pure: the definitions are given once as a
Python function of one dossier (:func:`classify`, the reference) and once as SQL expressions
(metrics/kpi_sql.py), and the tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta

import numpy as np
import pandas as pd

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
    "received_channel_known",
    "received_digitised_known",
    "received_fee_known",
    "overdue_apology_known",
)

#: rate name -> (numerator counts, denominator counts)
RATE_DEFS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "on_time_rate": (
        ("finished_early", "finished_on_time", "withdrawn", "paused", "open_in_time"),
        ("received", "carried_in"),
    ),
    "on_time_rate_finished": (("finished_early", "finished_on_time"), ("finished",)),
    "online_rate": (("received_online",), ("received_channel_known",)),
    "online_payment_rate": (("received_paid_online",), ("received_fee_known",)),
    "digitised_rate": (("received_digitised",), ("received_digitised_known",)),
    "satisfaction_rate": (("rated_satisfied",), ("rated",)),
}
RATE_FIELDS = tuple(RATE_DEFS)

#: figure → (dossiers whose fact is known, dossiers it would rest on with every fact known)
COVERAGE: dict[str, tuple[str, str]] = {
    "online_rate": ("received_channel_known", "received"),
    "digitised_rate": ("received_digitised_known", "received"),
    "online_payment_rate": ("received_fee_known", "received_with_fee"),
    "overdue_without_apology": ("overdue_apology_known", "overdue"),
}

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
    channel: int | None = None  # KenhThucHien; none = unknown (the file had no such column)
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
        out["received_channel_known"] = int(d.channel is not None)
        out["received_online"] = int(d.channel == 2)
        out["received_direct"] = int(d.channel == 1)
        out["received_postal"] = int(d.channel == 3)
        out["received_with_fee"] = int(d.has_fee == 1)
        out["received_fee_known"] = int(d.has_fee == 1 and d.paid_online is not None)
        out["received_paid_online"] = int(d.paid_online in (1, 2))
        out["received_digitised_known"] = int(d.digitised is not None)
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
    if late and d.apology is not None:
        out["overdue_apology_known"] = 1
        out["overdue_without_apology"] = int(d.apology != 1)
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
    received_channel_known: int = 0
    received_digitised_known: int = 0
    received_fee_known: int = 0
    overdue_apology_known: int = 0

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

    def coverage(self, name: str) -> tuple[int, int] | None:
        """(known, total) when the figure rests on part of its dossiers only, else None."""
        if name not in COVERAGE:
            return None
        known_f, total_f = COVERAGE[name]
        known, total = getattr(self, known_f), getattr(self, total_f) if total_f != "overdue" else self.overdue
        return (known, total) if known < total else None

    @property
    def overdue_without_apology_shown(self) -> int | None:
        """The count, or None ("không có dữ liệu") when no overdue dossier says whether it had a letter."""
        return None if self.overdue and not self.overdue_apology_known else self.overdue_without_apology


assert tuple(f.name for f in fields(KpiRow)) == COUNT_FIELDS


def add_derived(df: pd.DataFrame) -> pd.DataFrame:
    """Add overdue, open and every rate (float percent, NaN = no data) to a frame of counts."""
    # numpy per column, the new columns joined once: a DataFrame sum per rate cost ≈ 15 ms a table
    col = {c: df[c].to_numpy() for c in _DERIVED_FROM}
    new: dict[str, np.ndarray] = {
        "overdue": col["finished_late"] + col["open_overdue"],
        "open": col["paused"] + col["open_in_time"] + col["open_overdue"],
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, (num, den) in RATE_DEFS.items():
            n, d = sum(col[c] for c in num).astype("float64"), sum(col[c] for c in den).astype("float64")
            new[name] = np.where(d > 0, 100.0 * n / np.where(d > 0, d, 1.0), np.nan)
    out = df.drop(columns=[c for c in new if c in df.columns]) if any(c in df.columns for c in new) else df
    return pd.concat([out, pd.DataFrame(new, index=df.index)], axis=1)


_DERIVED_FROM = sorted(
    {"finished_late", "open_overdue", "paused", "open_in_time"}
    | {f for num, den in RATE_DEFS.values() for f in (*num, *den)}
)


def table_coverage(table, metrics) -> list[tuple[str, int, int, int]]:
    """For each of `metrics` that rests on a fact some dossiers lack (COVERAGE): (metric, dossiers it rests on,
    dossiers it would rest on, units with dossiers that lack the fact), summed over the rows of a table of
    units of one level; metrics whose fact every dossier has are left out."""
    out = []
    for m in metrics:
        if m not in COVERAGE or not len(table):
            continue
        known_f, total_f = COVERAGE[m]
        known, total = table[known_f], table[total_f]
        partial = int((known < total).sum())
        if int(known.sum()) < int(total.sum()):
            out.append((m, int(known.sum()), int(total.sum()), partial))
    return out
