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

from dataclasses import dataclass
from datetime import date
from typing import Mapping

import pandas as pd

from dashboard.metrics import kpi
from dashboard.metrics.periods import Period


def valid_units(all_units: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Units valid at some day of [start, end]; a code with several versions keeps its latest one
    (pure twin of queries.units_in_period)."""
    u = all_units
    ok = (u["valid_from"] <= end) & (u["valid_to"].isna() | (u["valid_to"] >= start))
    return u[ok].sort_values(["code", "valid_from"]).drop_duplicates("code", keep="last").reset_index(drop=True)


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


def series(monthly: pd.DataFrame, all_units: pd.DataFrame, successors: Mapping[str, str], code: str,
           months: list[Period], *, territory: bool, merged: bool = False) -> pd.DataFrame:
    """One row per month: period_key, start, end, shown_code (the unit the month's figures belong to,
    None when neither the unit nor a successor exists then), the counts, overdue and the rates.

    monthly: own counts per (period_key, unit_code) — warehouse.trends.monthly_counts.
    """
    by_month = {k: g for k, g in monthly.groupby("period_key")} if len(monthly) else {}
    before = predecessors(code, successors) if merged else set()
    rows = []
    for m in months:
        units = valid_units(all_units, m.start, m.end)
        valid = set(units["code"])
        # a month belongs to the unit valid on its last day: the month that straddles a merger is the
        # successor's (with the retired unit's dossiers), not a stub of the retired unit
        at_end = set(valid_units(all_units, m.end, m.end)["code"])
        shown = code if code in at_end else kpi.successor_in(code, successors, at_end)
        if shown is None and code in valid:
            shown = code  # abolished without a successor: its own figures while it lasted
        counts = dict.fromkeys(kpi.COUNT_FIELDS, float("nan"))  # no unit then: a gap, not zeros
        if shown is not None:
            counts = dict.fromkeys(kpi.COUNT_FIELDS, 0)
            roots = {shown} | (before & valid)
            owners: set[str] = set()
            for r in roots:
                owners |= set(kpi.descendant_codes(units, r)) if territory else {r}
            owners = set(kpi.absorbed_codes(owners, successors, at_end | {shown}))
            g = by_month.get(m.key)
            if g is not None:
                hit = g[g["unit_code"].isin(owners)]
                counts = {f: int(hit[f].sum()) for f in kpi.COUNT_FIELDS}
        rows.append({"period_key": m.key, "start": m.start, "end": m.end, "year": m.year, "month": m.number,
                     "shown_code": shown, **counts})
    return kpi.add_derived(pd.DataFrame(rows))


def successor_dict(rows: pd.DataFrame) -> dict[str, str]:
    """Crosswalk rows (code, successor_code) as code → successor; a split keeps the first by code,
    as queries.successor_map does."""
    out: dict[str, str] = {}
    for code, succ in sorted(zip(rows["code"], rows["successor_code"])):
        out.setdefault(code, succ)
    return out
