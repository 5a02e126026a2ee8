"""The demo warehouse the page tests read (each backend), shared by the files of tests/app."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import DEMO_UNTIL_ARG
from pg import drop_pg_schema, pg_engine_in_fresh_schema

ROOT = Path(__file__).resolve().parents[2]


def _build(url: str) -> str:
    env = dict(os.environ, DASHBOARD_DB_URL=url)
    subprocess.run(
        [sys.executable, "-m", "dashboard", "demo", "--scale", "0.02", "--quiet", *DEMO_UNTIL_ARG],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    return url


@pytest.fixture(scope="session")
def duck_app_warehouse(tmp_path_factory):
    """A small demo warehouse on DuckDB, built once for every file of tests/app (they only read it)."""
    return _build(f"duckdb:///{tmp_path_factory.mktemp('apptest') / 'warehouse.duckdb'}")


@pytest.fixture(scope="session")
def pg_app_warehouse():
    """The same on PostgreSQL, in a schema of its own."""
    pg, pg_schema = pg_engine_in_fresh_schema()
    url = pg.url.render_as_string(hide_password=False)
    pg.dispose()
    yield _build(url)
    drop_pg_schema(pg_schema)


@contextmanager
def _reading(url: str):
    """$DASHBOARD_DB_URL set to `url` while the block runs (the app reads it)."""
    old = os.environ.get("DASHBOARD_DB_URL")
    os.environ["DASHBOARD_DB_URL"] = url
    try:
        yield url
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DB_URL", None)
        else:
            os.environ["DASHBOARD_DB_URL"] = old


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_env(request):
    """The shared demo warehouse of each engine, which the app reads through $DASHBOARD_DB_URL: for what the
    SQL of a page decides (figures, scope, the pages' own queries)."""
    with _reading(request.getfixturevalue(f"{'duck' if request.param == 'duckdb' else 'pg'}_app_warehouse")) as url:
        yield url


@pytest.fixture(scope="module")
def duck_env(duck_app_warehouse):
    """The DuckDB one only: for what does not depend on the engine (languages, links, the import page's
    widgets, sign-in); the SQL under them is tested on both engines in tests/warehouse, and every page is
    drawn on PostgreSQL in test_pages."""
    with _reading(duck_app_warehouse) as url:
        yield url


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Failed sign-ins are counted per server process: each test starts with none."""
    from dashboard.ui import auth as ui_auth

    ui_auth.THROTTLE.reset()
    yield
    ui_auth.THROTTLE.reset()
