"""Monthly series of a unit's counts and rates, continued across mergers through the crosswalk.

For each month the series uses the units valid in that month (the same rule as the map and the
report): a unit's own dossiers, or the sum over it and its descendants for the whole territory, with
the dossiers of units merged away counted at their successor. A month belongs to the units valid on
its last day, so a unit retired by a merger continues in its successor from the month that straddles
the merger (a month of 15/12/2024–14/01/2025 is the successor's, with the retired unit's dossiers);
with ``merged=True`` a successor's months before the merger also include its predecessors, so the line
compares like with like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dashboard.metrics import hierarchy, kpi
from dashboard.metrics.periods import Period


def predecessors(code: str, successors: Mapping[str, str]) -> set[str]:
    """Every unit whose crosswalk chain leads to `code` (transitively)."""
    out: set[str] = set()
    frontier = {code}
    while frontier:
        new = {c for c, s in successors.items() if s in frontier and c not in out}
        out |= new
        frontier = new
    return out


@dataclass(frozen=True)
class Event:
    """A merger that touches a series: `retired` joined `successor` on `effective`."""

    effective: date
    retired: str
    successor: str


def events_for(code: str, successor_rows: pd.DataFrame) -> list[Event]:
    """Mergers in which `code` was retired or received another unit (rows: code, successor_code,
    effective_date)."""
    rows = successor_rows[(successor_rows["code"] == code) | (successor_rows["successor_code"] == code)]
    return [Event(r.effective_date, r.code, r.successor_code) for r in rows.itertuples()]


@dataclass(frozen=True)
class MonthUnits:
    """The units of one month: those valid at some day of it (a code's latest version, with its parent)
    and those valid on its last day. Months between two changes of the unit list share one."""

    parent: dict[str, str | None]
    at_end: frozenset[str]
    children: dict[str, list[str]] = field(default_factory=dict)  # hierarchy.children_of(parent)
    _below: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)  # descendants, as asked

    def descendants(self, code: str) -> set[str]:
        if code not in self._below:
            self._below[code] = hierarchy.descendants_in(self.parent, self.children, code)
        return self._below[code]


def month_units(all_units: pd.DataFrame, months: list[Period]) -> dict[str, MonthUnits]:
    """MonthUnits for each month, by period key. The versions valid in each month are numpy masks over their
    days (as ordinals); the months with the same masks — every month between two changes of the unit list —
    share one MonthUnits, whose dictionaries are built once (a loop over every version and month was most
    of a trend's 10 ms)."""
    # lists, not Series: iterating a pandas column costs a __getitem__ per value (≈ 1 µs)
    rows = sorted(zip(*(all_units[k].tolist() for k in ("code", "valid_from", "valid_to", "parent_code")), strict=True))
    codes = [c for c, _, _, _ in rows]
    parents = [None if p is None or p != p or p == "" else p for _, _, _, p in rows]  # != itself: NaN
    since = np.array([vf.toordinal() for _, vf, _, _ in rows], dtype=np.int64)
    until = np.array([_ordinal_or_max(vt) for _, _, vt, _ in rows], dtype=np.int64)
    out: dict[str, MonthUnits] = {}
    shared: dict[tuple[bytes, bytes], MonthUnits] = {}
    for m in months:
        start, end = m.start.toordinal(), m.end.toordinal()
        valid = (since <= end) & (until >= start)
        at_end = valid & (until >= end)
        key = (valid.tobytes(), at_end.tobytes())
        if key not in shared:
            parent: dict[str, str | None] = {}
            for i in np.flatnonzero(valid):  # versions by valid_from within a code: the latest wins
                parent[codes[i]] = parents[i]
            ends = frozenset(codes[i] for i in np.flatnonzero(at_end))
            shared[key] = MonthUnits(parent, ends, hierarchy.children_of(parent))
        out[m.key] = shared[key]
    return out


def _ordinal_or_max(day) -> int:
    return date.max.toordinal() if day is None or day != day else day.toordinal()  # != itself: NaN, NaT


def series(
    monthly: pd.DataFrame,
    all_units: pd.DataFrame,
    successors: Mapping[str, str],
    code: str,
    months: list[Period],
    *,
    territory: bool,
    merged: bool = False,
) -> pd.DataFrame:
    """One row per month: period_key, start, end, shown_code (the unit the month's figures belong to,
    None when neither the unit nor a successor exists then), the counts, overdue and the rates.

    monthly: own counts per (period_key, unit_code) — warehouse.trends.monthly_counts.
    """
    context = month_units(all_units, months)
    fields = list(kpi.COUNT_FIELDS)
    values = monthly[fields].to_numpy(dtype="int64")
    # each row's unit as a number and each month's rows: a month's sum is then a mask of its rows by the
    # numbers of the units it sums (a lookup per unit and month was half a trend's time)
    unit_ids, unit_codes = pd.factorize(monthly["unit_code"])
    number = {c: i for i, c in enumerate(unit_codes)}
    rows_of = monthly.groupby("period_key", sort=False).indices if len(monthly) else {}
    before = predecessors(code, successors) if merged else set()
    resolved: dict[int, tuple[str | None, np.ndarray]] = {}  # per MonthUnits (months alike share one)
    rows = []
    for m in months:
        key = m.key  # a property: computed per call
        mu = context[key]
        if id(mu) not in resolved:
            shown, owners = _owners(mu, code, successors, before, territory)
            summed = np.zeros(len(unit_codes), dtype=bool)
            summed[[number[c] for c in owners if c in number]] = True
            resolved[id(mu)] = shown, summed
        shown, summed = resolved[id(mu)]
        counts = dict.fromkeys(fields, float("nan"))  # no unit then: a gap, not zeros
        if shown is not None:
            here = rows_of.get(key, np.empty(0, dtype=np.intp))
            total = values[here[summed[unit_ids[here]]]].sum(axis=0)
            counts = dict(zip(fields, (int(v) for v in total)))
        rows.append(
            {
                "period_key": key,
                "start": m.start,
                "end": m.end,
                "year": m.year,
                "month": m.number,
                "shown_code": shown,
                **counts,
            }
        )
    return kpi.add_derived(pd.DataFrame(rows))


def _owners(
    mu: MonthUnits, code: str, successors: Mapping[str, str], before: set[str], territory: bool
) -> tuple[str | None, list[str]]:
    """The unit a month's figures belong to (None: neither `code` nor a successor exists then) and the units
    whose own dossiers they sum."""
    valid = set(mu.parent)
    # a month belongs to the unit valid on its last day: the month that straddles a merger is the
    # successor's (with the retired unit's dossiers), not a stub of the retired unit
    shown = code if code in mu.at_end else hierarchy.successor_in(code, successors, mu.at_end)
    if shown is None and code in valid:
        shown = code  # abolished without a successor: its own figures while it lasted
    if shown is None:
        return None, []
    owners: set[str] = set()
    for r in {shown} | (before & valid):
        owners |= mu.descendants(r) if territory else {r}
    return shown, hierarchy.absorbed_codes(owners, successors, mu.at_end | {shown})
