"""What a department head's scope costs: the page queries with and without the scope root bound.

    python benchmarks/bench_scope.py [--scale 1.0] [--runs 5] [--data-dir DIR]

Builds the demo at the given scale in a scratch folder (unless --data-dir names a folder holding
warehouse.duckdb), then prints medians for each query unscoped (a leader), scoped to Huyện Quế Sơn
(509, a district with a merged predecessor) and to a commune (20335): the KPI table of every unit,
the overdue summary and one page of the open-overdue list of the unit's territory, 24 months of
monthly counts, and the period report. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_map import bench_args, demo_data  # noqa: E402
from bench_warehouse import median_time  # noqa: E402


def main() -> None:
    args = bench_args(1.0, doc=__doc__)

    from dashboard.metrics import periods
    from dashboard.reports import period as period_report
    from dashboard.warehouse import overdue, queries, scope, trends
    from dashboard.warehouse.engine import make_engine

    with demo_data(args.data_dir, args.scale, "bench-scope-") as d:
        e = make_engine(f"duckdb:///{d / 'warehouse.duckdb'}", read_only=True)
        with e.connect() as conn:
            print(f"warehouse: {queries.dossier_count(conn):,} dossiers")
            p = periods.parse("2025-Q2", 15)
            as_of = queries.as_of(conn)
            first, last = queries.rollups.data_range(conn)
            months = periods.months_between(first, periods.latest_complete(last, "month", 15).end, 15)[-24:]
            for root, unit in ((None, "49"), ("509", "509"), ("20335", "20335")):
                who = "leader (unscoped), province" if root is None else f"scoped to {root}"
                n = len(scope.codes(conn, root, p.start, p.end)) if root else None
                s = overdue.Scope(p, tuple(queries.scope_codes(conn, p, unit, True, root)), as_of, root=root)
                rows = {
                    "scope CTE alone": (lambda: scope.codes(conn, root, p.start, p.end)) if root else None,
                    "kpi_table, every unit, territory": lambda: queries.kpi_table(
                        conn, p, level="all", territory=True, root=root
                    ),
                    "overdue summary of the unit": lambda: overdue.summary_and_options(conn, s),
                    "open-overdue list, first 50": lambda: overdue.page(conn, "open_overdue", s, limit=50),
                    "monthly counts, 24 months": lambda: trends.monthly_counts(conn, months, root),
                    "period report": lambda: period_report.build(conn, p, root=root),
                }
                print(f"\n{who}" + (f" ({n} units in the subtree)" if n else ""))
                for label, fn in rows.items():
                    if fn is not None:
                        print(f"  {label}: {median_time(fn, args.runs) * 1000:.0f} ms")
        e.dispose()


if __name__ == "__main__":
    main()
