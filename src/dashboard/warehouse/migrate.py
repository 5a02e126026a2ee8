"""Schema evolution: `upgrade` brings any warehouse to the newest revision (migrations/versions), in one
transaction. An empty database gets the whole schema; a warehouse built before migrations existed is
adopted by the baseline revision as it is. `init` and every writer call it; readers only ask `is_current`.

A warehouse already at HEAD is told by one query, without Alembic: importing Alembic and compiling the
revision files cost every import and every page's freshness check half a second.
tests/warehouse/test_migrate.py holds HEAD equal to the revisions' head."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa

MIGRATIONS = Path(__file__).with_name("migrations")
#: the newest revision in migrations/versions (a new revision moves it)
HEAD = "0010"


def _config(conn: sa.Connection | None = None):
    from alembic.config import Config

    try:  # Alembic's DuckDB support: the dialect registers it only when alembic was imported before its first
        import duckdb_sqlalchemy.alembic_impl  # noqa: F401  connection, which a CLI command may already have made
    except ImportError:  # another DuckDB dialect package, or none
        pass
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def head() -> str:
    """The newest revision."""
    return HEAD


@functools.cache
def script_head() -> str:
    """The newest revision as Alembic reads it from the revision files (the tests compare it with HEAD)."""
    from alembic.script import ScriptDirectory

    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None, "no migration revisions"
    return rev


def revisions() -> set[str]:
    """Every revision this version knows (a warehouse at another one was made by a newer version)."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def current(conn: sa.Connection) -> str | None:
    """The revision a warehouse is at (None: built before migrations, or empty)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: sa.Engine, revision: str = "head") -> str | None:
    """Bring the warehouse to `revision` (default the newest) in one transaction; returns it."""
    with engine.begin() as conn:
        if revision == "head" and current(conn) == HEAD:
            return HEAD
        from alembic import command

        command.upgrade(_config(conn), revision)
        return current(conn)


def is_current(conn: sa.Connection) -> bool:
    return current(conn) == HEAD
