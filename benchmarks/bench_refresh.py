"""Incremental refresh (issue 18 item 2): a daily file of --rows dossiers (updates of open stored dossiers that
finish on the last data day, and new dossiers received on it) into a demo warehouse of --scale, imported
twice from the same copy of the warehouse:

  incremental  the import as it runs now: only the units and days (periods) the change touches, in the
               import's transaction;
  reference    the same import with the incremental refresh off, then the full rebuild (what every changing
               import did before), measured in the same run.

Prints seconds for each (median of --runs) and checks that the two leave byte-identical derived tables.

    .venv/bin/python benchmarks/bench_refresh.py --scale 0.2 --rows 10000 --runs 3

Budget (issue 18): 10 000 rows into 10 M dossiers (scale 3.37) refreshed in ≤ 2 s.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dashboard.warehouse import importer, incremental, rollups, schema  # noqa: E402
from dashboard.warehouse.engine import make_engine  # noqa: E402

HEADER = [
    "MaHoSo",
    "MaTTHC",
    "MaDonVi",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "TrangThaiHoSo",
    "KenhThucHien",
]


def build(path: Path, scale: float) -> None:
    env = {"DASHBOARD_DB_URL": f"duckdb:///{path}", "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "dashboard", "demo", "--scale", str(scale), "--until", "2025-12", "--quiet"]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def daily_file(engine: sa.Engine, path: Path, n: int) -> None:
    d = schema.dossier
    with engine.connect() as conn:
        last = rollups.data_range(conn)[1]
        stored = conn.execute(
            sa.select(d.c.code, d.c.procedure_code, d.c.unit_code, d.c.received_date, d.c.due_date)
            .where(d.c.status.in_((2, 4)), d.c.received_date <= last)
            .order_by(d.c.received_date.desc(), d.c.code)
            .limit(n * 7 // 10)
        ).all()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for code, proc, unit, received, due in stored:
            due_s = f"{due:%Y%m%d}170000" if due else ""
            w.writerow([code, proc, unit, f"{received:%Y%m%d}080000", due_s, f"{last:%Y%m%d}160000", "10", "2"])
        for i in range(n - len(stored)):
            _, proc, unit, _, _ = stored[i % len(stored)]
            w.writerow([f"DAILY-{i:06d}", proc, unit, f"{last:%Y%m%d}090000", f"{last:%Y%m%d}170000", "", "2", "1"])


def derived(engine: sa.Engine) -> dict:
    with engine.connect() as conn:
        return {t.name: sorted(tuple(map(str, r)) for r in conn.execute(sa.select(t))) for t in schema.DERIVED}


def run(base: Path, work: Path, csv_path: Path, incremental_on: bool) -> tuple[float, float, dict]:
    """Seconds in all, seconds of the import command itself (with the refresh when incremental_on), the
    derived tables after."""
    shutil.copyfile(base, work)
    engine = make_engine(f"duckdb:///{work}")
    saved = incremental.MAX_CHANGED
    incremental.MAX_CHANGED = saved if incremental_on else 0
    try:
        t0 = time.perf_counter()
        (result,) = importer.import_files(engine, [csv_path])
        assert not result.refused, result.refused
        imported = time.perf_counter() - t0
        with engine.connect() as conn:
            stale = rollups.stale(conn)
        assert stale != incremental_on
        if stale:
            with engine.begin() as conn:
                rollups.rebuild(conn)
        seconds = time.perf_counter() - t0
        return seconds, imported, derived(engine)
    finally:
        incremental.MAX_CHANGED = saved
        engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base", help="an existing demo warehouse file to copy (e.g. bench_scale's), not built here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base, work = Path(tmp) / "base.duckdb", Path(tmp) / "work.duckdb"
        t0 = time.perf_counter()
        if args.base:
            shutil.copyfile(args.base, base)
        else:
            build(base, args.scale)
        engine = make_engine(f"duckdb:///{base}", read_only=True)
        with engine.connect() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(schema.dossier)).scalar_one()
        csv_path = Path(tmp) / "daily.csv"
        daily_file(engine, csv_path, args.rows)
        engine.dispose()
        print(
            f"demo {args.base or f'scale {args.scale}'}: {n:,} dossiers, built in {time.perf_counter() - t0:.0f} s; "
            f"daily file {args.rows:,} rows"
        )
        inc, ref, alone, same = [], [], [], True
        for _ in range(args.runs):  # interleaved
            s, _, a = run(base, work, csv_path, True)
            inc.append(s)
            s, i, b = run(base, work, csv_path, False)
            ref.append(s)
            alone.append(i)
            same = same and a == b
        print(f"{'':28}{'median s':>10}{'max s':>10}")
        print(f"{'import + incremental':28}{statistics.median(inc):10.2f}{max(inc):10.2f}")
        print(f"{'import alone (no refresh)':28}{statistics.median(alone):10.2f}{max(alone):10.2f}")
        print(f"{'import + full rebuild (ref)':28}{statistics.median(ref):10.2f}{max(ref):10.2f}")
        print(f"the refresh itself: {statistics.median(inc) - statistics.median(alone):.2f} s")
        print(
            f"ratio ref / incremental: {statistics.median(ref) / statistics.median(inc):.1f}×; "
            f"derived tables byte-identical: {same}"
        )


if __name__ == "__main__":
    main()
