"""Overdue page budgets: list queries, a page of the list, the XLSX export, and the page in Chromium.

    python benchmarks/bench_overdue.py [--scale 1.0] [--runs 5] [--data-dir DIR] [--no-browser]

Builds the demo at the given scale in a scratch folder (unless --data-dir names a folder holding
warehouse.duckdb), then prints medians:
- the queries behind the page for the province's whole territory (the largest scope) and for the unit
  with the most dossiers: summary + filter options, the three list counts, one page of 50 rows at the
  start, the middle and the end of the longest list (budget: a page ≤ 200 ms);
- an XLSX export of 50 000 rows (budget ≤ 10 s), fetched from the warehouse and written, and the
  memory the write holds at its peak;
- in headless Chromium, a new visitor (fresh browser context) opening the page by deep link for the
  whole province, each run on another period so no cached result helps (budget ≤ 1.5 s, or 1.5× the
  trivial page when that alone is too slow for it: SPEC §8), ready when the script is idle, the list is
  drawn and no widget is still a loading placeholder; then the same
  periods again (the server's cache warm, the browser's empty), a returning visitor, and moving to the
  next page of the list. A one-line Streamlit page, and app.py served without dashboard.web's middleware
  (plain `streamlit run app.py`), are timed the same way in the same runs for comparison.
It asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_map import ARGS, CHROMIUM, SKELETON, app_and_trivial, app_env, bench_args, demo_data, serve  # noqa: E402
from bench_warehouse import median_time as med_time  # noqa: E402

PERIODS = [
    "2025-Q1",
    "2024-Q4",
    "2024-Q3",
    "2024-Q2",
    "2024-Q1",
    "2023-Q4",
    "2023-Q3",
    "2023-Q2",
    "2023-Q1",
    "2022-Q4",
    "2022-Q3",
]


def queries_part(url: str, runs: int) -> None:
    import sqlalchemy as sa

    from dashboard.metrics import periods
    from dashboard.reports import excel
    from dashboard.warehouse import overdue, queries, schema
    from dashboard.warehouse.engine import make_engine

    e = make_engine(url, read_only=True)
    with e.connect() as conn:
        n = queries.dossier_count(conn)
        d = schema.dossier
        largest = conn.execute(
            sa.select(d.c.unit_code, sa.func.count().label("n"))
            .group_by(d.c.unit_code)
            .order_by(sa.text("n DESC"))
            .limit(1)
        ).first()
        as_of = queries.as_of(conn)
        print(f"warehouse: {n:,} dossiers; unit with most dossiers: {largest[0]} ({largest[1]:,})")
        p = periods.parse("2025-Q1", 15)
        scopes = {
            "province 49, whole territory": tuple(queries.scope_codes(conn, p, "49", True)),
            f"unit {largest[0]}, own": (largest[0],),
        }
        for label, codes in scopes.items():
            s = overdue.Scope(p, codes, as_of)
            t_sum = med_time(lambda: overdue.summary_and_options(conn, s), runs)
            t_cnt = med_time(lambda: overdue.counts(conn, s), runs)
            counts = {k: overdue.count(conn, k, s) for k in overdue.LISTS}
            kind = max(counts, key=counts.get)
            total = counts[kind]
            pages = {}
            for where, offset in (("first", 0), ("middle", max(0, total // 2)), ("last", max(0, total - 50))):
                pages[where] = med_time(lambda: overdue.page(conn, kind, s, offset=offset, limit=50), runs)
            t_sorted = med_time(
                lambda: overdue.page(
                    conn, kind, s, sort="received_date", descending=False, offset=max(0, total // 2), limit=50
                ),
                runs,
            )
            print(f"{label}, 2025-Q1: lists {counts}")
            print(
                f"  summary + filter options (one pass) {t_sum * 1000:.0f} ms; "
                f"three counts (one pass) {t_cnt * 1000:.0f} ms"
            )
            print(
                f"  a page of 50 from '{kind}' ({total:,} rows): first {pages['first'] * 1000:.0f} ms, middle "
                f"{pages['middle'] * 1000:.0f} ms, last {pages['last'] * 1000:.0f} ms, middle sorted by received "
                f"{t_sorted * 1000:.0f} ms (budget 200 ms)"
            )

        # XLSX of 50 000 rows: the longest list over the whole history of the province
        whole = periods.custom(date_min(conn), as_of)
        s = overdue.Scope(whole, tuple(queries.scope_codes(conn, whole, "49", True)), as_of)
        available = overdue.count(conn, "finished_late", s)
        t0 = time.perf_counter()
        rows = overdue.page(conn, "finished_late", s, limit=50_000)
        t_fetch = time.perf_counter() - t0
        note = ""
        if len(rows) < 50_000:  # a small warehouse: repeat rows so the writer still gets 50 000
            import pandas as pd

            rows = pd.concat([rows] * (50_000 // max(1, len(rows)) + 1), ignore_index=True).head(50_000)
            note = f" (only {available:,} in the warehouse; rows repeated)"
        meta = excel.ListMeta("finished_late", "Tỉnh Quảng Nam", "49", True, whole, as_of, 3, total=len(rows))
        t0 = time.perf_counter()
        data = excel.list_workbook(rows, meta, "vi")
        t_write = time.perf_counter() - t0
        print(
            f"XLSX export of {len(rows):,} rows{note}: fetch {t_fetch:.2f} s + write {t_write:.2f} s = "
            f"{t_fetch + t_write:.2f} s, {len(data) / 2**20:.1f} MiB (budget 10 s)"
        )
        import tracemalloc  # once more, untimed (tracing slows it down): the memory the write holds

        tracemalloc.start()
        excel.list_workbook(rows, meta, "vi")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"  peak memory allocated while writing it: {peak / 2**20:.0f} MiB "
            f"({peak / len(rows) / 1024:.1f} KiB a row)"
        )
    e.dispose()


def date_min(conn):
    from dashboard.warehouse import rollups

    return rollups.data_range(conn)[0]


@contextmanager
def stopping(proc):
    """Stop a server process however the block ends."""
    try:
        yield proc
    finally:
        proc.terminate()


def browser_part(data_dir: Path, runs: int) -> None:
    from browser import wait_for_app
    from playwright.sync_api import sync_playwright

    def list_ready(page):  # the script idle, the list drawn, and no element still a loading placeholder
        wait_for_app(page)
        page.locator("table.bdtc-table td").last.wait_for(state="attached")
        page.wait_for_function(f"() => !document.querySelector({SKELETON!r})", polling=10)

    def trivial_ready(page):
        wait_for_app(page)
        page.get_by_text("trivial").wait_for()

    plain, plain_url = serve(ROOT / "app.py", app_env(data_dir), ROOT)
    with stopping(plain), app_and_trivial(data_dir) as (app_url, tri_url), sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def visit(url, ready) -> float:
            ctx = b.new_context(viewport={"width": 1920, "height": 1080})
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            ready(page)
            dt = time.perf_counter() - t0
            ctx.close()
            return dt

        first = visit(f"{app_url}/overdue?unit=49&period=2022-Q2&scope=territory", list_ready)
        visit(f"{plain_url}/overdue?unit=49&period=2022-Q2&scope=territory", list_ready)
        visit(tri_url, trivial_ready)
        cold, cold_tri, cold_plain, next_page = [], [], [], []
        for i in range(runs):
            cold_tri.append(visit(tri_url, trivial_ready))
            key = PERIODS[i % len(PERIODS)]
            cold.append(visit(f"{app_url}/overdue?unit=49&period={key}&scope=territory&list=finished_late", list_ready))
            cold_plain.append(
                visit(f"{plain_url}/overdue?unit=49&period={key}&scope=territory&list=finished_late", list_ready)
            )
        plain.terminate()  # the rest of the runs on two servers, as before
        cold_cached = [
            visit(
                f"{app_url}/overdue?unit=49&period={PERIODS[i % len(PERIODS)]}&scope=territory&list=finished_late",
                list_ready,
            )
            for i in range(runs)
        ]  # the server has it now
        page = b.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{app_url}/overdue?unit=49&period=2024&scope=territory&list=finished_late")
        list_ready(page)
        warm = []  # a returning visitor: same browser (files cached), a period not asked for before
        for i in range(runs):
            key = f"{2022 + i % 3}-{1 + i:02d}"
            t0 = time.perf_counter()
            page.goto(f"{app_url}/overdue?unit=49&period={key}&scope=territory&list=finished_late")
            list_ready(page)
            warm.append(time.perf_counter() - t0)
        for _ in range(runs):
            t0 = time.perf_counter()
            page.locator("[data-testid='stNumberInput']").filter(has_text="Trang").locator(
                "button[data-testid='stNumberInputStepUp']"
            ).click()
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=5000)
            list_ready(page)
            next_page.append(time.perf_counter() - t0)
        b.close()
    med = statistics.median
    print(f"first request after the server starts: {first:.2f} s")
    print(
        f"overdue page, province territory, new visitor, uncached period: median {med(cold):.2f} s, "
        f"{med(cold) / med(cold_tri):.2f}× the trivial page "
        f"(runs {', '.join(f'{x:.2f}' for x in cold)}; budget 1.5 s); trivial page the same way {med(cold_tri):.2f} s; "
        f"plain `streamlit run app.py` {med(cold_plain):.2f} s (runs {', '.join(f'{x:.2f}' for x in cold_plain)})"
    )
    print(
        f"new visitor, a period the server was asked for before: median {med(cold_cached):.2f} s "
        f"(runs {', '.join(f'{x:.2f}' for x in cold_cached)})"
    )
    print(
        f"returning visitor (browser cache warm), uncached month: median {med(warm):.2f} s "
        f"(runs {', '.join(f'{x:.2f}' for x in warm)})"
    )
    print(f"next page of the list: median {med(next_page):.2f} s")


def main() -> None:
    a = bench_args(1.0, browser=True, doc=__doc__)
    with demo_data(a.data_dir, a.scale, "bench_overdue_data_") as data_dir:
        queries_part(f"duckdb:///{data_dir / 'warehouse.duckdb'}", a.runs)
        if not a.no_browser:
            browser_part(data_dir, a.runs)


if __name__ == "__main__":
    main()
