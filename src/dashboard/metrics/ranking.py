"""Rankings of peer units by a measure, with ties and movement since the previous period.

Values are compared as shown (rounded to 2 decimals), so units that look equal share a rank; ranks
are competition ranks (1, 2, 2, 4). A unit without data has no rank and comes last. Movement is the
previous rank minus the current one: +2 means up two places; None when the unit was not ranked then.
"""

from __future__ import annotations

import pandas as pd

#: Measures the rankings offer: (column, higher is better). score_100 is the 766 estimate.
MEASURES: tuple[tuple[str, bool], ...] = (
    ("score_100", True),
    ("on_time_rate", True),
    ("on_time_rate_finished", True),
    ("online_rate", True),
    ("online_payment_rate", True),
    ("digitised_rate", True),
    ("satisfaction_rate", True),
    ("overdue", False),
    ("overdue_without_apology", False),
    ("received", True),
)
HIGHER_IS_BETTER = dict(MEASURES)


def rank(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Competition rank (1 = best) of values rounded to 2 decimals; NaN stays NaN (no rank)."""
    v = values.astype("float64").round(2)
    return v.rank(method="min", ascending=not higher_is_better).astype("Int64")


def ranked(now: pd.DataFrame, measure: str, before: pd.DataFrame | None = None) -> pd.DataFrame:
    """now/before: one row per unit with columns code, name and `measure`. Returns `now` sorted best
    first (ties by name) with rank, previous_rank and movement."""
    better = HIGHER_IS_BETTER.get(measure, True)
    out = now.copy()
    out["rank"] = rank(out[measure], better)
    if before is not None and len(before):
        prev = before.assign(previous_rank=rank(before[measure], better)).set_index("code")["previous_rank"]
        out["previous_rank"] = out["code"].map(prev).astype("Int64")
    else:
        out["previous_rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["movement"] = (out["previous_rank"] - out["rank"]).astype("Int64")
    out = out.sort_values(["rank", "name"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def arrow(movement) -> str:
    """↑ 2 · ↓ 1 · = · – (not ranked before)."""
    if movement is None or movement is pd.NA or movement != movement:
        return "–"
    m = int(movement)
    return f"↑ {m}" if m > 0 else (f"↓ {-m}" if m < 0 else "=")
