"""A visitor's pages while an import runs (issue 17): the dashboard as `make start` serves it on a demo warehouse,
pages opened over Streamlit's own protocol (bench_load's sessions) idle, then again and again while
`python -m dashboard import` loads a large file into the same embedded warehouse (the snapshot swap,
warehouse/live.py), then once more after the swap. Prints each page's median and p95 idle and during the
import, their ratio (budget ≤ 2×), the errors seen (budget 0) and the import's own time.

    python benchmarks/bench_live.py [--scale 0.1] [--rows 1000000] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]
from bench_import import make_csv  # noqa: E402
from bench_load import Session, pct, served  # noqa: E402
from bench_map import app_env, demo_data  # noqa: E402

from dashboard.web import SERVE  # noqa: E402

PAGES = (("map", ""), ("overview", "overview"), ("overdue", "overdue"))


async def one_round(ws_url: str, period: str, times: dict[str, list[float]], errors: list[str]) -> None:
    """A new visitor opens the map, the overview and the overdue page of the city for `period`."""
    try:
        async with Session(ws_url) as s:
            for label, page in PAGES:
                times[label].append(await s.run(page, {"period": period}))
            errors.extend(s.errors)
    except Exception as e:  # a refused or dropped connection, a timeout: counted, not raised
        errors.append(f"{type(e).__name__}: {e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=8, help="idle rounds (and at least this many during)")
    ap.add_argument("--data-dir")
    args = ap.parse_args()
    # every round a period no round asked before, so each page is computed, not served from a cache
    months = [f"{y}-{m:02d}" for y in range(2026, 2021, -1) for m in range(12, 0, -1) if f"{y}-{m:02d}" < "2026-11"]
    periods = [f"{y}-Q{q}" for y in range(2026, 2021, -1) for q in range(4, 0, -1) if f"{y}-Q{q}" < "2026-Q4"] + months
    with demo_data(args.data_dir, args.scale, "bench_live_") as demo:
        work = Path(tempfile.mkdtemp(prefix="bench_live_work_"))
        shutil.copyfile(demo / "warehouse.duckdb", work / "warehouse.duckdb")  # the import writes this copy
        export = work / "export.csv"
        make_csv(export, args.rows)
        env = app_env(work)
        env.setdefault("DASHBOARD_GEO_DIR", str(ROOT / "geo"))
        idle: dict[str, list[float]] = {k: [] for k, _ in PAGES}
        during: dict[str, list[float]] = {k: [] for k, _ in PAGES}
        after: dict[str, list[float]] = {k: [] for k, _ in PAGES}
        errors: list[str] = []
        with served(SERVE, env, ROOT, "") as (p, rss):
            ws_url = f"ws://127.0.0.1:{p}/_stcore/stream"
            asyncio.run(one_round(ws_url, periods[0], {k: [] for k, _ in PAGES}, errors))  # warm the server
            for r in range(args.rounds):
                asyncio.run(one_round(ws_url, periods[r], idle, errors))
            t0 = time.perf_counter()
            imp = subprocess.Popen(
                [sys.executable, "-m", "dashboard", "import", str(export)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            r = args.rounds
            while imp.poll() is None:
                asyncio.run(one_round(ws_url, periods[r % len(periods)], during, errors))
                r += 1
            took = time.perf_counter() - t0
            import_err = imp.stderr.read() if imp.stderr else ""
            for r in range(args.rounds):
                asyncio.run(one_round(ws_url, periods[r % len(periods)], after, errors))
            peak = rss.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"import of {args.rows:,} rows into the served warehouse: {took:.1f} s, exit {imp.returncode}")
    if imp.returncode:
        print("  ", import_err.strip().splitlines()[-1:] or "")
    print(f"{'page':<10}{'idle p50':>10}{'p95':>8}{'during p50':>12}{'p95':>8}{'ratio':>8}{'after p50':>11}  rounds")
    worst = 0.0
    for k, _ in PAGES:
        i50, d50 = statistics.median(idle[k]), statistics.median(during[k]) if during[k] else float("nan")
        ratio = d50 / i50 if during[k] else float("nan")
        worst = max(worst, ratio) if during[k] else worst
        print(
            f"{k:<10}{i50:>9.2f}s{pct(idle[k], 0.95):>7.2f}s{d50:>11.2f}s{pct(during[k], 0.95):>7.2f}s"
            f"{ratio:>7.2f}×{statistics.median(after[k]):>10.2f}s  {len(idle[k])}/{len(during[k])}/{len(after[k])}"
        )
    print(f"worst ratio during / idle (median): {worst:.2f}× (budget 2×); errors: {len(errors)} (budget 0)")
    for e in errors[:10]:
        print("  ", e)
    print(f"server peak RSS {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
