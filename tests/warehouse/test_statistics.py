"""Planner statistics after a load: PostgreSQL plans the pages' queries from them, and a warehouse loaded in
bulk had none until autovacuum came round (never, on a server where it is off)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from helpers import put

from dashboard.metrics import kpi
from dashboard.warehouse import rollups, schema
from dashboard.warehouse.engine import analyze_changed


def _dossiers(n: int) -> list[kpi.Dossier]:
    day = date(2025, 1, 2)
    return [
        kpi.Dossier(
            day + timedelta(days=i % 90),
            10 if i % 3 else 4,
            due=day + timedelta(days=i % 90 + 5),
            end=day + timedelta(days=i % 90 + 3 + i % 7) if i % 3 else None,
        )
        for i in range(n)
    ]


def _tuples(conn: sa.Connection, table: str) -> float:
    return conn.execute(
        sa.text(
            "SELECT reltuples FROM pg_class WHERE relname = :t AND relkind = 'r'"
            " AND relnamespace = to_regnamespace(current_schema())"
        ),
        {"t": table},
    ).scalar_one()


def test_a_rebuild_leaves_statistics_and_a_small_change_leaves_them_be(engine):
    put(engine, _dossiers(600))
    with engine.begin() as conn:
        rollups.rebuild(conn)
    engine.dispose()  # a new connection, as the next import's (a connection's counts are reported as it ends)
    with engine.begin() as conn:
        again = analyze_changed(conn)
        if conn.dialect.name != "postgresql":
            assert again == []  # DuckDB keeps its statistics as it writes
            return
        # the tables the rebuild wrote were analyzed in its transaction
        assert again == []
        assert _tuples(conn, "dossier") == 600
        assert (
            _tuples(conn, "dossier_listable")
            == conn.execute(sa.select(sa.func.count()).select_from(schema.dossier_listable)).scalar_one()
        )
        assert _tuples(conn, "unit") > 0  # loaded in an earlier transaction, never analyzed before
    with engine.begin() as conn:  # 10 of 600 rows: within autovacuum's threshold (50 + 10 %)
        conn.execute(schema.dossier.delete().where(schema.dossier.c.code.in_([f"T-{i:06d}" for i in range(10)])))
        assert "dossier" not in analyze_changed(conn)
    engine.dispose()
    with engine.begin() as conn:  # 200 more of what remains: past it, counting this transaction's own writes
        conn.execute(schema.dossier.delete().where(schema.dossier.c.code.in_([f"T-{i:06d}" for i in range(10, 210)])))
        assert "dossier" in analyze_changed(conn)
        assert _tuples(conn, "dossier") == 390
