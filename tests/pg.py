"""PostgreSQL for tests: $DASHBOARD_TEST_PG_URL (default: the local server, database `test`).

Under CI=true an unreachable server fails the run; elsewhere the tests skip with the reason.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("DASHBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
_pg_error: list = []


def pg_unavailable() -> str | None:
    """None when PostgreSQL answers, else the reason."""
    if not _pg_error:
        try:
            with sa.create_engine(PG_URL).connect() as conn:
                conn.execute(sa.text("select 1"))
            _pg_error.append(None)
        except Exception as exc:  # any driver or network error means "not available"
            _pg_error.append(f"PostgreSQL at {PG_URL} unreachable: {exc.__class__.__name__}: {exc}".splitlines()[0])
    return _pg_error[0]


def require_pg() -> None:
    reason = pg_unavailable()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


def pg_engine_in_fresh_schema() -> tuple[sa.Engine, str]:
    require_pg()
    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))  # name is generated here, not user input
    admin.dispose()
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={name}"})
    return sa.create_engine(url), name


def drop_pg_schema(name: str) -> None:
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()
