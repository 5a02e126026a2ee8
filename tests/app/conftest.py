"""The demo warehouse the page tests read (each backend), shared by the files of tests/app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DEMO_UNTIL_ARG
from pg import drop_pg_schema, pg_engine_in_fresh_schema

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app_warehouse(request, tmp_path_factory):
    """A small demo warehouse on each backend, built once for every file of tests/app (they only read it)."""
    d = tmp_path_factory.mktemp("apptest")
    pg_schema = None
    if request.param == "duckdb":
        url = f"duckdb:///{d / 'warehouse.duckdb'}"
    else:
        pg, pg_schema = pg_engine_in_fresh_schema()
        url = pg.url.render_as_string(hide_password=False)
        pg.dispose()
    env = dict(os.environ, DASHBOARD_DB_URL=url)
    subprocess.run(
        [sys.executable, "-m", "dashboard", "demo", "--scale", "0.02", "--quiet", *DEMO_UNTIL_ARG],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    yield url
    if pg_schema:
        drop_pg_schema(pg_schema)


@pytest.fixture(scope="module")
def demo_env(app_warehouse):
    """The shared demo warehouse, which the app reads through $DASHBOARD_DB_URL during the module."""
    old = os.environ.get("DASHBOARD_DB_URL")
    os.environ["DASHBOARD_DB_URL"] = app_warehouse
    yield app_warehouse
    if old is None:
        os.environ.pop("DASHBOARD_DB_URL", None)
    else:
        os.environ["DASHBOARD_DB_URL"] = old


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Failed sign-ins are counted per server process: each test starts with none."""
    from dashboard.ui import auth as ui_auth

    ui_auth.THROTTLE.reset()
    yield
    ui_auth.THROTTLE.reset()
