"""Every page's data work as the warehouse grows (issue 18 budgets), uncached, side by side in one run.

    python benchmarks/bench_scale.py --scales 0.16 0.48 1.6 [--runs 7] [--data-dir DIR] [--pg-url URL --pg-scale S]

For each scale a demo warehouse (≈ 6,24 M dossiers per 1.0 over 01/2022–the last complete month; built once
under --data-dir/scale-<s>/ and reused after). Then --runs interleaved rounds: in each, on every warehouse (each
scale, and PostgreSQL with --pg-url), every page's work for
today's city — the calls the page makes through ui/data, with Streamlit's caches cleared before each page, so
every figure is what a visitor no one preceded waits for — on the latest complete quarter and on a custom range
(01/01–10/02 of the latest year: any range from the per-day events). Prints per page the median and p95 at every
scale and the growth from the smallest to the largest; a naive baseline at each scale beside the project's
custom range (every dossier into pandas, the counts by boolean masks and a group-by); with --pg-url, the same
pages on PostgreSQL at --pg-scale (the demo built there once) against DuckDB at that scale.

Budgets (issue 18): every page ≤ 100 ms p95 at 10 M on DuckDB, the report page ≤ 300 ms; growth 1 M→10 M
≤ 1.2×; naive ÷ project ≥ 1 000× for a custom range at 10 M; PostgreSQL ÷ DuckDB ≤ 1.5× per page.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CITY = "48"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def build(url: str, scale: float) -> None:
    """The demo at `url` unless one of this scale is there."""
    from dashboard.warehouse.engine import get_meta, has_schema, make_engine

    e = make_engine(url)
    try:
        if has_schema(e):
            with e.connect() as conn:
                if get_meta(conn, "demo_scale") == str(scale):
                    return
    finally:
        e.dispose()
    t0 = time.perf_counter()
    env = dict(os.environ, DASHBOARD_DB_URL=url)
    subprocess.run([sys.executable, "-m", "dashboard", "demo", "--scale", str(scale), "--quiet"], env=env, check=True)
    print(f"demo scale {scale} built in {time.perf_counter() - t0:.0f} s: {url}", flush=True)


def pages(url: str, city: str = CITY, root: str | None = None) -> dict[str, Callable[[], object]]:
    """Each page's data calls, as the page makes them, for the city on the latest complete quarter (and the
    overview and report on a custom range)."""
    import streamlit as st

    from dashboard.metrics import periods
    from dashboard.ui import data
    from dashboard.warehouse.overdue import ListQuery

    for name in list(logging.root.manager.loggerDict):  # "No runtime found" on every cached call otherwise
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    wh = data.state(url)
    src = data.Source(url, wh.data_version, root)  # root: a viewer signed in with that unit's scope
    as_of = wh.as_of
    q = periods.latest_complete(as_of, "quarter", 15)
    custom = periods.custom(date(as_of.year, 1, 1), date(as_of.year, 2, 10))
    months24 = periods.last_months(wh.first_day, min(q.end, as_of), 15, 24)
    months12 = periods.last_months(wh.first_day, min(q.end, as_of), 15, 12)

    def overview(p):
        data.units_in_period(src, p.start, p.end)
        data.kpi_table(src, p, "all", True)
        data.kpi_table(src, p.previous(), "all", True)  # the cards' previous period (pages/overview.py)
        data.overview_sections(src, p, city, "province", as_of, 3, 95.0)

    def report(p):
        data.units_in_period(src, p.start, p.end)
        data.period_report(src, p).official()
        data.kpi_table(src, p, "all", False)

    def overdue(p):
        lq = ListQuery(p, city, True, as_of)
        summary, _ = data.overdue_summary(src, lq)
        summary.counts_for()
        data.overdue_page(src, "open_overdue", lq, "days_overdue", True, 0, 50)

    work = {
        "counts, custom range": lambda: data.unit_counts(src, custom),  # what the naive baseline computes
        "overview": lambda: overview(q),
        "overview, custom range": lambda: overview(custom),
        "map": lambda: (
            data.kpi_table(src, q, "district", True),
            data.has_districts(src, q),
            data.provinces(src, q),
            data.kpi_table(src, q, "commune", True, at_end=True),
        ),
        "overdue": lambda: overdue(q),
        "trends": lambda: (  # as pages/trends.py: the city's series like-for-like (others merged into it), then
            # the units compared, the city alone by default
            data.all_units(src),
            data.successors(src),
            data.series(src, tuple(months24), city, True, True),
            data.units_in_period(src, months24[0].start, months24[-1].end),
            data.series(src, tuple(months24), city, True),
        ),
        "rankings": lambda: (
            data.has_districts(src, q),
            data.kpi_table(src, q, "commune", True, at_end=True),
            data.kpi_table(src, q.previous(), "commune", True, at_end=True),
        ),
        "scorecard": lambda: (
            data.kpi_table(src, q, "all", True),
            data.kpi_table(src, q.previous(), "all", True),
            data.series(src, tuple(months12), city, True),
            data.official_scores(src, city, q.key),
        ),
        "report": lambda: report(q),
        "report, custom range": lambda: report(custom),
    }

    def uncached(fn):
        def run():
            st.cache_data.clear()
            fn()

        return run

    return {k: uncached(v) for k, v in work.items()}


#: url → page → seconds its SQL statements spent executing, per run (measure fills it): the pages' queries
#: apart from the Python that shapes their results
SQL_TIMES: dict[str, dict[str, list[float]]] = {}


class _SqlClock:
    """Sums the time between SQLAlchemy's before- and after-cursor-execute events and the time its results'
    all() / fetchall() and engine.fetch_plain take: a statement and its rows. Both, because the engines split
    them differently — psycopg receives the whole result inside execute, DuckDB runs the query there and
    materialises the rows in the fetch (the trends statement's 7 364 rows: DuckDB 3 + 9 ms, PostgreSQL 7 + 7 ms,
    before fetch_plain) — so execute alone compares unlike things. (Wrapping these is for this measurement.)"""

    def __init__(self) -> None:
        import sqlalchemy as sa

        from dashboard.warehouse import engine

        self.total = 0.0
        self._started: list[float] = []
        self._inside = 0  # within a timed call: its own statements are in its time already
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._before)
        sa.event.listen(sa.engine.Engine, "after_cursor_execute", self._after)
        for name in ("all", "fetchall"):
            setattr(sa.engine.Result, name, self._timed(getattr(sa.engine.Result, name)))
        # the counts fetched past SQLAlchemy's results (DuckDB's numpy columns, psycopg's binary rows)
        engine.fetch_plain = self._timed(engine.fetch_plain)

    def _timed(self, method):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            self._inside += 1
            try:
                return method(*args, **kwargs)
            finally:
                self._inside -= 1
                if not self._inside:
                    self.total += time.perf_counter() - t0

        return timed

    def _before(self, *_args) -> None:
        if not self._inside:
            self._started.append(time.perf_counter())

    def _after(self, *_args) -> None:
        if self._started and not self._inside:
            self.total += time.perf_counter() - self._started.pop()


_clock: _SqlClock | None = None


def measure(url: str, runs: int, city: str = CITY, root: str | None = None) -> dict[str, list[float]]:
    return measure_all([(url, root)], runs, city)[f"{url}#{root}" if root else url]


def measure_all(
    targets: list[tuple[str, str | None]], runs: int, city: str = CITY
) -> dict[str, dict[str, list[float]]]:
    """Seconds per run of every page on each (url, root), keyed by url (url#root for a scope). Interleaved:
    each round runs every page on every target, so the process's drift over the runs (its heap grows, the
    machine's neighbours come and go) falls on all of them alike instead of on the last measured."""
    global _clock
    _clock = _clock or _SqlClock()
    works = {(f"{u}#{r}" if r else u): pages(u, city, r) for u, r in targets}
    for work in works.values():
        for fn in work.values():  # once first: the engine opened, the modules imported
            fn()
    times: dict[str, dict[str, list[float]]] = {key: {k: [] for k in work} for key, work in works.items()}
    for _ in range(runs):
        for key, work in works.items():
            sql = SQL_TIMES.setdefault(key, {k: [] for k in work})
            for k, fn in work.items():
                _clock.total = 0.0
                t0 = time.perf_counter()
                fn()
                times[key][k].append(time.perf_counter() - t0)
                sql[k].append(_clock.total)
    return times


def naive(url: str) -> tuple[float, float]:
    """Seconds and the frame's MiB for a custom range the naive way: every dossier into pandas, then boolean
    masks and a group-by per unit (a few of the counts, not all: a lower bound on what it would cost)."""
    import sqlalchemy as sa

    from dashboard.warehouse import schema
    from dashboard.warehouse.engine import frame, make_engine

    e = make_engine(url, read_only=url.startswith("duckdb"))
    d = schema.dossier
    cols = ["unit_code", "received_date", "due_date", "end_date", "status", "channel"]
    t0 = time.perf_counter()
    with e.connect() as conn:
        df = frame(conn.execute(sa.select(*[d.c[c] for c in cols])).all(), cols)
        last = df["received_date"].max()
    d1, d2 = date(last.year, 1, 1), date(last.year, 2, 10)
    rec = df["received_date"].between(d1, d2)
    fin = df["status"].isin([9, 10]) & df["end_date"].between(d1, d2)
    late = fin & df["due_date"].notna() & (df["end_date"] > df["due_date"])
    counts = (
        df.assign(received=rec, finished=fin, late=late, online=rec & (df["channel"] == 2))
        .groupby("unit_code")[["received", "finished", "late", "online"]]
        .sum()
    )
    took = time.perf_counter() - t0
    mib = df.memory_usage(deep=True).sum() / 2**20
    e.dispose()
    assert len(counts)
    return took, mib


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[0.16, 0.48, 1.6])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--data-dir", default=str(ROOT / "benchmarks" / "results" / "scale"))
    ap.add_argument("--pg-url", help="a PostgreSQL URL to build the demo in and compare with DuckDB")
    ap.add_argument("--pg-scale", type=float, default=0.48)
    ap.add_argument("--no-naive", action="store_true")
    args = ap.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from dashboard.warehouse.engine import make_engine

    sizes: dict[float, int] = {}
    baseline: dict[float, tuple[float, float]] = {}
    urls = {}
    for s in args.scales:
        d = Path(args.data_dir) / f"scale-{s}"
        d.mkdir(parents=True, exist_ok=True)
        urls[s] = f"duckdb:///{d / 'warehouse.duckdb'}"
        build(urls[s], s)
    for s in args.scales:
        e = make_engine(urls[s], read_only=True)
        with e.connect() as conn:
            from dashboard.warehouse import queries

            sizes[s] = queries.dossier_count(conn)
        e.dispose()
    duck_url = None
    if args.pg_url:
        build(args.pg_url, args.pg_scale)
        duck_url = urls.get(args.pg_scale)
        if duck_url is None:
            d = Path(args.data_dir) / f"scale-{args.pg_scale}"
            d.mkdir(parents=True, exist_ok=True)
            duck_url = f"duckdb:///{d / 'warehouse.duckdb'}"
            build(duck_url, args.pg_scale)
    # every warehouse in the same rounds (PostgreSQL too); the naive baselines after, their GiB frames freed
    targets = list(dict.fromkeys([*urls.values(), *([duck_url, args.pg_url] if args.pg_url else [])]))
    measured = measure_all([(u, None) for u in targets], args.runs)
    results = {s: measured[urls[s]] for s in args.scales}
    if not args.no_naive:
        for s in args.scales:
            baseline[s] = naive(urls[s])
    names = list(results[args.scales[0]])
    head = "".join(f"{f'{sizes[s] / 1e6:.2f} M p50':>13}{'p95':>8}" for s in args.scales)
    print(f"\nDuckDB, {args.runs} interleaved runs, caches cleared before each page (ms)")
    print(f"{'page':<24}{head}{'growth':>9}")
    for k in names:
        cells = "".join(
            f"{statistics.median(results[s][k]) * 1e3:>13.0f}{pct(results[s][k], 0.95) * 1e3:>8.0f}"
            for s in args.scales
        )
        lo, hi = statistics.median(results[args.scales[0]][k]), statistics.median(results[args.scales[-1]][k])
        print(f"{k:<24}{cells}{hi / lo:>8.2f}×")
    print("\nof which SQL statements executing and their rows fetched (ms, median / p95)")
    print(f"{'page':<24}" + "".join(f"{f'{sizes[s] / 1e6:.2f} M p50':>13}{'p95':>8}" for s in args.scales))
    for k in names:
        cells = "".join(
            f"{statistics.median(SQL_TIMES[urls[s]][k]) * 1e3:>13.0f}{pct(SQL_TIMES[urls[s]][k], 0.95) * 1e3:>8.0f}"
            for s in args.scales
        )
        print(f"{k:<24}{cells}")
    if baseline:
        print("\nnaive custom range (every dossier into pandas, masks, group-by) against the project's counts of every")
        print("unit for the range (per-day events) and its whole overview page on that range")
        for s in args.scales:
            took, mib = baseline[s]
            ours = statistics.median(results[s]["counts, custom range"])
            page = statistics.median(results[s]["overview, custom range"])
            print(f"  {sizes[s]:>11,} dossiers: naive {took:6.2f} s, {mib:7.0f} MiB; counts {ours * 1e3:5.0f} ms: "
                  f"{took / ours:,.0f}×; page {page * 1e3:5.0f} ms: {took / page:,.0f}×")  # fmt: skip
    if args.pg_url and duck_url:
        duck, pg = measured[duck_url], measured[args.pg_url]
        print(f"\nPostgreSQL against DuckDB at scale {args.pg_scale} (ms, median / p95; then their SQL's medians)")
        for k in names:
            dm, pm = statistics.median(duck[k]), statistics.median(pg[k])
            ds, ps = statistics.median(SQL_TIMES[duck_url][k]), statistics.median(SQL_TIMES[args.pg_url][k])
            print(f"  {k:<24}{dm * 1e3:>7.0f} /{pct(duck[k], 0.95) * 1e3:>5.0f}   {pm * 1e3:>7.0f} /"
                  f"{pct(pg[k], 0.95) * 1e3:>5.0f}   {pm / dm:5.2f}×   SQL {ds * 1e3:5.0f} vs {ps * 1e3:5.0f}: "
                  f"{ps / ds if ds else float('nan'):5.2f}×")  # fmt: skip


if __name__ == "__main__":
    main()
