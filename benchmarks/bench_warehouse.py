"""Warehouse benchmarks: demo build time and `report` timings (medians of several runs).

    python benchmarks/bench_warehouse.py [--scale 0.1] [--runs 5] [--db-url URL] [--reuse]

Builds the demo at the given scale into a scratch warehouse (or reuses it with --reuse), then times
the report for named periods (served by the rollup), a custom range (raw dossiers) and the
territory roll-up. Prints the figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db-url", help="default: a scratch DuckDB file")
    ap.add_argument("--reuse", action="store_true", help="do not rebuild the demo")
    args = ap.parse_args()
    url = args.db_url or f"duckdb:///{Path(tempfile.gettempdir()) / f'bench_s{args.scale}.duckdb'}"
    os.environ["DASHBOARD_DB_URL"] = url

    from dashboard.cli import main as cli
    from dashboard.cli import report_frame
    from dashboard.metrics import periods
    from dashboard.warehouse import queries
    from dashboard.warehouse.engine import make_engine

    if not args.reuse:
        t0 = time.perf_counter()
        cli(["demo", "--scale", str(args.scale), "--quiet"])
        print(f"demo build (scale {args.scale}): {time.perf_counter() - t0:.1f} s")
    engine = make_engine(url, read_only=True)
    with engine.connect() as conn:
        n = queries.dossier_count(conn)
    size = Path(url.removeprefix("duckdb:///")).stat().st_size / 2**20 if url.startswith("duckdb") else float("nan")
    print(f"warehouse: {url}\ndossiers: {n:,}  file size: {size:.1f} MiB")
    cases = [
        ("2025-Q1 all units (rollup)", periods.parse("2025-Q1", 15), "all", False),
        ("2025-Q1 districts, territory (rollup)", periods.parse("2025-Q1", 15), "district", True),
        ("2024 all units (rollup)", periods.parse("2024", 15), "all", False),
        ("2025-03 all units, cut-off 1 (rollup)", periods.parse("2025-03", 1), "all", False),
        ("custom 2024-07-01..2025-02-10 (raw dossiers)", periods.parse("2024-07-01..2025-02-10"), "all", False),
        ("custom 2024-07-01..2025-02-10 territory (raw)", periods.parse("2024-07-01..2025-02-10"), "all", True),
    ]
    print(f"report timings, median of {args.runs} runs (in-process, excluding interpreter start):")
    for label, p, level, territory in cases:

        def run():
            with engine.connect() as conn:
                report_frame(conn, p, level, territory)

        run()  # warm
        print(f"  {label:48s} {1000 * median_time(run, args.runs):8.1f} ms")
    engine.dispose()
    import subprocess

    t0 = time.perf_counter()

    subprocess.run(
        [sys.executable, "-m", "dashboard", "report", "--period", "2025-Q1", "--output", os.devnull],
        check=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
    )
    print(f"  {'CLI `report --period 2025-Q1` (whole process)':48s} {1000 * (time.perf_counter() - t0):8.1f} ms")


if __name__ == "__main__":
    main()
