"""The server's warm-up (dashboard.web.warm): what it imports, what it opens, and that it never stops a start."""

from __future__ import annotations

import sys

import pytest
from streamlit.runtime.pages_manager import PagesManager

from dashboard.config import ROOT
from dashboard.warehouse import units
from dashboard.warehouse.engine import create_schema, make_engine
from dashboard.web import warm


@pytest.fixture
def legacy_pages():
    """Streamlit's flag as a fresh server has it (pages/ taken for a legacy page folder), restored after."""
    before = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = True
    yield
    PagesManager.uses_pages_directory = before


def test_page_imports_names_what_app_and_every_page_import():
    names = warm.page_imports(ROOT)
    assert "dashboard.ui.auth" in names  # app.py
    assert "dashboard.reports.excel" in names  # pages/overdue.py
    assert "dashboard.reports.pdf" in names  # pages/report.py
    assert len(names) == len(set(names))
    # `from a import b` where b is a name, not a module, still imports a
    assert warm._import("dashboard.warehouse.overdue.LISTS") == "dashboard.warehouse.overdue"
    assert warm._import("no_such_package_here.x") is None


def test_warm_up_imports_the_pages_modules_and_opens_the_warehouse(tmp_path, legacy_pages):
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    e = make_engine(url)
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn)
    e.dispose()
    sys.modules.pop("dashboard.reports.pdf", None)

    done = warm.warm_up(ROOT, url)

    assert done["warehouse"] is True
    assert "dashboard.reports.pdf" in sys.modules
    assert done["modules"] >= 20
    assert PagesManager.uses_pages_directory is False


def test_warm_up_with_no_warehouse_still_returns(tmp_path, legacy_pages):
    done = warm.warm_up(ROOT, f"duckdb:///{tmp_path / 'missing' / 'w.duckdb'}")
    assert done["warehouse"] is False
    assert PagesManager.uses_pages_directory is False


def test_warm_up_warns_about_a_users_file_every_account_can_read(tmp_path, legacy_pages, monkeypatch, caplog):
    from dashboard import auth

    path = tmp_path / "users.toml"
    auth.save_user(path, auth.User("boss", "Boss", "leader", password_hash=auth.hash_password("x")))
    path.chmod(0o644)
    monkeypatch.setenv("DASHBOARD_USERS_FILE", str(path))
    with caplog.at_level("WARNING", logger="dashboard.warm"):
        done = warm.warm_up(ROOT, f"duckdb:///{tmp_path / 'missing.duckdb'}")
    assert done["rollups"] == "skipped" and not (tmp_path / "missing.duckdb").exists()
    assert any("chmod 600" in r.getMessage() for r in caplog.records)
