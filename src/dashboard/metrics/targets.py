"""Where a rate stands against its target: the bands the maps, rankings, reports and warnings colour by.

A rate is judged as it is shown (2 decimals, fmt.percent): 94,996 % reads "95,00 %", so it meets a 95 %
target. Judging the unrounded value coloured a "95,00 %" orange and counted it below target, which is
not what the page says."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: decimals a rate is shown and judged with
RATE_DECIMALS = 2
#: "near" = within this many points under the target
NEAR = 5.0


def shown(value: float) -> float:
    return round(float(value), RATE_DECIMALS)


def band(value: float | None, target: float, near: float = NEAR) -> str:
    """ok (at or above target), near (less than `near` points under it), low, or none (no data)."""
    if value is None or pd.isna(value):
        return "none"
    v = shown(value)
    if v >= target:
        return "ok"
    return "near" if v >= target - near else "low"


def below(values, target: float) -> np.ndarray:
    """Rates (a Series or an array; NaN = no data) under the target as shown: no data is not below."""
    v = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        return ~np.isnan(v) & (np.round(v, RATE_DECIMALS) < target)
