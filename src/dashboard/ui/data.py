"""Cached access to the warehouse for the pages. Every cache key carries the data version, so an
import is seen at once; unit scope and period are arguments (and SQL parameters), never filters
applied after a shared cached call."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard import config
from dashboard.metrics.periods import Period
from dashboard.warehouse import queries
from dashboard.warehouse.engine import get_meta, has_schema, make_engine


@dataclass(frozen=True)
class WarehouseState:
    url: str
    ready: bool
    data_version: str = "0"
    as_of: date | None = None
    first_day: date | None = None
    demo: bool = False


@st.cache_resource(show_spinner=False)
def engine(url: str) -> sa.Engine:
    return make_engine(url, read_only=True)


def db_url() -> str:
    return config.db_url()


@st.cache_data(ttl=30, show_spinner=False)
def state(url: str) -> WarehouseState:
    """What the warehouse holds now (cheap; refreshed every 30 s)."""
    try:
        e = engine(url)
        if not has_schema(e):
            return WarehouseState(url=url, ready=False)
        with e.connect() as conn:
            span = queries.rollups.data_range(conn)
            return WarehouseState(
                url=url, ready=True, data_version=get_meta(conn, "data_version") or "0",
                as_of=span[1] if span else None, first_day=span[0] if span else None,
                demo=get_meta(conn, "demo") == "true",
            )
    except Exception:  # a missing DuckDB file cannot be opened read-only
        engine.clear()
        return WarehouseState(url=url, ready=False)


@st.cache_data(ttl=3600, show_spinner=False)
def units_in_period(url: str, version: str, start: date, end: date) -> pd.DataFrame:
    with engine(url).connect() as conn:
        return queries.units_in_period(conn, start, end)


@st.cache_data(ttl=3600, show_spinner=False)
def kpi_table(url: str, version: str, period: Period, level: str, territory: bool) -> pd.DataFrame:
    with engine(url).connect() as conn:
        return queries.kpi_table(conn, period, level=level, territory=territory)


@st.cache_data(ttl=3600, show_spinner=False)
def published(url: str, version: str) -> pd.DataFrame:
    with engine(url).connect() as conn:
        return queries.published(conn)


@st.cache_data(ttl=600, show_spinner=False)
def overdue(url: str, version: str, period: Period, unit_code: str, territory: bool, limit: int):
    """The overdue dossiers of a unit (own or with its descendants) and their counts; the scope is a
    SQL parameter, so the shared cache never holds one unit's rows under another's key."""
    from dashboard.metrics.kpi import COUNT_FIELDS, KpiRow, descendant_codes

    with engine(url).connect() as conn:
        units = queries.units_in_period(conn, period.start, period.end)
        codes = descendant_codes(units, unit_code) if territory else [unit_code]
        rows = queries.overdue_dossiers(conn, period, codes, limit)
        counts = queries.unit_counts(conn, period, codes)
    return rows, KpiRow.from_counts(counts[list(COUNT_FIELDS)].sum().to_dict())
