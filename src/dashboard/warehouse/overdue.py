"""The lists behind "Hồ sơ quá hạn": finished late, open and overdue, due soon (SPEC §4).

Everything is computed in SQL with bound parameters: membership, days overdue, filters, sorting and
paging, so a page of a 100 000-row list costs one indexed query and ships 50 rows. The queries read
dossier_listable (the few percent of dossiers that can be on a list) while it is current, else the
dossiers themselves, with the same conditions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa

from dashboard.metrics import kpi, kpi_sql
from dashboard.metrics.periods import Period
from dashboard.warehouse import list_rollup, rollups, schema
from dashboard.warehouse.engine import frame
from dashboard.warehouse.scope import allowed, among, within

LISTS = ("finished_late", "open_overdue", "due_soon")
OVERDUE_LISTS = ("finished_late", "open_overdue")
#: sort keys a page may ask for -> the column they order by
SORTS = ("days_overdue", "due_date", "received_date", "end_date", "code", "procedure_code", "unit_code")
COLUMNS = (
    "code",
    "procedure_code",
    "procedure_name",
    "field_code",
    "field_name",
    "unit_code",
    "unit_name",
    "received_date",
    "due_date",
    "end_date",
    "days_overdue",
    "status",
    "channel",
    "apology",
)


@dataclass(frozen=True)
class Scope:
    """Which dossiers: units (already expanded to the territory when asked), period, as-of, filters."""

    period: Period
    unit_codes: tuple[str, ...]
    as_of: date
    due_days: int = 3
    fields: tuple[str, ...] = ()  # field codes; empty = all
    procedures: tuple[str, ...] = ()  # procedure codes; empty = all
    root: str | None = None  # the viewer's scope (warehouse.scope); None = everything

    def without_filters(self) -> Scope:
        return Scope(self.period, self.unit_codes, self.as_of, self.due_days, root=self.root)


@dataclass(frozen=True)
class ListQuery:
    """What a viewer asks the overdue lists for, before it is resolved to unit codes (ui.data caches by it):
    a unit (with its territory or not), the period, the as-of date, the due-soon window and the filters."""

    period: Period
    unit_code: str
    territory: bool
    as_of: date
    due_days: int = 3
    fields: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()

    def without_filters(self) -> ListQuery:
        return ListQuery(self.period, self.unit_code, self.territory, self.as_of, self.due_days)


def _membership(c, kind: str, s: Scope) -> sa.ColumnElement:
    if kind == "due_soon":
        return kpi_sql.due_soon_sql(c, s.as_of, s.due_days)
    return list_rollup.flags(c, s.period.start, s.period.end)[kind]  # the conditions list_rollup is kept by


def _reference_day(c, kind: str, s: Scope) -> sa.ColumnElement:
    """The day lateness is measured to: the end date (finished late), the period end (open overdue),
    the as-of date (due soon: a negative number, the days left)."""
    if kind == "finished_late":
        return kpi_sql.kpi_end_sql(c)
    return sa.literal(s.period.end if kind == "open_overdue" else s.as_of, sa.Date)


def days_overdue_sql(c, kind: str, s: Scope) -> sa.ColumnElement:
    # date - date is a whole number of days in DuckDB and PostgreSQL (SQLAlchemy types it Integer)
    return sa.cast(_reference_day(c, kind, s) - c.due_date, sa.Integer)


def _scope_filters(c, s: Scope, tree: sa.CTE | None = None) -> list[sa.ColumnElement]:
    """The scope's units, and its field and procedure filters when set (tree: scope.within's)."""
    # the viewer's scope again in SQL: unit_codes come from a scoped query, this holds even if they did not
    where = [among(c.unit_code, s.unit_codes), *within(c.unit_code, s.root, *_span(s), tree)]
    if s.fields:
        where.append(c.field_code.in_(s.fields))
    if s.procedures:
        where.append(c.procedure_code.in_(s.procedures))
    return where


def _span(s: Scope) -> tuple[date, date]:
    """The days the scope's units are taken over (scope.within)."""
    return s.period.start, max(s.period.end, s.as_of)


def _where(d: sa.Table, kind: str, s: Scope) -> list[sa.ColumnElement]:
    if kind not in LISTS:
        raise ValueError(f"unknown list {kind!r}; choose one of {', '.join(LISTS)}")
    return [_membership(d.c, kind, s), *_scope_filters(d.c, s), *_listed(d, s)]


def _listed(d: sa.Table, s: Scope) -> list[sa.ColumnElement]:
    """What every row of the three lists meets on a plain column (rollups.listed_from): not ended before the
    period starts, nor before the as-of date of the due-soon list."""
    return rollups.listed_from(d, min(s.period.start, s.as_of))


def source(conn: sa.Connection, s: Scope) -> sa.Table:
    """The table the lists read: dossier_listable when it holds every dossier they can name, else dossier."""
    return rollups.list_source(conn, s.as_of)


def count(conn: sa.Connection, kind: str, s: Scope) -> int:
    d = source(conn, s)
    return int(conn.execute(sa.select(sa.func.count()).select_from(d).where(*_where(d, kind, s))).scalar())


def _flags(c, s: Scope) -> dict[str, sa.ColumnElement]:
    return {kind: _membership(c, kind, s) for kind in LISTS}


def _scope_where(d: sa.Table, s: Scope, filtered: bool = True) -> list[sa.ColumnElement]:
    """Rows on any of the three lists (one scan serves all three)."""
    return [
        sa.or_(*_flags(d.c, s).values()),
        *_scope_filters(d.c, s if filtered else s.without_filters()),
        *_listed(d, s),
    ]


def counts(conn: sa.Connection, s: Scope) -> dict[str, int]:
    """The length of each list under the scope's filters, in one pass over the dossiers."""
    d = source(conn, s)
    flags = _flags(d.c, s)
    row = conn.execute(
        sa.select(*[kpi_sql.count_if(cond).label(kind) for kind, cond in flags.items()]).where(*_scope_where(d, s))
    ).one()
    return {kind: int(row[i]) for i, kind in enumerate(flags)}


def _select(d: sa.Table, kind: str, s: Scope) -> sa.Select:
    return sa.select(
        d.c.code,
        d.c.procedure_code,
        d.c.procedure_name,
        d.c.field_code,
        d.c.field_name,
        d.c.unit_code,
        d.c.received_date,
        d.c.due_date,
        kpi_sql.kpi_end_sql(d.c).label("end_date"),
        days_overdue_sql(d.c, kind, s).label("days_overdue"),
        d.c.status,
        d.c.channel,
        d.c.apology,
    ).where(*_where(d, kind, s))


def _unit_names(start: date, end: date) -> sa.Subquery:
    """One name per unit code: its version valid in [start, end] (the latest, when several are), else its latest
    version. Codes are reused across vintages (SPEC §1): 20335 was Phường Tân Thạnh until 30/06/2025 and is
    Phường Bàn Thạch since, so the latest version alone would name a 2024 list after the 2025 ward."""
    u = schema.unit
    in_period = sa.and_(u.c.valid_from <= end, sa.or_(u.c.valid_to.is_(None), u.c.valid_to >= start))
    rank = (
        sa.func.row_number()
        .over(partition_by=u.c.code, order_by=[sa.case((in_period, 0), else_=1), u.c.valid_from.desc()])
        .label("rank")
    )
    ranked = sa.select(u.c.code, u.c.name, rank).subquery("ranked")
    return sa.select(ranked.c.code, ranked.c.name).where(ranked.c.rank == 1).subquery("unit_name")


def _ordered(
    conn: sa.Connection, kind: str, s: Scope, sort: str, descending: bool, offset: int, limit: int | None
) -> sa.Select:
    """A list ordered in SQL (ties broken by dossier code, so pages never overlap), cut to [offset, offset +
    limit) first, then given the unit names of its rows only."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    q = _select(source(conn, s), kind, s).subquery("l")
    key = q.c[sort]
    ordered = key.desc().nulls_last() if descending else key.asc().nulls_last()
    inner = sa.select(q).order_by(ordered, q.c.code).offset(max(0, int(offset)))
    if limit is not None:
        inner = inner.limit(int(limit))
    inner = inner.subquery("p")
    # each dossier named by its unit's version on the day it was received, else as the period names the code
    u, v = _unit_names(s.period.start, s.period.end), schema.unit.alias("v")
    at_receipt = (
        sa.select(v.c.name)
        .where(
            v.c.code == inner.c.unit_code,
            v.c.valid_from <= inner.c.received_date,
            sa.or_(v.c.valid_to.is_(None), v.c.valid_to >= inner.c.received_date),
        )
        .order_by(v.c.valid_from.desc())
        .limit(1)  # one name even if a unit file gave a code overlapping versions
        .scalar_subquery()
    )
    key = inner.c[sort]
    ordered = key.desc().nulls_last() if descending else key.asc().nulls_last()
    name = sa.func.coalesce(at_receipt, u.c.name).label("unit_name")
    cols = [inner.c[c] if c != "unit_name" else name for c in COLUMNS]
    joined = inner.outerjoin(u, u.c.code == inner.c.unit_code)
    return sa.select(*cols).select_from(joined).order_by(ordered, inner.c.code)


def page(
    conn: sa.Connection,
    kind: str,
    s: Scope,
    *,
    sort: str = "days_overdue",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> pd.DataFrame:
    """One page of a list, ordered in SQL (ties broken by dossier code, so pages never overlap)."""
    return _frame(conn.execute(_ordered(conn, kind, s, sort, descending, offset, limit)).all())


def stream(
    conn: sa.Connection, kind: str, s: Scope, *, chunk: int = 20_000, sort: str = "days_overdue"
) -> Iterator[pd.DataFrame]:
    """A whole list in frames of at most `chunk` rows, in the page's order (a server-side cursor on
    PostgreSQL): a workbook of 70 000 overdue dossiers never holds them all at once."""
    stmt = _ordered(conn, kind, s, sort, True, 0, None)
    for part in conn.execution_options(yield_per=chunk).execute(stmt).partitions(chunk):
        yield _frame(part)


def _frame(rows) -> pd.DataFrame:
    df = frame(rows, COLUMNS)
    df["days_overdue"] = df["days_overdue"].astype("Int64")
    for col in ("status", "channel", "apology"):
        df[col] = df[col].astype("Int64")
    return df


@dataclass(frozen=True)
class Summary:
    """What sits above the lists: counts per list and the overdue dossiers broken down."""

    counts: dict[str, int]
    # each with overdue, without_apology and apology_known (overdue dossiers whose letter is known either way)
    by_field: pd.DataFrame = field(repr=False)  # field_code, field_name, …
    by_procedure: pd.DataFrame = field(repr=False)  # procedure_code, procedure_name, …
    by_unit: pd.DataFrame = field(repr=False)  # unit_code, unit_name, …
    #: per field × procedure × unit, the length of each list: the counts under any filter without a scan
    groups: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def counts_for(self, fields: tuple[str, ...] = (), procedures: tuple[str, ...] = ()) -> dict[str, int]:
        """The length of each list under field and procedure filters (what `counts` gives, from the groups)."""
        g = self.groups
        if not len(g):
            return dict(self.counts) if not (fields or procedures) else dict.fromkeys(LISTS, 0)
        keep = pd.Series(True, index=g.index)
        if fields:
            keep &= g["field_code"].isin(fields)
        if procedures:
            keep &= g["procedure_code"].isin(procedures)
        return {kind: int(g.loc[keep, kind].sum()) for kind in LISTS}

    @property
    def overdue(self) -> int:
        return self.counts["finished_late"] + self.counts["open_overdue"]

    @property
    def apology_known(self) -> int:
        """Overdue dossiers whose apology letter is known (an export without CoPhieuXinLoi leaves it unknown)."""
        return int(self.by_field["apology_known"].sum()) if len(self.by_field) else 0

    @property
    def without_apology(self) -> int | None:
        """Overdue without an apology letter among those whose letter is known; None (no data) when none is
        (kpi.KpiRow.overdue_without_apology_shown)."""
        if self.overdue and not self.apology_known:
            return None
        return int(self.by_field["without_apology"].sum()) if len(self.by_field) else 0

    @property
    def without_apology_share(self) -> float | None:
        """Of the overdue dossiers whose letter is known."""
        return kpi.rate(self.without_apology, self.apology_known) if self.without_apology is not None else None

    def apology_coverage(self) -> tuple[int, int] | None:
        """(known, overdue) when only some overdue dossiers say whether they had a letter, else None."""
        return (self.apology_known, self.overdue) if 0 < self.apology_known < self.overdue else None


APOLOGY = ("without_apology", "apology_known")
GROUP_COLUMNS = ["field_code", "field_name", "procedure_code", "procedure_name", "unit_code", *LISTS, *APOLOGY]


def shown_without_apology(df: pd.DataFrame) -> pd.Series:
    """A breakdown's "without an apology letter" per row: None (no data) where none of its overdue dossiers
    says whether it had one."""
    unknown = (df["overdue"] > 0) & (df["apology_known"] == 0)
    return df["without_apology"].astype("object").where(~unknown, None)


def _groups(conn: sa.Connection, s: Scope) -> pd.DataFrame:
    """Per field × procedure × unit: how many dossiers are on each list, and overdue ones without an
    apology letter, before the field and procedure filters: kept per named period in list_rollup (the due-soon
    list, which moves with the as-of day, counted beside from the listable dossiers), else one grouped pass."""
    d = source(conn, s)
    q = _kept_groups(conn, d, s) if _kept(conn, s) else _scanned_groups(d, s)
    g = frame(conn.execute(q).all(), GROUP_COLUMNS)
    g[[*LISTS, *APOLOGY]] = g[[*LISTS, *APOLOGY]].astype("int64")
    return g


def _kept(conn: sa.Connection, s: Scope) -> bool:
    return list_rollup.serves(conn, s.period, rollups.data_range(conn), rollups.cutoffs())


def _scanned_groups(d: sa.Table, s: Scope) -> sa.Select:
    late, overdue, no_apology, known = list_rollup.counts(d.c, s.period.start, s.period.end)  # as list_rollup
    keys = [d.c.field_code, d.c.field_name, d.c.procedure_code, d.c.procedure_name, d.c.unit_code]
    return (
        sa.select(
            *keys,
            late,
            overdue,
            kpi_sql.count_if(_membership(d.c, "due_soon", s)).label("due_soon"),
            no_apology,
            known,
        )
        .where(*_scope_where(d, s, filtered=False))
        # the most distinct key first: PostgreSQL groups by sorting (its estimate of the rows is far short), and
        # a sort whose first keys seldom tie compares fewer names (3 M dossiers: 21 -> 16 ms). Same groups
        .group_by(d.c.unit_code, d.c.procedure_code, d.c.field_code, d.c.procedure_name, d.c.field_name)
    )


def _kept_groups(conn: sa.Connection, d: sa.Table, s: Scope) -> sa.Select:
    """The period's groups from list_rollup and the due-soon dossiers grouped alike, summed per group (GROUP BY
    takes an unknown field or name as one group, as the scan does)."""
    t, unfiltered = schema.list_rollup, s.without_filters()
    # both parts filter by the viewer's scope: one CTE for the two (scope.within)
    tree = allowed(s.root, *_span(s)) if s.root is not None else None
    zero = sa.literal(0, sa.Integer)
    kept = sa.select(
        *[t.c[k] for k in list_rollup.GROUP],
        t.c.finished_late,
        t.c.open_overdue,
        zero.label("due_soon"),
        t.c.without_apology,
        t.c.apology_known,
    ).where(t.c.period_key == s.period.key, t.c.cutoff == s.period.cutoff, *_scope_filters(t.c, unfiltered, tree))
    keys = [d.c[k] for k in list_rollup.GROUP]
    soon = (
        sa.select(*keys, zero, zero, sa.func.count().label("due_soon"), zero, zero)
        .where(
            _membership(d.c, "due_soon", s), *_scope_filters(d.c, unfiltered, tree), *rollups.listed_from(d, s.as_of)
        )
        .group_by(*keys)
    )
    both = sa.union_all(kept, soon).subquery("both")
    group = [both.c[k] for k in list_rollup.GROUP]
    return sa.select(
        both.c.field_code,
        both.c.field_name,
        both.c.procedure_code,
        both.c.procedure_name,
        both.c.unit_code,
        *[sa.func.sum(both.c[k]).label(k) for k in (*LISTS, *APOLOGY)],
    ).group_by(*group)


def summary(conn: sa.Connection, s: Scope) -> Summary:
    """Counts of the three lists and the overdue (finished late + open overdue) dossiers grouped by
    field, procedure and handling unit."""
    return summary_and_options(conn, s)[0]


def summary_and_options(conn: sa.Connection, s: Scope) -> tuple[Summary, pd.DataFrame]:
    """The summary and the filter options (fields and procedures on any list) from one grouped pass."""
    g = _groups(conn, s)
    counts_ = {kind: int(g[kind].sum()) for kind in LISTS}
    g = g.assign(overdue=g["finished_late"] + g["open_overdue"])
    names = frame(conn.execute(sa.select(_unit_names(s.period.start, s.period.end))).all(), ["unit_code", "unit_name"])
    over = g[g["overdue"] > 0]

    def top(keys: list[str]) -> pd.DataFrame:
        return (
            over.fillna({k: "" for k in keys})
            .groupby(keys, as_index=False)[["overdue", *APOLOGY]]
            .sum()
            .sort_values(["overdue", keys[0]], ascending=[False, True])
            .reset_index(drop=True)
        )

    by_unit = top(["unit_code"]).merge(names, on="unit_code", how="left")
    summary_ = Summary(
        counts=counts_,
        by_field=top(["field_code", "field_name"]),
        by_procedure=top(["procedure_code", "procedure_name"]),
        by_unit=by_unit[["unit_code", "unit_name", "overdue", *APOLOGY]],
        groups=g[["field_code", "procedure_code", *LISTS]],
    )
    opts = (
        g[["field_code", "field_name", "procedure_code", "procedure_name"]]
        .drop_duplicates()
        .sort_values(["field_name", "procedure_code"], na_position="last")
        .reset_index(drop=True)
    )
    return summary_, opts


def options(conn: sa.Connection, s: Scope) -> pd.DataFrame:
    """Fields and procedures present in any of the three lists (for the filter pickers)."""
    return summary_and_options(conn, s.without_filters())[1]
