"""Own-dossier counts per unit and named period (month, quarter, year), rebuilt after each change.

A rollup row holds exactly the counts that the raw query would give (the same SQL builds both), and
is used only while its recorded data version equals the warehouse's; otherwise queries go to the raw
dossiers. Territory figures are sums of own counts, so the rollup serves them too.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard import config
from dashboard.metrics import kpi, kpi_sql, periods
from dashboard.warehouse import events, list_rollup, schema
from dashboard.warehouse.engine import (
    analyze_changed,
    bulk_insert,
    count_rows,
    crash_point,
    fetch_plain,
    get_meta,
    set_meta,
)

DATA_RANGE = "data_range"  # meta: "first|last|data_version|window's first|window's last|top" (see keep_data_range)
#: a kept range's top when it is unknown (written before the top was kept): beyond any window
UNKNOWN_TOP = date.max


def data_range(conn: sa.Connection) -> tuple[date, date] | None:
    """The first and last day with data, within the plausible window (config.date_window): a dossier an
    earlier version loaded with a date in 1900 or 9999 does not stretch every page's periods and the
    rollups over centuries (the importer now quarantines such rows). Read from meta when the last rebuild
    or import recorded it and it still holds (every page asks; on PostgreSQL the scan took 0.4 s)."""
    kept = kept_data_range(conn)
    return kept[0] if kept is not None else scan_data_range(conn)


def kept_data_range(conn: sa.Connection) -> tuple[tuple[date, date] | None, date | None] | None:
    """(data_range, top) as kept in meta, while they hold for the current data and window; else None.

    top: the latest received or end date of any dossier, in the window or not (None: no dossier). The window
    ends two years after today, so it moves every midnight; a range found for an earlier window still holds
    as long as no dossier's date lies beyond either window's end (else the range was scanned again every day
    until the next import — 0,3 s a page on PostgreSQL at 3 M dossiers)."""
    kept = get_meta(conn, DATA_RANGE)
    parts = kept.split("|") if kept else []
    if len(parts) not in (5, 6):
        return None
    first, last, version, lo, hi = parts[:5]
    top = (date.fromisoformat(parts[5]) if parts[5] else None) if len(parts) == 6 else UNKNOWN_TOP
    lo_now, hi_now = config.date_window()
    if version != (get_meta(conn, "data_version") or "0") or lo != lo_now.isoformat():
        return None
    if hi != hi_now.isoformat() and top is not None and top > min(date.fromisoformat(hi), hi_now):
        return None
    return ((date.fromisoformat(first), date.fromisoformat(last)) if first else None), top


def scan_data_range(conn: sa.Connection) -> tuple[date, date] | None:
    """data_range from the dossiers themselves (one scan)."""
    return scan_range_top(conn)[0]


def scan_range_top(conn: sa.Connection) -> tuple[tuple[date, date] | None, date | None]:
    """(data_range, top) from the dossiers, in one scan."""
    d = schema.dossier
    lo, hi = config.date_window()
    plausible_received, plausible_end = d.c.received_date.between(lo, hi), d.c.end_date.between(lo, hi)
    first, last_rec, last_end, top_rec, top_end = conn.execute(
        sa.select(
            sa.func.min(d.c.received_date).filter(plausible_received),
            sa.func.max(d.c.received_date).filter(plausible_received),
            sa.func.max(d.c.end_date).filter(plausible_end),
            capped_top(sa.func.max(d.c.received_date)),
            capped_top(sa.func.max(d.c.end_date)),
        )
    ).one()
    top = max((x for x in (top_rec, top_end) if x is not None), default=None)
    if first is None:
        return None, top
    return (first, max(x for x in (last_rec, last_end) if x is not None)), top


def capped_top(latest: sa.ColumnElement) -> sa.ColumnElement:
    """A latest date as Python can hold it: both engines store years past 9999, which a hostile file may bring
    (the top is then beyond any window, as UNKNOWN_TOP says)."""
    cap = sa.literal(UNKNOWN_TOP, sa.Date)
    return sa.case((latest > cap, cap), else_=latest)  # not LEAST, which skips a NULL (no date at all)


def record_data_range(conn: sa.Connection) -> None:
    """Keep the data's range in meta for the current data version and window (rebuild does it)."""
    keep_data_range(conn, *scan_range_top(conn))


def keep_data_range(conn: sa.Connection, span: tuple[date, date] | None, top: date | None) -> None:
    """Keep `span` (data_range) and `top` (kept_data_range) for the current data version and window."""
    lo, hi = config.date_window()
    first, last = (span[0].isoformat(), span[1].isoformat()) if span else ("", "")
    version = get_meta(conn, "data_version") or "0"
    set_meta(conn, DATA_RANGE, f"{first}|{last}|{version}|{lo.isoformat()}|{hi.isoformat()}|{top or ''}")


COLUMNS = ["period_key", "cutoff", "unit_code", "start_date", "end_date", *kpi.COUNT_FIELDS]
PERIODS_PER_STATEMENT = 8
#: from this many dossiers on, a rebuild sums each period from the per-day events (O(units × days) a period,
#: ≈ 6 s for the 169 periods of five years on DuckDB whatever the dossiers) rather than scanning the dossiers
#: once per period (4 s at 0,6 M, 45 s at 10 M; on PostgreSQL 19 s at 0,3 M); the two give identical rows (test)
EVENTS_FROM = 1_500_000


def _version_key(cutoff: int) -> str:
    return f"rollup_version_c{cutoff}"


def is_current(conn: sa.Connection, cutoff: int) -> bool:
    built = get_meta(conn, _version_key(cutoff))
    return built is not None and built == (get_meta(conn, "data_version") or "0")


def rows_from_events(conn: sa.Connection, p: periods.Period, cutoff: int) -> pd.DataFrame:
    """The rollup rows (COLUMNS) of one period, summed from the per-day events (which must be current)."""
    counts = events.unit_counts(conn, p.start, p.end)
    counts.insert(0, "period_key", p.key)
    counts.insert(1, "cutoff", cutoff)
    counts.insert(3, "start_date", p.start)
    counts.insert(4, "end_date", p.end)
    return counts[COLUMNS]


def refresh(
    conn: sa.Connection, cutoff: int, progress=None, from_events: bool = False, span: tuple[date, date] | None = None
) -> int:
    """Rebuild the rollup for one cut-off day; returns the number of periods. from_events: sum each period
    from the per-day events (which must be current) instead of scanning the dossiers. span: the data's range
    when the caller has scanned it (None: scanned here)."""
    r, d = schema.rollup, schema.dossier
    conn.execute(r.delete().where(r.c.cutoff == cutoff))
    span = span or scan_data_range(conn)
    todo = periods.named_periods(*span, cutoff=cutoff) if span else []
    if from_events:
        for p in todo:
            bulk_insert(conn, r, rows_from_events(conn, p, cutoff))
            if progress:
                progress(1)
        pack(conn, cutoff, [p.key for p in todo], everything=True)
        set_meta(conn, _version_key(cutoff), get_meta(conn, "data_version") or "0")
        return len(todo)
    # a few periods a statement: one scan each all the same, but the planning of a statement per period was
    # half the rebuild of a small warehouse
    for k in range(0, len(todo), PERIODS_PER_STATEMENT):
        part = todo[k : k + PERIODS_PER_STATEMENT]
        selects = [
            sa.select(
                sa.literal(p.key, sa.String).label("period_key"),
                sa.literal(cutoff, sa.SmallInteger).label("cutoff"),
                d.c.unit_code,
                sa.literal(p.start, sa.Date).label("start_date"),
                sa.literal(p.end, sa.Date).label("end_date"),
                *kpi_sql.count_columns(d.c, p.start, p.end),
            )
            .where(kpi_sql.relevant_sql(d.c, p.start, p.end))
            .group_by(d.c.unit_code)
            for p in part
        ]
        conn.execute(r.insert().from_select(COLUMNS, sa.union_all(*selects) if len(selects) > 1 else selects[0]))
        if progress:
            progress(len(part))
    pack(conn, cutoff, [p.key for p in todo], everything=True)
    set_meta(conn, _version_key(cutoff), get_meta(conn, "data_version") or "0")
    return len(todo)


#: what rollup_pack holds of a unit: COUNT_FIELDS as 32-bit big-endian integers (the rollup's are 32-bit)
PACKED = np.dtype(">i4")


def pack(conn: sa.Connection, cutoff: int, keys: list[str], everything: bool = False) -> None:
    """rollup_pack's rows of these periods of a cut-off day, from the rollup's (in the caller's transaction): a
    row per period, empty ones too. everything: `keys` are all the periods the cut-off day has, and rows of
    any other are dropped. Packed here rather than in SQL, so both engines write the same bytes (PostgreSQL's
    int4send has no DuckDB twin)."""
    r, t = schema.rollup, schema.rollup_pack
    conn.execute(t.delete().where(t.c.cutoff == cutoff, *([] if everything else [t.c.period_key.in_(keys)])))
    if not keys:
        return
    where = [r.c.cutoff == cutoff, *([] if everything else [r.c.period_key.in_(keys)])]
    columns = ["period_key", "unit_code", *kpi.COUNT_FIELDS]
    rows = count_rows(conn, sa.select(*[r.c[c] for c in columns]).where(*where), columns, keys=2, many=True)
    rows = rows.sort_values(["period_key", "unit_code"], kind="stable")  # one order, whatever the engine's
    counts = rows[list(kpi.COUNT_FIELDS)].to_numpy(dtype=np.int64)
    if len(counts) and (counts.min() < np.iinfo(PACKED).min or counts.max() > np.iinfo(PACKED).max):
        return  # beyond the rollup's own 32 bits (cannot be): nothing packed, the rollup's rows are read
    by_period = {k: (0, 0) for k in keys}
    labels = rows["period_key"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]]) if len(labels) else np.empty(0, np.int64)
    for start, end in zip(bounds.tolist(), [*bounds[1:].tolist(), len(labels)][: len(bounds)], strict=True):
        by_period[labels[start]] = (start, end)
    codes = rows["unit_code"].to_numpy()
    packed = counts.astype(PACKED)
    bulk = []
    for k, (a, b) in sorted(by_period.items()):
        units = "\n".join(codes[a:b].tolist())
        if units.count("\n") != max(b - a - 1, 0):
            continue  # a code with a line break in it: that period is read from the rollup's rows (not packed)
        bulk.append({"period_key": k, "cutoff": cutoff, "units": units, "counts": packed[a:b].tobytes()})
    if bulk:
        conn.execute(t.insert(), bulk)


def unpack(conn: sa.Connection, cutoff: int, keys: list[str]) -> pd.DataFrame | None:
    """The rollup's rows (period_key, unit_code, COUNT_FIELDS) of these periods from rollup_pack, or None when
    one of them is not packed there (a warehouse not yet rebuilt since revision 0010) or not as packed: then the
    caller reads the rollup's rows."""
    t = schema.rollup_pack
    got = fetch_plain(
        conn, sa.select(t.c.period_key, t.c.units, t.c.counts).where(t.c.cutoff == cutoff, t.c.period_key.in_(keys))
    )
    if isinstance(got, dict):  # DuckDB's columns
        got = list(zip(*got.values(), strict=True))
    if len({k for k, _, _ in got}) != len(set(keys)):
        return None
    width = len(kpi.COUNT_FIELDS)
    labels, codes, blocks = [], [], []
    for key, units, counts in got:
        names = units.split("\n") if units else []
        if len(counts) != len(names) * width * PACKED.itemsize:
            return None
        block = np.frombuffer(counts, dtype=PACKED)
        labels.append(np.full(len(names), key, dtype=object))
        codes.append(np.array(names, dtype=object))
        blocks.append(block.reshape(len(names), width))
    out = pd.DataFrame(
        np.concatenate(blocks).astype(np.int64) if blocks else np.empty((0, width), np.int64),
        columns=list(kpi.COUNT_FIELDS),
    )
    out.insert(0, "unit_code", pd.Series(np.concatenate(codes) if codes else np.empty(0, object)).infer_objects())
    out.insert(0, "period_key", pd.Series(np.concatenate(labels) if labels else np.empty(0, object)).infer_objects())
    return out


LISTABLE_VERSION, LISTABLE_LAST_DAY = "listable_version", "listable_last_day"


def listable_rows(d: sa.Table, where: sa.ColumnElement | None = None) -> sa.Select:
    """The rows of dossier_listable from a table of dossiers `d`: those that may be listed, with the end date
    only where the status ends (end(d), kpi_sql.kpi_end_sql; no list or count reads another), so every row
    that no list can name from `day` on has end_date < day (listed_from)."""
    cols = [kpi_sql.kpi_end_sql(d.c).label(c) if c == "end_date" else d.c[c] for c in schema.LISTABLE_COLUMNS]
    return sa.select(*cols).where(kpi_sql.listable_sql(d.c), *([where] if where is not None else []))


def listed_from(d: sa.Table, day: date) -> list[sa.ColumnElement]:
    """A condition every row of any list of a period from `day` on (or due soon from `day`) meets, on a plain
    column: on dossier_listable the rows are in order of end date, so the scans skip the dossiers ended
    years ago (DuckDB's zone maps, PostgreSQL's index) and the lists cost the same however old the data.
    Empty for the dossiers themselves, whose end date a non-ending status may also carry."""
    if d is not schema.dossier_listable:
        return []
    return [sa.or_(d.c.end_date.is_(None), d.c.end_date >= day)]


def refresh_listable(conn: sa.Connection, span: tuple[date, date] | None = None) -> int:
    """Rebuild dossier_listable from the dossiers (in order of end date, the open ones last); returns its row
    count. Records the data version it was built from and the last data day (span: the data's range when the
    caller has scanned it; None: scanned here)."""
    t, d = schema.dossier_listable, schema.dossier
    conn.execute(t.delete())
    rows = listable_rows(d)
    ordered = rows.order_by(rows.selected_columns.end_date.asc().nulls_last())
    conn.execute(t.insert().from_select(list(schema.LISTABLE_COLUMNS), ordered))
    span = span or scan_data_range(conn)
    set_meta(conn, LISTABLE_LAST_DAY, span[1].isoformat() if span else "")
    set_meta(conn, LISTABLE_VERSION, get_meta(conn, "data_version") or "0")
    return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())


def listable_serves(conn: sa.Connection, as_of: date) -> bool:
    """Whether dossier_listable holds every dossier the lists can name at `as_of`: built from the current
    data, and as_of on or after the last data day (a due-soon dossier must still be open then)."""
    m = schema.meta
    meta = dict(
        conn.execute(
            sa.select(m.c.key, m.c.value).where(m.c.key.in_([LISTABLE_VERSION, LISTABLE_LAST_DAY, "data_version"]))
        ).all()
    )
    built, last = meta.get(LISTABLE_VERSION), meta.get(LISTABLE_LAST_DAY)
    if built is None or built != (meta.get("data_version") or "0"):
        return False
    return not last or as_of >= date.fromisoformat(last)


def list_source(conn: sa.Connection, as_of: date) -> sa.Table:
    """The table that overdue lists and due-soon counts at `as_of` read: dossier_listable while it
    serves them, else the dossiers (same columns, same conditions)."""
    return schema.dossier_listable if listable_serves(conn, as_of) else schema.dossier


def cutoffs() -> list[int]:
    """The cut-off days the rollup is kept for: the configured one and calendar months."""
    return sorted({config.cutoff_day(), 1})


def stale(conn: sa.Connection) -> bool:
    """Whether a rollup or the overdue-list table is behind the dossiers (after a crash, an interrupted
    rebuild, or an import whose refresh did not run)."""
    if data_range(conn) is None:
        return False
    listable = get_meta(conn, LISTABLE_VERSION) == (get_meta(conn, "data_version") or "0")
    return (
        not listable
        or not events.is_current(conn)
        or not all(is_current(conn, c) for c in cutoffs())
        or not list_rollup.is_current(conn)
    )


def rebuild(conn: sa.Connection, progress=None) -> None:
    """Every rollup and the overdue-list table, in the caller's transaction (all or nothing)."""
    d = schema.dossier
    large = conn.execute(sa.select(sa.func.count()).select_from(d)).scalar_one() >= EVENTS_FROM
    span, top = scan_range_top(conn)  # once: every table below is built from the same dossiers
    if large:  # the events first: the rollups are summed from them
        events.refresh(conn)
    for c in cutoffs():
        refresh(conn, c, progress=progress, from_events=large, span=span)
    crash_point("rollups-before-listable")
    refresh_listable(conn, span)
    list_rollup.refresh(conn, cutoffs(), span)  # from dossier_listable, just built
    if not large:
        events.refresh(conn)
    keep_data_range(conn, span, top)
    analyze_changed(conn)
