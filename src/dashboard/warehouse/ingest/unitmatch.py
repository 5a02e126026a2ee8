"""Which unit a dossier names, checked against the units valid on its received date (SPEC §1: a unit is a code
and a validity; codes are reused across vintages). By code, or by name as exports write it ("UBND phường Tân
Thạnh", "UBND TP. Tam Kỳ"): recorded aliases first, then names with diacritics, then folded names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
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
        self.by_code: dict[str, list[Version]] = {}
        self.exact: dict[str, list[Version]] = {}
        self.folded: dict[str, list[Version]] = {}
        for v in self.versions:
            self.by_code.setdefault(v.code, []).append(v)
            self.exact.setdefault(exact_key(v.name), []).append(v)
            self.folded.setdefault(folded_key(v.name), []).append(v)
        a = schema.unit_alias
        self.aliases = dict(conn.execute(sa.select(a.c.alias_key, a.c.unit_code)).all())

    # ---- codes ----

    def check_codes(self, codes: pd.Series, received: pd.Series) -> tuple[pd.Series, list[str | None]]:
        """Per row: a reason code (None = valid) and detail text; `received` holds dates (NaT for unknown)."""
        reasons: list[str | None] = [None] * len(codes)
        details: list[str | None] = [None] * len(codes)
        pairs = pd.DataFrame({"c": codes.values, "d": received.values})
        for (code, day), idx in pairs.groupby(["c", "d"], dropna=False, sort=False).indices.items():
            if code == "":
                continue
            vs = self.by_code.get(code)
            if not vs:
                reason, detail = "unknown_unit", None
            elif pd.isna(day):
                continue  # the date itself is quarantined
            else:
                d = _as_date(day)
                if any(v.valid_on(d) for v in vs):
                    continue
                reason, detail = "unit_not_valid", "; ".join(v.label() for v in vs)
            for i in idx:
                reasons[i], details[i] = reason, detail
        return pd.Series(reasons, index=codes.index, dtype=object), details

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
        self, names: pd.Series, received: pd.Series, within: str | None = None
    ) -> tuple[pd.Series, pd.Series, list[str | None], dict[str, int]]:
        """Per row: the code (or ''), a reason (None = resolved), a detail text; and name → rows resolved by
        name, for the import's report. `within` (a province's code: the province whose system wrote the file)
        settles a name that several provinces' units carry, such as "Sở Tư pháp" before a merger."""
        n = len(names)
        codes = np.full(n, "", dtype=object)
        reasons: list[str | None] = [None] * n
        details: list[str | None] = [None] * n
        resolved: dict[str, int] = {}
        cache: dict[str, tuple[list[Version], list[Version]]] = {}
        pairs = pd.DataFrame({"n": names.values, "d": received.values})
        for (name, day), idx in pairs.groupby(["n", "d"], dropna=False, sort=False).indices.items():
            if name == "":
                continue
            code, reason, detail = self._one(name, day, cache, within)
            for i in idx:
                codes[i], reasons[i], details[i] = code, reason, detail
            if code:
                resolved[name] = resolved.get(name, 0) + len(idx)
        return (
            pd.Series(codes, index=names.index, dtype=object),
            pd.Series(reasons, index=names.index, dtype=object),
            details,
            resolved,
        )

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
