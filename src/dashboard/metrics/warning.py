"""Early warning (pure): units below the on-time target or falling fast, and dossiers due soon."""

from __future__ import annotations

import pandas as pd

from dashboard.metrics.hierarchy import territory_totals
from dashboard.metrics.targets import below

DROP_POINTS = 2.0


def territory_sum(values: pd.DataFrame, units: pd.DataFrame, column: str) -> pd.Series:
    """Sum a per-unit value (columns unit_code and `column`) over each unit and its descendants."""
    return territory_totals(values[["unit_code", column]], units, columns=(column,))[column]


def early_warning(
    now: pd.DataFrame, before: pd.DataFrame | None, due_soon: pd.Series, *, target: float, drop: float = DROP_POINTS
) -> pd.DataFrame:
    """One row per unit of `now` (code, name, kind, on_time_rate, …) with the previous rate, the change in
    points, the flags `below` (rate < target) and `dropped` (fell by more than `drop` points), and the
    due-soon count. Units with no data this period are never flagged. Flagged units first, worst first."""
    out = now[["code", "name", "kind", "on_time_rate", "overdue", "overdue_without_apology"]].copy()
    prev = before.set_index("code")["on_time_rate"] if before is not None and len(before) else pd.Series(dtype=float)
    out["previous_rate"] = out["code"].map(prev).astype("float64")
    out["change"] = out["on_time_rate"] - out["previous_rate"]
    out["below"] = below(out["on_time_rate"], target)
    out["dropped"] = out["change"].notna() & (out["change"] < -drop)
    out["due_soon"] = out["code"].map(due_soon).fillna(0).astype("int64")
    out["flagged"] = out["below"] | out["dropped"]
    return out.sort_values(
        ["flagged", "on_time_rate", "due_soon"], ascending=[False, True, False], na_position="last"
    ).reset_index(drop=True)
