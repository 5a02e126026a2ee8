"""Which unit a dossier names, checked against the units valid on its received date (SPEC §1: a unit is a code
and a validity; codes are reused across vintages). By code, or by name as exports write it ("UBND phường Tân
Thạnh", "UBND TP. Tam Kỳ"): recorded aliases first, then names with diacritics, then folded names."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dashboard.warehouse import schema
from dashboard.warehouse.ingest.names import clean, exact_key, fold, folded_key, split_unit_name

FAR = date(9999, 12, 31)


def alias_key(name: str) -> str:
    return fold(clean(name))


@dataclass(frozen=True)
class Version:
    code: str
    name: str
    kind: str
    valid_from: date
    valid_to: date  # FAR = still valid
    parent: str | None = None

    def valid_on(self, d: date) -> bool:
        return self.valid_from <= d <= self.valid_to

    def label(self) -> str:
        end = "…" if self.valid_to == FAR else self.valid_to.strftime("%d/%m/%Y")
        return f"{self.code} {self.name} ({self.valid_from.strftime('%d/%m/%Y')}–{end})"


class UnitIndex:
    """The warehouse's unit versions and aliases, read once per import."""

    def __init__(self, conn: sa.Connection):
        u = schema.unit
        self.versions = [
            Version(code, name, kind, vf, vt or FAR, parent)
            for code, name, kind, vf, vt, parent in conn.execute(
                sa.select(u.c.code, u.c.name, u.c.kind, u.c.valid_from, u.c.valid_to, u.c.parent_code)
            ).all()
        ]
        self.by_code = self._grouped(lambda v: v.code)
        a = schema.unit_alias
        self.aliases = dict(conn.execute(sa.select(a.c.alias_key, a.c.unit_code)).all())

    def _grouped(self, key: Callable[[Version], str]) -> dict[str, list[Version]]:
        out: dict[str, list[Version]] = {}
        for v in self.versions:
            out.setdefault(key(v), []).append(v)
        return out

    @functools.cached_property
    def exact(self) -> dict[str, list[Version]]:
        """Versions by name with diacritics (built when a file names its units: half an import of codes)."""
        return self._grouped(lambda v: exact_key(v.name))

    @functools.cached_property
    def folded(self) -> dict[str, list[Version]]:
        return self._grouped(lambda v: folded_key(v.name))

    # ---- codes ----

    def check_codes(self, codes: np.ndarray, received: np.ndarray) -> list[tuple[np.ndarray, str, str | None]]:
        """The rows whose unit code is unknown or not valid on their received date, as (row indices, reason,
        detail) per distinct (code, day); `received` holds days (NaT for unknown: its date is quarantined)."""
        problems: list[tuple[np.ndarray, str, str | None]] = []
        for (code, day), idx in _groups(codes, received):
            if code == "":
                continue
            vs = self.by_code.get(code)
            if not vs:
                problems.append((idx, "unknown_unit", None))
            elif pd.isna(day):
                continue  # the date itself is quarantined
            elif not any(v.valid_on(_as_date(day)) for v in vs):
                problems.append((idx, "unit_not_valid", "; ".join(v.label() for v in vs)))
        return problems

    def under(self, code: str, root: str, d: date) -> bool:
        """Whether unit `code` is `root` or sits under it on day d (parents as valid that day)."""
        for _ in range(8):  # province → district → commune → … : a few levels; a cycle in a bad list stops here
            if code == root:
                return True
            v = next((v for v in self.by_code.get(code, []) if v.valid_on(d)), None)
            if v is None or not v.parent:
                return False
            code = v.parent
        return False

    # ---- names ----

    def _candidates(self, name: str) -> tuple[list[Version], list[Version]]:
        kinds, _ = split_unit_name(name)

        def keep(vs: list[Version]) -> list[Version]:
            if not kinds:
                return vs
            hit = [v for v in vs if v.kind in kinds]
            return hit or vs

        return keep(self.exact.get(exact_key(name), [])), keep(self.folded.get(folded_key(name), []))

    def resolve_names(
        self, names: np.ndarray, received: np.ndarray, within: str | None = None
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, str, str | None]], dict[str, str]]:
        """Per row the code ('' when unresolved); the rows not resolved as (row indices, reason, detail); and
        name → code of the names resolved, for the import's report. `within` (a province's code: the province
        whose system wrote the file) settles a name that several provinces' units carry, such as "Sở Tư pháp"
        before a merger."""
        codes = np.full(len(names), "", dtype=object)
        problems: list[tuple[np.ndarray, str, str | None]] = []
        resolved: dict[str, str] = {}
        cache: dict[str, tuple[list[Version], list[Version]]] = {}
        for (name, day), idx in _groups(names, received):
            if name == "":
                continue
            code, reason, detail = self._one(name, day, cache, within)
            if code:
                codes[idx] = code
                resolved[name] = code
            elif reason:
                problems.append((idx, reason, detail))
        return codes, problems, resolved

    def _one(self, name: str, day, cache, within: str | None = None) -> tuple[str, str | None, str | None]:
        alias = self.aliases.get(alias_key(name))
        if alias is None and name in self.by_code:  # a code in the name column
            alias = name
        if alias is not None:
            if pd.isna(day) or any(v.valid_on(_as_date(day)) for v in self.by_code.get(alias, [])):
                return alias, None, None
            return "", "unit_not_valid", "; ".join(v.label() for v in self.by_code.get(alias, []))
        if name not in cache:
            cache[name] = self._candidates(name)
        exact, folded = cache[name]
        if pd.isna(day):
            return "", None, None  # the received date is quarantined on its own
        d = _as_date(day)
        for pool in (exact, folded):
            valid = {v.code: v for v in pool if v.valid_on(d)}
            if len(valid) > 1 and within:
                valid = {c: v for c, v in valid.items() if self.under(c, within, d)} or valid
            if len(valid) == 1:
                return next(iter(valid)), None, None
            if len(valid) > 1:
                return "", "ambiguous_unit", "; ".join(v.label() for v in valid.values())
        if exact or folded:
            return "", "unit_not_valid", "; ".join(v.label() for v in {v.code: v for v in exact + folded}.values())
        return "", "unknown_unit_name", None


def _groups(values, days: np.ndarray):
    """((value, day), row indices) for each distinct pair: a file names a few hundred units on a few hundred
    days, so the rules run per pair, not per row (and no Python string is made per row)."""
    encoded = pc.dictionary_encode(pa.chunked_array([values]) if not isinstance(values, pa.ChunkedArray) else values)
    encoded = encoded.combine_chunks()
    names = encoded.dictionary.to_pylist()
    value_idx = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    days = days.astype("datetime64[D]")
    known = ~np.isnat(days)
    day_num = days.astype(np.int64)
    lowest = day_num[known].min() if known.any() else 0
    keys = value_idx * (1 << 32) + np.where(known, day_num - lowest + 1, 0)  # a few thousand days, and 0 for none
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
    for k, i in enumerate(first.tolist()):
        yield (names[value_idx[i]], days[i]), order[bounds[k] : bounds[k + 1]]


def _as_date(v) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return pd.Timestamp(v).date()


def add_alias(conn: sa.Connection, alias: str, code: str) -> None:
    """Record (or replace) a deliberate match of a name to a unit code."""
    a, u = schema.unit_alias, schema.unit
    if conn.execute(sa.select(sa.func.count()).select_from(u).where(u.c.code == code)).scalar_one() == 0:
        raise ValueError(f"mã đơn vị không có trong danh mục / no unit has the code {code!r}")
    key = alias_key(alias)
    if not key:
        raise ValueError("tên rỗng / the name is empty")
    conn.execute(a.delete().where(a.c.alias_key == key))
    conn.execute(a.insert().values(alias_key=key, alias=alias.strip(), unit_code=code, created_at=datetime.now()))


def list_aliases(conn: sa.Connection) -> list[tuple[str, str]]:
    a = schema.unit_alias
    return [tuple(r) for r in conn.execute(sa.select(a.c.alias, a.c.unit_code).order_by(a.c.alias)).all()]
