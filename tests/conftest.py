"""Shared fixtures: a fresh warehouse on the embedded database and on PostgreSQL.

PostgreSQL tests run against $DASHBOARD_TEST_PG_URL (default: the local server, database `test`),
each in a schema of its own. Under CI=true an unreachable server fails the run; elsewhere it skips.
"""
from __future__ import annotations

import pytest

from dashboard.warehouse import units
from dashboard.warehouse.engine import create_schema, make_engine
from pg import drop_pg_schema, pg_engine_in_fresh_schema


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_url(request, tmp_path):
    """A SQLAlchemy URL of an empty database on each backend."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    else:
        engine, name = pg_engine_in_fresh_schema()
        yield engine.url.render_as_string(hide_password=False)
        engine.dispose()
        drop_pg_schema(name)


@pytest.fixture
def engine(backend_url):
    """A warehouse with the schema and the official unit list, no dossiers."""
    e = make_engine(backend_url)
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn)
    yield e
    e.dispose()
