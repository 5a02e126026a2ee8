"""National scale in simulation (issue 18, item 5): several provinces in one warehouse, as docs/scale.md plans
for all 34 (≈ 100 M dossiers over five years).

    python benchmarks/bench_national.py [--provinces 5] [--scale 1.0] [--runs 5] [--data-dir DIR] [--db-url URL]

Builds a unit list of --provinces synthetic provinces — copies of today's Đà Nẵng territory list (its 534
versions: both old provinces until 30/06/2025, then the city and its 94 communes) whose codes carry a prefix
"S<n>-" — then the demo over all of them at --scale per province (1.0 ≈ 6,24 M dossiers each; five give
≈ 30 M) in bounded memory (the build's peak RSS is printed), then measures what one province's leader waits
for — every page's data work, uncached, as bench_scale does — on province S1, and a daily file of 10 000 rows
for it imported into the served warehouse. Beside it the same on a warehouse of that one province alone, so
the cost the other provinces add is read off directly, and extrapolated to 100 M dossiers with the growth
measured. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]
from bench_import import HEADER  # noqa: E402
from bench_scale import measure_all, pct  # noqa: E402

TERRITORY = ROOT / "data" / "units" / "da_nang_territory_units.csv"
CODED = ("code", "parent_code", "successor_code", "area_code")


def synthetic_units(path: Path, provinces: int) -> list[str]:
    """Write `provinces` prefixed copies of today's territory list; returns the prefixes' city codes."""
    rows = list(csv.DictReader(TERRITORY.open(encoding="utf-8")))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for k in range(1, provinces + 1):
            for r in rows:
                out = dict(r)
                for c in CODED:
                    if out[c]:
                        out[c] = f"S{k}-{out[c]}"
                out["name"] = f"{r['name']} (S{k})" if r["kind"] == "province" else r["name"]
                w.writerow(out)
    return [f"S{k}-48" for k in range(1, provinces + 1)]


def build(url: str, units: Path, scale: float) -> tuple[float, int]:
    """The demo on the unit list: seconds and its peak RSS (KiB)."""
    env = dict(os.environ, DASHBOARD_DB_URL=url)
    t0 = time.perf_counter()
    code = (
        "import resource, sys; from dashboard import cli; "
        f"rc = cli.main(['demo', '--scale', {str(scale)!r}, '--quiet', '--units', {str(units)!r}]); "
        "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    rss = int([ln for ln in out.splitlines() if ln.startswith("RSS ")][-1].split()[1])
    return time.perf_counter() - t0, rss


def daily_file(path: Path, city: str, unit: str, day, n: int = 10_000) -> None:
    """A day's export of one commune of the province: new dossiers received on the last data day."""
    due = day + __import__("datetime").timedelta(days=5)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            w.writerow([f"{city}-D{i:06d}", "2.000815", "Chứng thực bản sao", "CT", "Chứng thực", unit,
                        f"{day:%Y%m%d}083000", f"{due:%Y%m%d}170000", "", "4", "2", "0", "0", "1", "", ""])  # fmt: skip


def timed_import(url: str, path: Path) -> float:
    env = dict(os.environ, DASHBOARD_DB_URL=url)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dashboard", "import", str(path)], env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--provinces", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-dir", default=str(ROOT / "benchmarks" / "results" / "national"))
    args = ap.parse_args()
    d = Path(args.data_dir)
    d.mkdir(parents=True, exist_ok=True)
    from dashboard.warehouse import queries
    from dashboard.warehouse.engine import make_engine

    results, sizes, builds, where = {}, {}, {}, {}
    for label, n in (("one province", 1), (f"{args.provinces} provinces", args.provinces)):
        units = d / f"units-{n}.csv"
        cities = synthetic_units(units, n)
        url = f"duckdb:///{d / f'warehouse-{n}.duckdb'}"
        if not (d / f"warehouse-{n}.duckdb").exists():
            builds[label] = build(url, units, args.scale)
        e = make_engine(url, read_only=True)
        with e.connect() as conn:
            sizes[label] = queries.dossier_count(conn)
            last = queries.as_of(conn)
            commune = next(
                c for c in queries.units_in_period(conn, last, last)["code"] if c.startswith(f"{cities[0][:-2]}2")
            )
        e.dispose()
        where[label] = (n, url, commune, last)
    # the province alone, among the others unscoped, and scoped to S1 (its own leader: every query a SQL
    # parameter, not the national view), all in the same interleaved rounds: measured one after another, the
    # last measured ran up to 1,8× slower than in the same rounds (the process's drift, bench_scale.measure_all)
    (_, url1, _, _), (_, url5, _, _) = where["one province"], where[f"{args.provinces} provinces"]
    measured = measure_all([(url1, None), (url5, None), (url5, cities[0])], args.runs, city=cities[0])
    results["one province"], results[f"{args.provinces} provinces"] = measured[url1], measured[url5]
    results["scoped"] = measured[f"{url5}#{cities[0]}"]
    for label, (n, _url, commune, last) in where.items():
        tmp = Path(tempfile.mkdtemp(prefix="bench_national_"))
        daily_file(tmp / "daily.csv", cities[0], commune, last)
        copy = tmp / "w.duckdb"
        subprocess.run(["cp", str(d / f"warehouse-{n}.duckdb"), str(copy)], check=True)
        results[label]["daily import of 10 000 rows"] = [timed_import(f"duckdb:///{copy}", tmp / "daily.csv")]
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
    one, many = results["one province"], results[f"{args.provinces} provinces"]
    for label, (secs, rss) in builds.items():
        print(f"build, {label}: {sizes[label]:,} dossiers in {secs:.0f} s, peak RSS {rss / 1024:.0f} MiB")
    a, b = sizes["one province"], sizes[f"{args.provinces} provinces"]
    print(f"\nprovince S1's pages (ms, median / p95): alone ({a / 1e6:.1f} M); among {args.provinces} ({b / 1e6:.1f} M)"
          " seen unscoped (a national viewer), then by S1's own leader (scope S1); 100 M extrapolated from the"
          " unscoped growth (a power law in the size, flat at least)")  # fmt: skip
    import math

    scoped = results.get("scoped", {})
    for k in one:
        m1, m2 = statistics.median(one[k]), statistics.median(many[k])
        exponent = max(0.0, math.log(m2 / m1) / math.log(b / a)) if m1 > 0 and m2 > 0 else 0.0  # flat at least
        at100 = m2 * (100e6 / b) ** exponent
        own = " " * 15
        if k in scoped:
            own = f"{statistics.median(scoped[k]) * 1e3:>8.0f} /{pct(scoped[k], 0.95) * 1e3:>6.0f}"
        print(f"  {k:<30}{m1 * 1e3:>8.0f} /{pct(one[k], 0.95) * 1e3:>6.0f}   {m2 * 1e3:>8.0f} /"
              f"{pct(many[k], 0.95) * 1e3:>6.0f}   {own}   growth {m2 / m1:4.2f}×"
              f"   at 100 M ≈ {at100 * 1e3:6.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
