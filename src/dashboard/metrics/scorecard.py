"""The 766 scorecard estimated from dossier data (research/domain.md §A.3–A.5).

The national 766 index has six groups and 100 points. The warehouse holds dossiers only, so it can
score the indicators whose inputs are dossier fields, and nothing else:

| group (max)                   | indicator used here                               | points | full at |
|-------------------------------|---------------------------------------------------|--------|---------|
| Công khai, minh bạch (18)     | — needs procedure publication and sync data       | —      | —       |
| Tiến độ giải quyết (20)       | 2.1 official on-time rate                         | 20     | 100 %   |
| DVC trực tuyến (12)           | 3.3 online dossiers (the group's split is unknown) | 12     | 50 %    |
| Thanh toán trực tuyến (10)    | 3.6 online payment (the group's split is unknown)  | 10     | 100 %   |
| Số hóa hồ sơ (22)             | 4.3 dossiers with digitised components           | 2      | 80 %    |
| Mức độ hài lòng (18)          | 5.4 satisfaction with dossier handling            | 6      | 90 %    |

Points = max × min(rate, full_at) / full_at, the rate first rounded to 2 decimals (the portal's rule).
The progress indicator is taken as linear in the rate (not confirmed, §A.3); payment has no published
threshold, so it is linear too. Where the portal's split of a group's points among its indicators is
unknown (DVC trực tuyến, Thanh toán), the one computable indicator stands for the whole group; where
the split is known (Số hóa, Hài lòng) only that indicator's points are scored and the rest is shown as
not computable. An indicator without data (zero denominator) scores nothing and leaves the maximum.
The total is an estimate over what could be computed, also given on a 100-point scale for the bands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard import config

#: (group key, the group's points in the portal's 100)
GROUPS: tuple[tuple[str, float], ...] = (
    ("publicity", 18.0),
    ("progress", 20.0),
    ("online", 12.0),
    ("payment", 10.0),
    ("digitisation", 22.0),
    ("satisfaction", 18.0),
)
GROUP_MAX = dict(GROUPS)


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str
    rate: str  # the SPEC §4 rate it is computed from
    max_points: float
    full_at: float  # percent at which the full points are earned
    ref: str  # the indicator's number in the 766 formula document
    whole_group: bool  # True: stands for the whole group (the split of its points is not published)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("progress", "progress", "on_time_rate", 20.0, 100.0, "2.1", False),
    Indicator("online", "online", "online_rate", 12.0, 50.0, "3.3", True),
    Indicator("payment", "payment", "online_payment_rate", 10.0, 100.0, "3.6", True),
    Indicator("digitisation", "digitisation", "digitised_rate", 2.0, 80.0, "4.3", False),
    Indicator("satisfaction", "satisfaction", "satisfaction_rate", 6.0, 90.0, "5.4", False),
)
BY_GROUP = {i.group: i for i in INDICATORS}
COMPUTABLE_MAX = sum(i.max_points for i in INDICATORS)


def _missing(value) -> bool:
    return value is None or value != value  # None or NaN


def points(rate: float | None, max_points: float, full_at: float) -> float | None:
    """The indicator's points: max × min(rate, full_at) / full_at; None when the rate has no data."""
    if _missing(rate):
        return None
    r = round(float(rate), 2)
    return max_points * min(max(r, 0.0), full_at) / full_at


def band(score_100: float | None, bands=config.BANDS_766) -> str | None:
    """Xuất sắc / Tốt / Khá / Trung bình / Yếu (keys) for a score on the 100-point scale."""
    if _missing(score_100):
        return None
    for key, lower in bands:
        if score_100 >= lower:
            return key
    return bands[-1][0]


@dataclass(frozen=True)
class GroupScore:
    group: str
    max_points: float  # the group's points in the portal's 100
    indicator: Indicator | None  # None: nothing in the group can be computed from dossiers
    rate: float | None = None
    points: float | None = None  # None: not computable or no data

    @property
    def computable_max(self) -> float:
        return self.indicator.max_points if self.indicator else 0.0

    @property
    def status(self) -> str:
        """not_computable · no_data · whole (the indicator stands for the group) · partial · full."""
        if self.indicator is None:
            return "not_computable"
        if self.points is None:
            return "no_data"
        if self.indicator.whole_group:
            return "whole"
        return "full" if self.indicator.max_points == self.max_points else "partial"


@dataclass(frozen=True)
class Scorecard:
    groups: tuple[GroupScore, ...]

    @property
    def estimate(self) -> float | None:
        """Sum of the points scored; None when no indicator has data."""
        got = [g.points for g in self.groups if g.points is not None]
        return sum(got) if got else None

    @property
    def scored_max(self) -> float:
        """The points at stake in the indicators that have data."""
        return sum(g.computable_max for g in self.groups if g.points is not None)

    @property
    def score_100(self) -> float | None:
        """The estimate on a 100-point scale (estimate / scored_max × 100), used for the bands."""
        est = self.estimate
        return None if est is None or not self.scored_max else 100.0 * est / self.scored_max

    @property
    def band(self) -> str | None:
        return band(self.score_100)


def scorecard(rates: Mapping[str, float | None]) -> Scorecard:
    """The scorecard of one unit and period from its SPEC §4 rates (percent, None/NaN = no data)."""
    out = []
    for group, max_points in GROUPS:
        ind = BY_GROUP.get(group)
        if ind is None:
            out.append(GroupScore(group, max_points, None))
            continue
        r = rates.get(ind.rate)
        r = None if _missing(r) else float(r)
        out.append(GroupScore(group, max_points, ind, r, points(r, ind.max_points, ind.full_at)))
    return Scorecard(tuple(out))


def score_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Add score_estimate, score_max, score_100 and score_band to a frame with the rate columns."""
    out = df.copy()
    est = pd.Series(0.0, index=df.index)
    at_stake = pd.Series(0.0, index=df.index)
    for ind in INDICATORS:
        r = df[ind.rate].astype("float64").round(2)
        p = ind.max_points * r.clip(lower=0.0, upper=ind.full_at) / ind.full_at
        out[f"points_{ind.key}"] = p
        est = est + p.fillna(0.0)
        at_stake = at_stake + r.notna() * ind.max_points
    out["score_estimate"] = est.where(at_stake > 0)
    out["score_max"] = at_stake
    out["score_100"] = (100.0 * est / at_stake).where(at_stake > 0)
    out["score_band"] = out["score_100"].map(band)
    return out
