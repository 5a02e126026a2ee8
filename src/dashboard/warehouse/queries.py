"""Read queries behind the pages and the CLI. Every value from outside is a bound parameter."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa

from dashboard import config
from dashboard.metrics import hierarchy, kpi, kpi_sql
from dashboard.metrics.periods import Period
from dashboard.warehouse import events, rollups, schema
from dashboard.warehouse.engine import count_rows, frame
from dashboard.warehouse.scope import ALL_TIME, among, within

LEVEL_KINDS = {
    "province": ("province",),
    "district": ("district",),
    "commune": ("commune",),
    "department": ("department", "land_registry_branch"),
    "all": ("province", "district", "commune", "department", "land_registry_branch", "other"),
}


def as_of(conn: sa.Connection) -> date | None:
    """The data's as-of date: the newest NgayTiepNhan or end date in the warehouse (SPEC §4)."""
    span = rollups.data_range(conn)
    return span[1] if span else None


UNIT_COLUMNS = ["code", "name", "kind", "parent_code", "area_code", "valid_from", "valid_to"]


def units_in_period(conn: sa.Connection, start: date, end: date, root: str | None = None) -> pd.DataFrame:
    """Units valid at some day of [start, end] (under `root`, when given); a code with several versions
    keeps its latest one."""
    u = schema.unit
    rows = conn.execute(
        sa.select(*[u.c[c] for c in UNIT_COLUMNS])
        .where(
            u.c.valid_from <= end,
            sa.or_(u.c.valid_to.is_(None), u.c.valid_to >= start),
            *within(u.c.code, root, start, end),
        )
        .order_by(u.c.code, u.c.valid_from)
    ).all()
    df = frame(rows, UNIT_COLUMNS)
    return df.drop_duplicates("code", keep="last").reset_index(drop=True)


def units_valid(every: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """What units_in_period gives without a scope, from `every` version of every unit (all_units without a
    root, ordered by code and valid_from): a page asks for the units of several periods, each a statement of
    3–5 ms, where this filter of the ≈ 900 versions takes a fraction of one. Not for a scope: a unit under the
    root at some time is not under it in every period, which only the SQL (scope.within) knows."""
    vt = every["valid_to"]
    keep = (every["valid_from"] <= end) & (vt.isna() | (vt >= start))
    if not keep.any():
        return frame([], UNIT_COLUMNS)  # as the query's empty result is typed
    out = every.loc[keep, UNIT_COLUMNS].drop_duplicates("code", keep="last").reset_index(drop=True)
    for c in UNIT_COLUMNS:  # typed as frame() types the query's rows: a text column with no value is object
        if isinstance(out[c].dtype, pd.StringDtype) and out[c].isna().all():
            out[c] = pd.Series([None] * len(out), dtype=object)
    return out


def last_valid_day(conn: sa.Connection, code: str) -> date | None:
    """The last day a unit code is valid (None: still valid, or no such unit): a scoped viewer whose unit
    was abolished opens on its last period, not on an empty one."""
    u = schema.unit
    rows = conn.execute(sa.select(u.c.valid_to).where(u.c.code == code)).scalars().all()
    if not rows or any(r is None for r in rows):
        return None
    return max(rows)


def provinces(conn: sa.Connection, start: date, end: date) -> set[str]:
    """The province codes with units in [start, end] (not scoped: they choose the map's layers)."""
    u = units_in_period(conn, start, end, None)
    return set(u.loc[u["kind"] == "province", "code"])


def home_province(conn: sa.Connection, day: date) -> str | None:
    """The province the dashboard opens on: $DASHBOARD_HOME_PROVINCE, else the province of the unit list valid
    on `day` (the first by code when the list holds several: a national warehouse names its home instead)."""
    chosen = config.home_province()
    if chosen:
        return chosen
    u = schema.unit
    return conn.execute(
        sa.select(u.c.code)
        .where(u.c.kind == "province", u.c.valid_from <= day, sa.or_(u.c.valid_to.is_(None), u.c.valid_to >= day))
        .order_by(u.c.code)
        .limit(1)
    ).scalar()


def has_districts(conn: sa.Connection, day: date) -> bool:
    """Whether `day` has a district level at all (not scoped): none since 01/07/2025."""
    return has_district_level(units_in_period(conn, day, day, None))


def has_district_level(units: pd.DataFrame) -> bool:
    """Whether the units of a day (units_in_period) include a district."""
    return bool((units["kind"] == "district").any())


def crosswalk(conn: sa.Connection) -> pd.DataFrame:
    """The crosswalk rows: code → successor_code from effective_date."""
    s = schema.unit_successor
    rows = conn.execute(sa.select(s.c.code, s.c.successor_code, s.c.effective_date).order_by(s.c.code)).all()
    return frame(rows, ["code", "successor_code", "effective_date"])


def successor_map(conn: sa.Connection) -> dict[str, str]:
    """The crosswalk as code → successor (hierarchy.successor_map)."""
    return hierarchy.successor_map(crosswalk(conn))


def scope_codes(
    conn: sa.Connection, period: Period, unit_code: str | None, territory: bool, root: str | None = None
) -> list[str]:
    """The dossier-owning units behind figures of a period: the unit (with its descendants valid in the
    period, for the whole territory; every unit under `root` when unit_code is None), plus retired units
    whose dossiers they took over (hierarchy.attribute_retired). Every list, sheet and summary that must tie to
    the headline counts takes its units from here. Empty when the unit is not under `root`."""
    units = units_in_period(conn, period.start, period.end, root)
    valid = set(units["code"])
    if unit_code is None:
        codes = sorted(valid)
    elif unit_code not in valid:
        return []
    else:
        codes = hierarchy.descendant_codes(units, unit_code) if territory else [unit_code]
    return hierarchy.absorbed_codes(codes, successor_map(conn), valid)


def all_units(conn: sa.Connection, root: str | None = None) -> pd.DataFrame:
    """Every version of every unit (under `root` at any time, when given)."""
    u = schema.unit
    rows = conn.execute(sa.select(u).where(*within(u.c.code, root, *ALL_TIME)).order_by(u.c.code, u.c.valid_from)).all()
    return frame(rows, [c.name for c in u.columns])


def unit_counts(
    conn: sa.Connection, period: Period, unit_codes: list[str] | None = None, root: str | None = None
) -> pd.DataFrame:
    """Own-dossier counts per unit over the period (one row per unit with any counted dossier).

    Served from the rollup when it holds this named period and is current, else from raw dossiers.
    """
    cols = ["unit_code", *kpi.COUNT_FIELDS]
    if period.kind != "custom" and rollups.is_current(conn, period.cutoff):
        r = schema.rollup
        q = sa.select(*[r.c[c] for c in cols]).where(
            r.c.period_key == period.key,
            r.c.cutoff == period.cutoff,
            *within(r.c.unit_code, root, period.start, period.end),
        )
        if unit_codes is not None:
            q = q.where(among(r.c.unit_code, unit_codes))
        counts = count_rows(conn, q, cols)
        if len(counts) or not _has_dossiers_in(conn, period):
            return counts
    if events.is_current(conn):  # any other range: from the per-day events, not from every dossier

        def keep(code: sa.ColumnElement) -> list:
            conditions = [*within(code, root, period.start, period.end)]
            if unit_codes is not None:
                conditions.append(among(code, unit_codes))
            return conditions

        return events.unit_counts(conn, period.start, period.end, keep)
    return raw_unit_counts(conn, period.start, period.end, unit_codes, root)


def raw_unit_counts(
    conn: sa.Connection, start: date, end: date, unit_codes: list[str] | None = None, root: str | None = None
) -> pd.DataFrame:
    d = schema.dossier
    q = (
        sa.select(d.c.unit_code, *kpi_sql.count_columns(d.c, start, end))
        .where(kpi_sql.relevant_sql(d.c, start, end), *within(d.c.unit_code, root, start, end))
        .group_by(d.c.unit_code)
    )
    if unit_codes is not None:
        q = q.where(among(d.c.unit_code, unit_codes))
    return count_rows(conn, q, ["unit_code", *kpi.COUNT_FIELDS])


def _has_dossiers_in(conn: sa.Connection, period: Period) -> bool:
    d = schema.dossier
    q = sa.select(d.c.code).where(kpi_sql.relevant_sql(d.c, period.start, period.end)).limit(1)
    return conn.execute(q).first() is not None


def kpi_table(
    conn: sa.Connection,
    period: Period,
    *,
    level: str = "all",
    territory: bool = False,
    root: str | None = None,
    at_end: bool = False,
    counts: pd.DataFrame | None = None,
    units: pd.DataFrame | None = None,
    successors: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per unit valid in the period at `level` (under `root`, when given): name, kind, parent,
    counts, overdue and rates. `counts`, `units` and `successors`: what unit_counts, units_in_period and
    successor_map give for the same period, scope and `at_end`, when the caller has them.

    territory=True sums each unit's counts with those of its descendants valid in the period.
    at_end=True takes the units as they are on the period's last day (a period that straddles a reform,
    drawn as it ends): the dossiers of units gone by then count at their successors.
    """
    _check_level(level)
    if units is None:
        units = units_in_period(conn, period.end if at_end else period.start, period.end, root)
    if counts is None:
        counts = unit_counts(conn, period, root=root)
    if successors is None:
        successors = successor_map(conn)
    sums = hierarchy.unit_sums(counts, units, successors, territory=territory)
    units = units.reset_index(drop=True)
    table = pd.concat([units, pd.DataFrame(sums, columns=list(kpi.COUNT_FIELDS), index=units.index)], axis=1)
    return level_rows(kpi.add_derived(table), level)


def _check_level(level: str) -> None:
    if level not in LEVEL_KINDS:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVEL_KINDS)}")


def level_rows(table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The rows of a kpi_table of every level that kpi_table(level=level) gives (rows are computed per unit,
    so a level's table is the table of every unit filtered: one table serves a page's every level)."""
    _check_level(level)
    if level == "all":
        return table.reset_index(drop=True)
    return table[table["kind"].isin(LEVEL_KINDS[level])].reset_index(drop=True)


def due_soon_counts(
    conn: sa.Connection,
    on: date,
    days: int,
    root: str | None = None,
    valid: set[str] | None = None,
    successors: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Per unit, its dossiers due within `days` after `on`, those of units gone by then at their successors.
    `valid` (the codes units_in_period gives for [on, on]) and `successors` (successor_map): when the caller
    has them."""
    d = rollups.list_source(conn, on)
    rows = conn.execute(
        sa.select(d.c.unit_code, sa.func.count().label("due_soon"))
        .where(kpi_sql.due_soon_sql(d.c, on, days), *within(d.c.unit_code, root, on, on), *rollups.listed_from(d, on))
        .group_by(d.c.unit_code)
    ).all()
    counts = frame(rows, ["unit_code", "due_soon"])
    if valid is None:
        valid = set(units_in_period(conn, on, on, root)["code"])
    if successors is None:
        successors = successor_map(conn)
    return hierarchy.attribute_retired(counts, valid, successors, columns=("due_soon",))


def published(conn: sa.Connection, index_name: str | None = None) -> pd.DataFrame:
    p = schema.published_index
    q = sa.select(p).order_by(p.c.index_name, p.c.year, p.c.area_code)
    if index_name:
        q = q.where(p.c.index_name == index_name)
    rows = conn.execute(q).all()
    return frame(rows, [c.name for c in p.columns])


def dossier_count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(schema.dossier)).scalar_one())


def quarantine_rows(conn: sa.Connection, import_ids) -> pd.DataFrame:
    """Quarantined rows of the given imports (file, line, dossier, column, reasons, raw values)."""
    q = schema.quarantine
    cols = [
        q.c.file_name,
        q.c.row_number,
        q.c.dossier_code,
        q.c.field,
        q.c.reason_code,
        q.c.reason_vi,
        q.c.reason_en,
        q.c.raw,
    ]
    sel = sa.select(*cols).where(q.c.import_id.in_(list(import_ids))).order_by(q.c.import_id, q.c.row_number, q.c.id)
    return pd.DataFrame(conn.execute(sel).all(), columns=[c.name for c in cols])
