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
    and those valid on its last day."""

    parent: dict[str, str | None]
    at_end: frozenset[str]
    children: dict[str, list[str]] = field(default_factory=dict)  # hierarchy.children_of(parent)

    def descendants(self, code: str) -> set[str]:
        return hierarchy.descendants_in(self.parent, self.children, code)


def month_units(all_units: pd.DataFrame, months: list[Period]) -> dict[str, MonthUnits]:
    """MonthUnits for each month, by period key (plain Python: cheaper than a frame filter per month)."""
    rows = sorted(
        (c, vf, None if pd.isna(vt) else vt, None if pd.isna(p) or p == "" else p)
        # lists, not Series: iterating a pandas column costs a __getitem__ per value (≈ 1 µs)
        for c, vf, vt, p in zip(
            *(all_units[k].tolist() for k in ("code", "valid_from", "valid_to", "parent_code")), strict=True
        )
    )
    out = {}
    for m in months:
        parent: dict[str, str | None] = {}
        at_end = set()
        for c, vf, vt, p in rows:  # sorted by valid_from within a code: the latest version wins
            if vf <= m.end and (vt is None or vt >= m.start):
                parent[c] = p
                if vt is None or vt >= m.end:
                    at_end.add(c)
        out[m.key] = MonthUnits(parent, frozenset(at_end), hierarchy.children_of(parent))
    return out


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
    values = monthly[fields].to_numpy(dtype="int64") if len(monthly) else None
    row_of = {kc: i for i, kc in enumerate(zip(monthly["period_key"].tolist(), monthly["unit_code"].tolist()))}
    before = predecessors(code, successors) if merged else set()
    rows = []
    for m in months:
        key = m.key  # a property: computed per call
        mu = context[key]
        valid = set(mu.parent)
        # a month belongs to the unit valid on its last day: the month that straddles a merger is the
        # successor's (with the retired unit's dossiers), not a stub of the retired unit
        shown = code if code in mu.at_end else hierarchy.successor_in(code, successors, mu.at_end)
        if shown is None and code in valid:
            shown = code  # abolished without a successor: its own figures while it lasted
        counts = dict.fromkeys(fields, float("nan"))  # no unit then: a gap, not zeros
        if shown is not None:
            counts = dict.fromkeys(fields, 0)
            roots = {shown} | (before & valid)
            owners: set[str] = set()
            for r in roots:
                owners |= mu.descendants(r) if territory else {r}
            owners = set(hierarchy.absorbed_codes(owners, successors, mu.at_end | {shown}))
            hit = [i for i in (row_of.get((key, c)) for c in owners) if i is not None]
            if hit:
                counts = dict(zip(fields, (int(v) for v in values[hit].sum(axis=0))))
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
