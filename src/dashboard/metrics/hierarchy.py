"""Units in their hierarchy and across mergers (pure): ancestors and descendants valid in a period, the
crosswalk of retired units to successors, and territory totals (a unit with everything under it)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard.metrics.kpi import COUNT_FIELDS


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


def children_of(parent: Mapping[str, str | None]) -> dict[str, list[str]]:
    """parent → the units of `parent` (a mapping code → parent_code) directly under it."""
    children: dict[str, list[str]] = {}
    for code, p in parent.items():
        if isinstance(p, str) and p:
            children.setdefault(p, []).append(code)
    return children


def descendants_in(parent: Mapping[str, str | None], children: Mapping[str, list[str]], code: str) -> set[str]:
    """The units u of `parent` with `code` among u's ancestors-or-self (ancestor_pairs_of's pairs (u, code)), by
    a walk down from `code` — a trend of 24 months asked this of every month, and the pairs of the whole map
    each time were most of the page."""
    if code not in parent:
        return set()
    seen, todo = {code}, [code]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


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


def unit_sums(
    counts: pd.DataFrame,
    units: pd.DataFrame,
    successors: Mapping[str, str],
    *,
    territory: bool,
    columns=COUNT_FIELDS,
) -> np.ndarray:
    """The `columns` of every unit of `units` (one row each, in its order) as an int64 array: its own counts
    with those of retired units attributed to it (attribute_retired), and with territory=True those of its
    descendants too (the pairs of ancestor_pairs). Codes neither valid nor succeeded by a valid unit count
    nowhere.

    In numpy: over a period's 100–900 units the work is small and pandas' cost per operation was most of it —
    a table of today's city took 8 ms through attribute_retired, a territory sum by merge and group-by (the
    reference in tests/metrics/test_hierarchy.py) and a merge with the units, against ≈ 1 ms here."""
    pos = {c: i for i, c in enumerate(units["code"])}
    out = np.zeros((len(pos), len(columns)), dtype=np.int64)
    if len(counts) and len(pos):
        valid = set(pos)

        def at(code: str) -> int:  # the row of the unit, or of the retired unit's valid successor; -1: nowhere
            return pos[code] if code in pos else pos.get(successor_in(code, successors, valid) or "", -1)

        target = np.fromiter(
            (at(c) for c in counts["unit_code"]),
            dtype=np.intp,
            count=len(counts),
        )
        keep = target >= 0
        np.add.at(out, target[keep], counts[list(columns)].to_numpy(dtype=np.int64)[keep])
    if territory and len(pos):
        pairs = ancestor_pairs(units)
        below = np.fromiter((pos[u] for u, _ in pairs), dtype=np.intp, count=len(pairs))
        above = np.fromiter((pos[a] for _, a in pairs), dtype=np.intp, count=len(pairs))
        summed = np.zeros_like(out)
        np.add.at(summed, above, out[below])
        out = summed
    return out


def absorbed_codes(codes, successors: Mapping[str, str], valid: set[str]) -> list[str]:
    """`codes` plus every retired unit whose dossiers are attributed to one of them (see attribute_retired)."""
    wanted = set(codes)
    extra = {c for c in successors if c not in valid and successor_in(c, successors, valid) in wanted}
    return sorted(wanted | extra)
