"""Engine creation and the few dialect-specific paths (bulk loading) behind one interface."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dashboard import config
from dashboard.warehouse import schema

_counter = itertools.count()


def make_engine(url: str | None = None, *, read_only: bool = False) -> sa.Engine:
    """An engine for `url` (default: $DASHBOARD_DB_URL or the embedded DuckDB file under data/).

    read_only opens an embedded DuckDB file without the writer's lock, so reports and any number of
    dashboard processes can read it together (DuckDB allows one writer or many readers).
    """
    url = url or config.db_url()
    u = sa.make_url(url)
    if u.get_backend_name() == "duckdb" and read_only and u.database not in (None, "", ":memory:"):
        return sa.create_engine(url, connect_args={"read_only": True})
    if u.get_backend_name() in ("duckdb", "sqlite") and u.database not in (None, "", ":memory:"):
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(url)


def create_schema(engine: sa.Engine) -> None:
    """The newest schema, through the migrations (a warehouse built by older code is upgraded in place)."""
    from dashboard.warehouse import migrate

    migrate.upgrade(engine)


def drop_schema(engine: sa.Engine) -> None:
    """Every table, id sequence and the migrations' version table."""
    schema.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        if conn.dialect.supports_sequences:
            for seq in schema.ID_SEQUENCES.values():
                conn.execute(sa.schema.DropSequence(seq, if_exists=True))


def has_schema(engine: sa.Engine) -> bool:
    return sa.inspect(engine).has_table("dossier")


def bulk_insert(conn: sa.Connection, table: sa.Table, df: pd.DataFrame) -> int:
    """Insert a DataFrame whose columns are a subset of `table`'s, fast on each backend.

    DuckDB reads the frame directly, PostgreSQL takes COPY, anything else gets executemany.
    """
    if df.empty:
        return 0
    cols = list(df.columns)
    backend = conn.dialect.name
    if backend == "duckdb":
        name = f"_stage_{next(_counter)}"
        raw: Any = conn.connection.dbapi_connection  # duckdb's own connection (register/unregister)
        raw.register(name, df)
        try:
            quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in cols)
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({quoted}) SELECT {quoted} FROM {name}")
        finally:
            raw.unregister(name)
    elif backend == "postgresql":
        raw = conn.connection.dbapi_connection  # psycopg's (cursor().copy)
        quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in cols)
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
                for row in df.itertuples(index=False, name=None):
                    copy.write_row([None if _isna(v) else v for v in row])
    else:
        records = [{k: (None if _isna(v) else v) for k, v in r.items()} for r in df.to_dict("records")]
        conn.execute(table.insert(), records)
    return len(df)


def _isna(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def frame(rows, columns) -> pd.DataFrame:
    """A DataFrame of result rows. Rows go in as plain tuples: pandas probes every SQLAlchemy Row for
    named fields, several times slower on the few thousand rows of a summary."""
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def get_meta(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def set_meta(conn: sa.Connection, key: str, value: str) -> None:
    conn.execute(schema.meta.delete().where(schema.meta.c.key == key))
    conn.execute(schema.meta.insert().values(key=key, value=value))


def bump_data_version(conn: sa.Connection) -> int:
    version = int(get_meta(conn, "data_version") or 0) + 1
    set_meta(conn, "data_version", str(version))
    return version


def next_id(conn: sa.Connection, table: sa.Table) -> int:
    """A new id for a row of `table`: from its sequence, so two writers never take the same one."""
    return reserve_ids(conn, table, 1)[0]


def reserve_ids(conn: sa.Connection, table: sa.Table, n: int) -> list[int]:
    """`n` new ids for rows of `table` (its sequence's next values; max + 1 … on a database without
    sequences, which takes one writer at a time)."""
    seq = schema.ID_SEQUENCES.get(table.name)
    if n <= 0:
        return []
    if seq is None or not conn.dialect.supports_sequences:
        start = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()) + 1
        return list(range(start, start + n))
    series = sa.func.generate_series(1, n).table_valued("i")
    return [int(r[0]) for r in conn.execute(sa.select(seq.next_value()).select_from(series))]


def crash_point(name: str) -> None:
    """$DASHBOARD_CRASH_AT=name kills this process here with SIGKILL, as `kill -9` would: the tests use it
    to crash an import or a rebuild at a known step instead of at a moment picked by a timer."""
    import os
    import signal

    if os.environ.get("DASHBOARD_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
