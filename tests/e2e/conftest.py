"""Real-browser fixtures: the dashboard as `make start` serves it (dashboard.web.SERVE, app.py behind
its middleware) on a small demo warehouse, and Debian's Chromium.

Outside CI the tests skip when /usr/bin/chromium is missing; under CI=true they fail instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import CHROMIUM, HEAD, LAUNCH_ARGS, ROOT, _free_port, need_browser
from geopack import install_geo_pack
from helpers import DEMO_UNTIL_ARG

from dashboard.web import SERVE


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("e2e-data")
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(d))
    env.pop("DASHBOARD_DB_URL", None)
    subprocess.run(
        [sys.executable, "-m", "dashboard", "demo", "--scale", "0.02", "--quiet", *DEMO_UNTIL_ARG],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    return d


@pytest.fixture(scope="session")
def geo_for_e2e(tmp_path_factory):
    return install_geo_pack(tmp_path_factory.mktemp("e2e-geo"))


def _serve(demo_dir: Path, geo: Path | None, log_name: str, **extra_env):
    """The served dashboard on the demo warehouse; yields its URL and stops it afterwards."""
    need_browser()
    port = _free_port()
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(demo_dir), **extra_env)
    env.pop("DASHBOARD_DB_URL", None)
    if geo is not None:
        env["DASHBOARD_GEO_DIR"] = str(geo)
    log = open(demo_dir / log_name, "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(SERVE),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:  # poll the health endpoint (bounded), not a fixed sleep
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("streamlit did not start: " + (demo_dir / log_name).read_text()[-2000:])
        time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def app_url(demo_dir, geo_for_e2e):
    """The dashboard on the demo warehouse, open (no users file), with the boundary pack when available."""
    yield from _serve(demo_dir, geo_for_e2e, "streamlit.log")


@pytest.fixture
def fresh_app_url(demo_dir):
    """A dashboard server of its own, just started: no session has run on it yet."""
    yield from _serve(demo_dir, None, "streamlit-fresh.log")


@pytest.fixture
def own_demo(demo_dir, tmp_path):
    """A copy of the e2e demo warehouse that a test may change."""
    import shutil

    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(demo_dir / "warehouse.duckdb", d / "warehouse.duckdb")
    return d


@pytest.fixture
def own_app_url(own_demo):
    """A dashboard server of its own on `own_demo` (no boundary pack)."""
    yield from _serve(own_demo, None, "streamlit-own.log")


@pytest.fixture(scope="session")
def territory_app_url(tmp_path_factory, geo_for_e2e):
    """The dashboard on a small warehouse of today's territory (tests/territory.py), with the boundary pack."""
    import os

    from territory import build

    d = tmp_path_factory.mktemp("e2e-territory")
    before = os.environ.get("DASHBOARD_DB_URL")
    build(f"duckdb:///{d / 'warehouse.duckdb'}", d)
    if before is None:
        os.environ.pop("DASHBOARD_DB_URL", None)
    else:
        os.environ["DASHBOARD_DB_URL"] = before
    yield from _serve(d, geo_for_e2e, "streamlit-territory.log")


@pytest.fixture(scope="session")
def signed_app_url(demo_dir, geo_for_e2e, tmp_path_factory):
    """The same dashboard with a users file: a department head of Huyện Quế Sơn (509)."""
    from dashboard import auth

    users = tmp_path_factory.mktemp("e2e-users") / "users.toml"
    auth.save_user(
        users, auth.User(HEAD[0], "Nguyễn Thị Lan", "department_head", "509", password_hash=auth.hash_password(HEAD[1]))
    )
    yield from _serve(demo_dir, geo_for_e2e, "streamlit-signed.log", DASHBOARD_USERS_FILE=str(users))


@pytest.fixture(scope="session")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    pg = ctx.new_page()
    pg.errors = []  # console errors and uncaught exceptions
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()
