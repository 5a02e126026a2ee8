"""Reporting periods (SPEC §3).

A period is a closed date range [start, end]. Named periods use a cut-off day c: month M/Y runs from
day c of month M-1 to day c-1 of month M; quarter q/Y from day c of the month before its first month
to day c-1 of its last month; year Y from day c of December Y-1 to day c-1 of December Y. With c = 1
these are calendar months, quarters and years (Q1/2025 with c = 15 is 15/12/2024–14/03/2025).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("month", "quarter", "year", "custom")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: str = "custom"
    year: int | None = None
    number: int | None = None  # month 1-12 or quarter 1-4
    cutoff: int = 1

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def key(self) -> str:
        """Stable identifier: 2025-Q1, 2025-03, 2025, or 2025-01-01..2025-02-10."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "year":
            return str(self.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before this one (custom: same length)."""
        if self.kind == "month":
            y, m = (self.year, self.number - 1) if self.number > 1 else (self.year - 1, 12)
            return month(y, m, self.cutoff)
        if self.kind == "quarter":
            y, q = (self.year, self.number - 1) if self.number > 1 else (self.year - 1, 4)
            return quarter(y, q, self.cutoff)
        if self.kind == "year":
            return year(self.year - 1, self.cutoff)
        return custom(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def _check_cutoff(cutoff: int) -> None:
    if not 1 <= cutoff <= 28:
        raise ValueError(f"cut-off day must be between 1 and 28, got {cutoff}")


def _month_shift(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _range(y: int, first_month: int, last_month: int, cutoff: int) -> tuple[date, date]:
    """[cut-off of the month before first_month, day before cut-off of the month after last_month]."""
    _check_cutoff(cutoff)
    if cutoff == 1:
        ny, nm = _month_shift(y, last_month, 1)
        return date(y, first_month, 1), date(ny, nm, 1) - timedelta(days=1)
    sy, sm = _month_shift(y, first_month, -1)
    return date(sy, sm, cutoff), date(y, last_month, cutoff - 1)


def month(y: int, m: int, cutoff: int = 1) -> Period:
    if not 1 <= m <= 12:
        raise ValueError(f"month must be 1-12, got {m}")
    return Period(*_range(y, m, m, cutoff), kind="month", year=y, number=m, cutoff=cutoff)


def quarter(y: int, q: int, cutoff: int = 1) -> Period:
    if not 1 <= q <= 4:
        raise ValueError(f"quarter must be 1-4, got {q}")
    return Period(*_range(y, 3 * q - 2, 3 * q, cutoff), kind="quarter", year=y, number=q, cutoff=cutoff)


def year(y: int, cutoff: int = 1) -> Period:
    return Period(*_range(y, 1, 12, cutoff), kind="year", year=y, cutoff=cutoff)


def custom(start: date, end: date) -> Period:
    return Period(start, end, kind="custom")


_PATTERNS = (
    (re.compile(r"^(\d{4})-Q([1-4])$", re.I | re.A), lambda m, c: quarter(int(m[1]), int(m[2]), c)),
    (re.compile(r"^(\d{4})-(\d{1,2})$", re.A), lambda m, c: month(int(m[1]), int(m[2]), c)),
    (re.compile(r"^(\d{4})$", re.A), lambda m, c: year(int(m[1]), c)),
    (
        re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$", re.A),
        lambda m, c: custom(date.fromisoformat(m[1]), date.fromisoformat(m[2])),
    ),
)


def parse(text: str, cutoff: int = 1) -> Period:
    """Parse a period key: ``2025-Q1``, ``2025-03``, ``2025`` or ``2025-01-01..2025-02-10``."""
    text = text.strip()
    for pattern, build in _PATTERNS:
        m = pattern.match(text)
        if m:
            return build(m, cutoff)
    raise ValueError(f"not a period: {text!r} (expected 2025-Q1, 2025-03, 2025 or YYYY-MM-DD..YYYY-MM-DD)")


def containing(d: date, kind: str, cutoff: int = 1) -> Period:
    """The named period of the given kind that contains day d."""
    y = d.year
    for cand_year in (y + 1, y, y - 1):
        if kind == "year":
            cands = [year(cand_year, cutoff)]
        elif kind == "quarter":
            cands = [quarter(cand_year, q, cutoff) for q in range(1, 5)]
        elif kind == "month":
            cands = [month(cand_year, m, cutoff) for m in range(1, 13)]
        else:
            raise ValueError(f"unknown period kind {kind!r}")
        for p in cands:
            if p.start <= d <= p.end:
                return p
    raise AssertionError("unreachable")


def latest_complete(as_of: date, kind: str, cutoff: int = 1) -> Period:
    """The newest named period of this kind that ends on or before as_of."""
    p = containing(as_of, kind, cutoff)
    return p if p.end == as_of else p.previous()


def named_periods(first: date, last: date, cutoff: int = 1) -> list[Period]:
    """Every month, quarter and year that overlaps [first, last] (used to build rollups)."""
    out: list[Period] = []
    for kind in ("month", "quarter", "year"):
        p = containing(first, kind, cutoff)
        while p.start <= last:
            out.append(p)
            p = containing(p.end + timedelta(days=1), kind, cutoff)
    return out


def last_months(first: date, end: date, cutoff: int, n: int) -> list[Period]:
    """The `n` named months up to the one containing `end`, none before the one containing `first`."""
    return months_between(first, containing(end, "month", cutoff).end, cutoff)[-n:]


def months_between(first: date, last: date, cutoff: int = 1) -> list[Period]:
    """The named months from the one containing `first` to the one containing `last`, oldest first."""
    out: list[Period] = []
    p = containing(first, "month", cutoff)
    while p.start <= last:
        out.append(p)
        p = containing(p.end + timedelta(days=1), "month", cutoff)
    return out
