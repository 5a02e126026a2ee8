"""Trends, 766 scorecard and rankings: the data work behind the pages, and the pages in Chromium.

    python benchmarks/bench_trends.py [--scale 1.0] [--runs 5] [--data-dir DIR] [--no-browser]

Builds the demo at the given scale in a scratch folder (unless --data-dir names a folder holding
warehouse.duckdb), then prints medians of: the monthly counts of every unit for 24 months and for all
months (one rollup query); the series of the province's whole territory, of a district across the
2025 merger, and of 5 compared units; the scorecard and ranking of all communes for a quarter; and,
in headless Chromium, a new visitor opening each page by link, beside a one-line Streamlit page timed
the same way (SPEC §8). No budget is set for these pages in their issue; it asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_map import ARGS, CHROMIUM, app_and_trivial, bench_args, demo_data  # noqa: E402
from bench_warehouse import median_time as med_time  # noqa: E402


def data_part(url: str, runs: int) -> None:
    from dashboard.metrics import periods, ranking, scorecard, trends
    from dashboard.warehouse import queries
    from dashboard.warehouse import trends as wtrends
    from dashboard.warehouse.engine import make_engine

    e = make_engine(url, read_only=True)
    with e.connect() as conn:
        print(f"warehouse: {queries.dossier_count(conn):,} dossiers")
        first, last = queries.rollups.data_range(conn)
        every = periods.months_between(first, periods.latest_complete(last, "month", 15).end, 15)
        months = every[-24:]
        t24 = med_time(lambda: wtrends.monthly_counts(conn, months), runs)
        tall = med_time(lambda: wtrends.monthly_counts(conn, every), runs)
        monthly = wtrends.monthly_counts(conn, months)
        units = queries.all_units(conn)
        succ = queries.successor_map(conn)
        print(
            f"monthly counts of every unit: 24 months {t24 * 1000:.0f} ms ({len(monthly):,} rows); "
            f"all {len(every)} months {tall * 1000:.0f} ms"
        )
        for label, code in (("province 49, whole territory", "49"), ("district 509 (across the merger)", "509")):
            t = med_time(lambda: trends.series(monthly, units, succ, code, months, territory=True), runs)
            print(f"series of {label}, 24 months: {t * 1000:.0f} ms")
        five = ["502", "503", "507", "509", "513"]
        t = med_time(lambda: [trends.series(monthly, units, succ, c, months, territory=True) for c in five], runs)
        print(f"5 compared units, 24 months: {t * 1000:.0f} ms")
        q = periods.parse("2025-Q1", 15)

        def rank_communes():
            now = scorecard.score_columns(queries.kpi_table(conn, q, level="commune", territory=True))
            before = scorecard.score_columns(queries.kpi_table(conn, q.previous(), level="commune", territory=True))
            return ranking.ranked(now, "score_100", before)

        t = med_time(rank_communes, runs)
        print(
            f"ranking of all {len(rank_communes())} communes by the 766 estimate, with the previous quarter: "
            f"{t * 1000:.0f} ms"
        )
        # today's city (issue 20): its 94 communes on the latest complete quarter, and the period report of
        # that quarter next to one of 2025-Q1 (both old provinces, every district and commune)
        from dashboard.reports import period as period_report

        now_q = periods.latest_complete(last, "quarter", 15)

        def rank_city():
            now = scorecard.score_columns(queries.kpi_table(conn, now_q, level="commune", territory=True))
            before = scorecard.score_columns(queries.kpi_table(conn, now_q.previous(), level="commune", territory=True))
            return ranking.ranked(now, "score_100", before)

        t = med_time(rank_city, runs)
        print(f"ranking of the {len(rank_city())} communes of {now_q.key}, previous quarter too: {t * 1000:.0f} ms")
        for pq in (q, now_q):
            rep = period_report.build(conn, pq)
            t = med_time(lambda: period_report.build(conn, pq), runs)
            print(f"period report {pq.key} ({len(rep.official())} rows): {t * 1000:.0f} ms")
    e.dispose()


def _quarters_since_the_reform(data_dir: Path) -> list[str]:
    """The complete quarters of the warehouse from 07/2025 (the demo territory's two-tier city), newest first."""
    from datetime import date

    from dashboard.metrics import periods
    from dashboard.warehouse import queries
    from dashboard.warehouse.engine import make_engine

    e = make_engine(f"duckdb:///{data_dir / 'warehouse.duckdb'}", read_only=True)
    with e.connect() as conn:
        _, last = queries.rollups.data_range(conn)
    e.dispose()
    q, out = periods.latest_complete(last, "quarter", 15), []
    while q.start >= date(2025, 6, 15) and len(out) < 8:
        out.append(q.key)
        q = q.previous()
    return out or ["2025-Q4"]


def browser_part(data_dir: Path, runs: int) -> None:
    from browser import wait_for_app
    from playwright.sync_api import sync_playwright

    grid = "[data-testid='stDataFrame']"
    pages = {
        "trends (province)": ("/trends?unit=49&period={p}&scope=territory", "[data-testid='stPlotlyChart']", 5),
        "scorecard (province)": ("/scorecard?unit=49&period={p}&scope=territory", "[data-testid='stPlotlyChart']", 1),
        "rankings (districts)": ("/rankings?unit=49&period={p}&group=district", grid, 1),
        # today's city (issue 20): the same pages on its 94 communes, quarters after 01/07/2025
        "rankings (the city's 94 communes)": ("/rankings?unit=48&period={q}", grid, 1),
        "report (2 provinces, districts and communes)": ("/report?unit=49&period={p}", grid, 1),
        "report (the city, 94 communes)": ("/report?unit=48&period={q}", grid, 1),
    }
    keys = ["2025-Q1", "2024-Q4", "2024-Q3", "2024-Q2", "2024-Q1", "2023-Q4", "2023-Q3", "2023-Q2"]
    after = _quarters_since_the_reform(data_dir)
    results: dict[str, list[float]] = {k: [] for k in pages}
    trivial: list[float] = []
    with app_and_trivial(data_dir) as (app_url, tri_url), sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def visit(url, selector=None, n=1) -> float:
            ctx = b.new_context(viewport={"width": 1920, "height": 1080})
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            wait_for_app(page)
            if selector:
                page.locator(selector).nth(n - 1).wait_for()
                page.locator(f"{selector} .main-svg, {selector} canvas").first.wait_for(state="attached")
            else:
                page.get_by_text("trivial").wait_for()
            dt = time.perf_counter() - t0
            ctx.close()
            return dt

        visit(app_url + "/trends?unit=49&period=2022-Q2", "[data-testid='stPlotlyChart']")  # first request
        for i in range(runs):
            trivial.append(visit(tri_url))
            for name, (path, sel, n) in pages.items():
                path = path.format(p=keys[i % len(keys)], q=after[i % len(after)])
                results[name].append(visit(app_url + path, sel, n))
        b.close()
    med = statistics.median
    print(f"trivial Streamlit page, new visitor: median {med(trivial):.2f} s")
    for name, xs in results.items():
        print(
            f"{name}, new visitor, period not asked before: median {med(xs):.2f} s "
            f"(runs {', '.join(f'{x:.2f}' for x in xs)})"
        )


def main() -> None:
    args = bench_args(1.0, browser=True, doc=__doc__)
    with demo_data(args.data_dir, args.scale, "bench_trends_data_") as data_dir:
        data_part(f"duckdb:///{data_dir / 'warehouse.duckdb'}", args.runs)
        if not args.no_browser:
            browser_part(data_dir, args.runs)


if __name__ == "__main__":
    main()
