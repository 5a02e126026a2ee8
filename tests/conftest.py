"""Shared fixtures: a fresh warehouse on the embedded database and on PostgreSQL.

PostgreSQL tests run against $DASHBOARD_TEST_PG_URL (default: the local server, database `test`),
each in a schema of its own. Under CI=true an unreachable server fails the run; elsewhere it skips.
"""

from __future__ import annotations

import os

# Set before Streamlit reads its configuration: a broken page fails its test (at.exception) instead of
# showing the visitors' message, and says what broke (.streamlit/config.toml hides details from visitors).
os.environ.setdefault("DASHBOARD_PAGE_ERRORS", "raise")

import pytest  # noqa: E402
from streamlit import config as st_config  # noqa: E402

st_config.get_option("client.showErrorDetails")  # parse .streamlit/config.toml first, then override it
st_config.set_option("client.showErrorDetails", "full")
from geopack import install_geo_pack  # noqa: E402
from helpers import demo_warehouse  # noqa: E402
from pg import drop_pg_schema, pg_engine_in_fresh_schema  # noqa: E402

from dashboard.warehouse import units  # noqa: E402
from dashboard.warehouse.engine import create_schema, make_engine  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def no_users_file(tmp_path_factory):
    """Tests run the dashboard open (no users file) unless they set one: a data/users.toml on the
    developer's machine must not change what they see."""
    import os

    if "DASHBOARD_USERS_FILE" not in os.environ:
        os.environ["DASHBOARD_USERS_FILE"] = str(tmp_path_factory.mktemp("nousers") / "absent.toml")
    yield


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


@pytest.fixture
def duck_engine(tmp_path):
    """The embedded warehouse only, with the schema and the unit list: for what does not depend on the engine
    (how a file is read); what is written is tested on both."""
    e = make_engine(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn)
    yield e
    e.dispose()


@pytest.fixture
def qn_engine(backend_url):
    """A warehouse with Quảng Nam's own unit list (2020 … 06/2025), for facts of that province's lists."""
    from dashboard.config import ROOT

    e = make_engine(backend_url)
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn, ROOT / "data" / "units" / "quang_nam_units.csv")
    yield e
    e.dispose()


@pytest.fixture(scope="session")
def geo_pack(tmp_path_factory):
    """A geo/ folder with the boundary pack from $DASHBOARD_GEO_SOURCE or ../shared/geo
    (skipped without it, failed under CI)."""
    import os

    d = install_geo_pack(tmp_path_factory.mktemp("geo"))
    if d is None:
        msg = "no boundary pack (set DASHBOARD_GEO_SOURCE or put shared/geo beside the clone)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {msg}")
        pytest.skip(msg)
    return d


@pytest.fixture
def geo_dir(geo_pack, monkeypatch):
    monkeypatch.setenv("DASHBOARD_GEO_DIR", str(geo_pack))
    return geo_pack


@pytest.fixture(scope="session", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_engine(request, tmp_path_factory):
    """A small demo warehouse (scale 0.01, seed 7) per backend, shared by read-only tests."""
    if request.param == "duckdb":
        e = demo_warehouse(f"duckdb:///{tmp_path_factory.mktemp('demo') / 'w.duckdb'}")
        yield e
        e.dispose()
    else:
        pg, name = pg_engine_in_fresh_schema()
        e = demo_warehouse(pg.url.render_as_string(hide_password=False))
        yield e
        e.dispose()
        pg.dispose()
        drop_pg_schema(name)


@pytest.fixture(scope="module")
def duck():
    """An in-memory DuckDB warehouse with the schema and the unit list, shared by a module's property tests
    (each example replaces its dossiers with helpers.put)."""
    from dashboard.warehouse import units
    from dashboard.warehouse.engine import create_schema, make_engine

    e = make_engine("duckdb:///:memory:")
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn)
    yield e
    e.dispose()
