"""Schema evolution: `upgrade` brings any warehouse to the newest revision (migrations/versions), in one
transaction. An empty database gets the whole schema; a warehouse built before migrations existed is
adopted by the baseline revision as it is. `init` and every writer call it; readers only ask `is_current`."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

try:  # Alembic's DuckDB support: the dialect registers it only when alembic was imported before its first
    import duckdb_sqlalchemy.alembic_impl  # noqa: F401  connection, which a CLI command may already have made
except ImportError:  # another DuckDB dialect package, or none
    pass

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(conn: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


@functools.cache  # the revisions are files of this package: read them once (data.state asks every 30 s)
def head() -> str:
    """The newest revision."""
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None, "no migration revisions"
    return rev


def revisions() -> set[str]:
    """Every revision this version knows (a warehouse at another one was made by a newer version)."""
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def current(conn: sa.Connection) -> str | None:
    """The revision a warehouse is at (None: built before migrations, or empty)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> str | None:
    """Bring the warehouse to `revision` (default the newest) in one transaction; returns it."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
        return current(conn)


def is_current(conn: sa.Connection) -> bool:
    return current(conn) == head()
