"""Cached access to the warehouse for the pages. Every call takes a `Source`: the warehouse, its data
version (so an import is seen at once) and the viewer's scope root, which each query binds as a SQL
parameter (warehouse.scope). Unit, scope and period are arguments and so part of every cache key,
never filters applied after a shared cached call."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard import config
from dashboard.metrics import hierarchy
from dashboard.metrics.periods import Period
from dashboard.warehouse import live, overdue, queries
from dashboard.warehouse.engine import get_meta, has_schema, make_engine


@dataclass(frozen=True)
class WarehouseState:
    url: str
    ready: bool
    data_version: str = "0"
    as_of: date | None = None
    first_day: date | None = None
    demo: bool = False
    current: bool = True  # at the newest schema revision (else `python -m dashboard upgrade` is due)


@dataclass(frozen=True)
class Source:
    """What a page reads from: the warehouse URL, its data version and the viewer's scope root (None =
    every unit)."""

    url: str
    version: str
    root: str | None = None


def _fields(obj) -> tuple:
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


#: how the caches key the pages' arguments: by every field of a dataclass and a date's ISO form. Streamlit's
#: own way (a dataclass through asdict's deep copy, a date through pickling) costs ≈ 0,2 ms an argument list,
#: and a page makes forty cached calls
HASH_FUNCS: dict[str | type[Any], Callable[[Any], Any]] = {
    date: date.isoformat,
    Source: _fields,
    Period: _fields,
    overdue.ListQuery: _fields,
}


def engine(url: str) -> sa.Engine:
    """The read-only engine of the warehouse file as it is now: an import swaps a new file in
    (warehouse/live.py), and the next query after that opens the new one."""
    return _engine(url, live.identity(url))


_OPEN: dict[str, tuple[str, sa.Engine]] = {}  # url -> the identity and engine last opened
_OPEN_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False, max_entries=8)
def _engine(url: str, identity: str) -> sa.Engine:
    e = make_engine(url, read_only=True)
    with _OPEN_LOCK:
        previous = _OPEN.get(url)
        _OPEN[url] = (identity, e)
    if previous is not None and previous[0] != identity:
        previous[1].dispose()  # the swapped-out file: its running queries finish, then it is closed
    return e


def db_url() -> str:
    return config.db_url()


def state(url: str) -> WarehouseState:
    """What the warehouse holds now: read again every 30 s, and at once when an import swapped a new
    embedded file in (its identity is part of the key)."""
    return _state(url, live.identity(url))


@st.cache_data(ttl=30, hash_funcs=HASH_FUNCS, show_spinner=False)
def _state(url: str, identity: str) -> WarehouseState:
    try:
        e = engine(url)
        if not has_schema(e):
            return WarehouseState(url=url, ready=False)
        with e.connect() as conn:
            span = queries.rollups.data_range(conn)
            from dashboard.warehouse import migrate

            return WarehouseState(
                url=url,
                ready=True,
                data_version=get_meta(conn, "data_version") or "0",
                as_of=span[1] if span else None,
                first_day=span[0] if span else None,
                demo=get_meta(conn, "demo") == "true",
                current=migrate.is_current(conn),
            )
    except Exception:  # a missing DuckDB file cannot be opened read-only
        _engine.clear()
        return WarehouseState(url=url, ready=False)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def units_in_period(src: Source, start: date, end: date) -> pd.DataFrame:
    if src.root is None:  # every unit: a filter of the cached versions (a scope stays in SQL)
        return queries.units_valid(all_units(src), start, end)
    with engine(src.url).connect() as conn:
        return queries.units_in_period(conn, start, end, src.root)


def _open(src: Source) -> Source:
    """The same warehouse without the viewer's scope: for what is not scoped (the levels a period has)."""
    return dataclasses.replace(src, root=None)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def home_province(src: Source, day: date) -> str | None:
    """The province the dashboard opens on (not scoped: a code, which a viewer's scope then checks)."""
    with engine(src.url).connect() as conn:
        return queries.home_province(conn, day)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def last_valid_day(src: Source) -> date | None:
    """The last day the viewer's own unit is valid (None: unscoped, or still valid)."""
    if src.root is None:
        return None
    with engine(src.url).connect() as conn:
        return queries.last_valid_day(conn, src.root)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def provinces(src: Source, period: Period) -> set[str]:
    """The province codes with units in the period (not scoped: they choose the map's layers, not figures)."""
    with engine(src.url).connect() as conn:
        return queries.provinces(conn, period.start, period.end)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def has_districts(src: Source, period: Period) -> bool:
    """Whether the period ends with a district level (not scoped): none since 01/07/2025 (queries.has_districts)."""
    return queries.has_district_level(units_in_period(_open(src), period.end, period.end))


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def unit_counts(src: Source, period: Period) -> pd.DataFrame:
    """Own counts per unit over the period (every level's table of a page starts from the same counts)."""
    with engine(src.url).connect() as conn:
        return queries.unit_counts(conn, period, root=src.root)


def kpi_table(src: Source, period: Period, level: str, territory: bool, at_end: bool = False) -> pd.DataFrame:
    """queries.kpi_table of the viewer's units: a level's rows of one cached table of every unit per period,
    territory and set of units, so the overview's sections, its cards, the map and the rankings share it.
    at_end matters only when the units change within the period: otherwise the units valid at its end are
    the units of the period, and the table is the same."""
    at_end = at_end and units_change_within(src, period)
    return queries.level_rows(_kpi_all(src, period, territory, at_end), level)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def units_change_within(src: Source, period: Period) -> bool:
    """Whether the units valid on the period's last day differ from the units of the period (a reform, a
    unit created, retired or renamed within it): what kpi_table's at_end changes."""
    return not units_in_period(src, period.start, period.end).equals(units_in_period(src, period.end, period.end))


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def _kpi_all(src: Source, period: Period, territory: bool, at_end: bool) -> pd.DataFrame:
    # the counts, units and crosswalk every table of the page shares, each read once
    counts = unit_counts(src, period)
    units = units_in_period(src, period.end if at_end else period.start, period.end)
    with engine(src.url).connect() as conn:
        return queries.kpi_table(
            conn,
            period,
            level="all",
            territory=territory,
            root=src.root,
            at_end=at_end,
            counts=counts,
            units=units,
            successors=successors(src),
        )


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def successors(src: Source) -> dict[str, str]:
    """The crosswalk as code → successor (hierarchy.successor_map; a unit list's change bumps the data version)."""
    return hierarchy.successor_map(crosswalk(src))


#: the overview's rankings per kind of unit: (title, level, territory, which rows: by parent or by kind)
OVERVIEW_SECTIONS: dict[str, list[tuple[str, str, bool, tuple[str, str | None] | None]]] = {
    "district": [("rank_communes", "commune", True, ("parent", None))],
    "province": [
        ("rank_districts", "district", True, None),
        ("rank_departments", "department", False, ("kind", "department")),
        ("rank_branches", "department", False, ("kind", "land_registry_branch")),
    ],
    "other": [("rank_children", "all", True, ("parent", None))],
}


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False, max_entries=2000)
def overview_sections(
    src: Source, period: Period, unit_code: str, unit_kind: str, as_of: date, due_days: int, target: float
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The overview's rankings (title → units) and their early warning: this period against the previous
    one, with what falls due soon. Cached as a whole: fifty sessions on one unit compute it once."""
    from dashboard.metrics.warning import early_warning, territory_sum

    sections = OVERVIEW_SECTIONS.get(unit_kind, OVERVIEW_SECTIONS["other"])
    flat = unit_kind == "province" and not has_districts(src, period)
    if flat:  # two-tier (no districts at the period's end): the communes directly, as they are at its end
        sections = [("rank_communes", "commune", True, ("parent", None)), *sections[1:]]

    def rows(p: Period, level: str, territory: bool, select) -> pd.DataFrame:
        table = kpi_table(src, p, level, territory, at_end=flat and level == "commune")
        if select is None:
            return table
        column, value = select
        return table[table["parent_code"] == unit_code] if column == "parent" else table[table[column] == value]

    own_due = due_soon_counts(src, as_of, due_days)
    units = units_in_period(src, period.start, period.end)
    tables, watch = {}, []
    for title, level, territory, select in sections:
        now = tables[title] = rows(period, level, territory, select)
        before = rows(period.previous(), level, territory, select) if period.kind != "custom" else None
        due = territory_sum(own_due, units, "due_soon") if territory else own_due.set_index("unit_code")["due_soon"]
        watch.append(early_warning(now, before, due, target=target).assign(scope="territory" if territory else "own"))
    return tables, pd.concat(watch, ignore_index=True)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def published(src: Source) -> pd.DataFrame:
    """The published indices (public figures of provinces: not scoped)."""
    with engine(src.url).connect() as conn:
        return queries.published(conn)


def _scope(src: Source, q):
    """The overdue-list scope of a query: the unit's own code, or it and its descendants valid in the period
    (with the retired units whose dossiers they took over); nothing outside the viewer's root."""
    codes = scope_codes(src, q.period, q.unit_code, q.territory)
    return overdue.Scope(q.period, codes, q.as_of, q.due_days, q.fields, q.procedures, root=src.root)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def scope_codes(src: Source, period: Period, unit_code: str, territory: bool) -> tuple[str, ...]:
    """The unit codes an overdue list covers (cached: the summary, the counts and every page need them)."""
    with engine(src.url).connect() as conn:
        return tuple(queries.scope_codes(conn, period, unit_code, territory, src.root))


@st.cache_data(ttl=600, hash_funcs=HASH_FUNCS, show_spinner=False)
def overdue_summary(src: Source, q):
    """Counts of the three lists and the overdue breakdowns of a unit, before the field and procedure
    filters (scope is a SQL parameter, so the shared cache never serves one unit's rows under another's
    key). q: warehouse.overdue.ListQuery."""
    with engine(src.url).connect() as conn:
        return overdue.summary_and_options(conn, _scope(src, q.without_filters()))


@st.cache_data(ttl=600, hash_funcs=HASH_FUNCS, show_spinner=False, max_entries=200)
def overdue_page(src: Source, kind: str, q, sort: str, descending: bool, offset: int, limit: int) -> pd.DataFrame:
    """One page of a list, ordered and cut in SQL."""
    with engine(src.url).connect() as conn:
        return overdue.page(conn, kind, _scope(src, q), sort=sort, descending=descending, offset=offset, limit=limit)


def overdue_all(src: Source, kind: str, q, sort: str, descending: bool, limit: int) -> pd.DataFrame:
    """The whole filtered list (for an export; not cached — it runs when the file is asked for)."""
    with engine(src.url).connect() as conn:
        return overdue.page(conn, kind, _scope(src, q), sort=sort, descending=descending, offset=0, limit=limit)


@st.cache_data(ttl=600, hash_funcs=HASH_FUNCS, show_spinner=False)
def due_soon_counts(src: Source, as_of: date, days: int) -> pd.DataFrame:
    valid = set(units_in_period(src, as_of, as_of)["code"])
    with engine(src.url).connect() as conn:
        return queries.due_soon_counts(conn, as_of, days, src.root, valid, successors(src))


@st.cache_data(ttl=600, hash_funcs=HASH_FUNCS, show_spinner=False, max_entries=20)
def period_report(src: Source, period: Period):
    from dashboard.reports import period as period_report

    counts = unit_counts(src, period)
    with engine(src.url).connect() as conn:
        demo = get_meta(conn, "demo") == "true"
        return period_report.build(conn, period, demo=demo, root=src.root, counts=counts)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def monthly_counts(src: Source, months: tuple[Period, ...]) -> pd.DataFrame:
    """Own counts of every unit in scope for each month (the trend pages filter and sum them per unit)."""
    from dashboard.warehouse import trends

    with engine(src.url).connect() as conn:
        return trends.monthly_counts(conn, list(months), src.root)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def all_units(src: Source) -> pd.DataFrame:
    with engine(src.url).connect() as conn:
        return queries.all_units(conn, src.root)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False)
def crosswalk(src: Source) -> pd.DataFrame:
    """The successor table (code, successor_code, effective_date): which units merged, not figures."""
    with engine(src.url).connect() as conn:
        return queries.crosswalk(conn)


@st.cache_data(ttl=60, hash_funcs=HASH_FUNCS, show_spinner=False)
def official_scores(src: Source, unit_code: str, period_key: str) -> pd.DataFrame:
    """Imported official 766 scores of one unit and period (they do not change the data version, so
    the cache is short)."""
    from dashboard.warehouse import official

    with engine(src.url).connect() as conn:
        return official.scores(conn, unit_code, period_key, src.root)


@st.cache_data(ttl=3600, hash_funcs=HASH_FUNCS, show_spinner=False, max_entries=200)
def series(src: Source, months: tuple[Period, ...], code: str, territory: bool, merged: bool = False) -> pd.DataFrame:
    """The monthly series of one unit (metrics.trends.series over the cached monthly counts)."""
    from dashboard.metrics import trends

    return trends.series(
        monthly_counts(src, months),
        all_units(src),
        successors(src),
        code,
        list(months),
        territory=territory,
        merged=merged,
    )


def quarantine_rows(src: Source, import_ids: tuple[int, ...]) -> pd.DataFrame:
    """The quarantined rows of these imports, in file and line order (for the upload page; not cached)."""
    with engine(src.url).connect() as conn:
        return queries.quarantine_rows(conn, import_ids)
