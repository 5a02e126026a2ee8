"""Engine creation and the few dialect-specific paths (bulk loading) behind one interface."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

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
        # nothing can change a file opened read-only, so a transaction per statement reads what one around
        # several would; without BEGIN and ROLLBACK around each connection's use (DuckDB's cost ≈ 1 ms a pair,
        # a dozen per page)
        return sa.create_engine(
            url, connect_args={"read_only": True}, isolation_level="AUTOCOMMIT", pool_reset_on_return=None
        )
    if u.get_backend_name() in ("duckdb", "sqlite") and u.database not in (None, "", ":memory:"):
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    if u.get_backend_name() == "duckdb" and u.database not in (None, "", ":memory:"):
        # a writer (demo, import, rebuild) bounds DuckDB's memory: its default is 80 % of the machine's, and
        # the rebuild of 10 M dossiers took 2 GB of it; past the limit it spills to <warehouse>.tmp
        return sa.create_engine(url, connect_args={"config": {"memory_limit": config.duckdb_memory()}})
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


#: rows a COPY batch carries to PostgreSQL (a bounded buffer whatever the size of the import)
COPY_BATCH = 50_000


def bulk_insert(conn: sa.Connection, table: sa.Table, rows: pd.DataFrame | pa.Table) -> int:
    """Insert rows (a DataFrame or an Arrow table) whose columns are a subset of `table`'s, fast on each
    backend: DuckDB reads the frame directly, PostgreSQL takes COPY, anything else gets executemany."""
    n = rows.num_rows if isinstance(rows, pa.Table) else len(rows)
    if n == 0:
        return 0
    cols = list(rows.column_names if isinstance(rows, pa.Table) else rows.columns)
    backend = conn.dialect.name
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in cols)
    if backend == "duckdb":
        name = f"_stage_{next(_counter)}"
        raw: Any = conn.connection.dbapi_connection  # duckdb's own connection (register/unregister)
        raw.register(name, rows)
        try:
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({quoted}) SELECT {quoted} FROM {name}")
        finally:
            raw.unregister(name)
    elif backend == "postgresql":
        copy_rows(conn, table.name, cols, rows)
    else:
        frame = rows.to_pandas() if isinstance(rows, pa.Table) else rows
        records = [{k: (None if _isna(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]
        conn.execute(table.insert(), records)
    return n


def copy_rows(conn: sa.Connection, table_name: str, cols: list[str], rows: pd.DataFrame | pa.Table) -> None:
    """COPY rows into a PostgreSQL table in batches of CSV written by Arrow (C++). psycopg's binary COPY takes
    its rows one Python call at a time (a million rows × 30 columns is minutes); Arrow writes CSV at memory
    speed, and CSV keeps NULL (an empty field) apart from the empty string (a quoted one)."""
    if isinstance(rows, pd.DataFrame):
        rows = pa.Table.from_pandas(rows, preserve_index=False)
    rows = rows.select(cols)
    raw: Any = conn.connection.dbapi_connection  # psycopg's (cursor().copy)
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in cols)
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with raw.cursor() as cur:
        with cur.copy(f"COPY {table_name} ({quoted}) FROM STDIN (FORMAT csv)") as copy:
            for start in range(0, rows.num_rows, COPY_BATCH):
                sink = pa.BufferOutputStream()
                pa_csv.write_csv(rows.slice(start, COPY_BATCH), sink, write_options=options)
                copy.write(sink.getvalue().to_pybytes())


@contextmanager
def bulk_source(conn: sa.Connection, rows: pa.Table, like: sa.Table | None = None) -> Iterator[sa.TableClause]:
    """Rows made selectable inside the warehouse for the block (to join, compare, insert from): on DuckDB the
    Arrow table itself, registered (no copy); elsewhere a temporary table they are copied into, with the
    column types of `like` where it has the column."""
    name = f"_source_{next(_counter)}"
    if conn.dialect.name == "duckdb":
        raw: Any = conn.connection.dbapi_connection
        raw.register(name, rows)
        try:
            yield sa.table(name, *[sa.column(c) for c in rows.column_names])
        finally:
            raw.unregister(name)
        return
    types = {c.name: c.type for c in like.columns} if like is not None else {}
    temp = sa.Table(
        name,
        sa.MetaData(),
        *[sa.Column(c, types.get(c) or _sa_type(rows.schema.field(c).type)) for c in rows.column_names],
        prefixes=["TEMPORARY"],
    )
    temp.create(conn)
    bulk_insert(conn, temp, rows)
    try:
        yield temp
    finally:
        temp.drop(conn)


def _sa_type(t: pa.DataType) -> sa.types.TypeEngine:
    if pa.types.is_timestamp(t):
        return sa.DateTime()
    if pa.types.is_date(t):
        return sa.Date()
    if pa.types.is_integer(t):
        return sa.BigInteger()
    if pa.types.is_floating(t):
        return sa.Float()
    if pa.types.is_boolean(t):
        return sa.Boolean()
    return sa.Text()


def _isna(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def frame(rows, columns) -> pd.DataFrame:
    """A DataFrame of result rows. Rows go in as plain tuples: pandas probes every SQLAlchemy Row for
    named fields, several times slower on the few thousand rows of a summary."""
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def count_frame(rows, columns, keys: int = 1) -> pd.DataFrame:
    """frame() of rows whose first `keys` columns are labels and the rest integer counts: the counts go to
    int64 in one numpy conversion (pandas infers each column of a list of tuples on its own: 20 ms for the
    10 000 rows of 24 months of every unit, against ≈ 5 here)."""
    columns = list(columns)
    if not rows:
        return frame(rows, columns).astype(dict.fromkeys(columns[keys:], "int64"))
    table = np.array([tuple(r) for r in rows], dtype=object)
    out = pd.DataFrame(table[:, keys:].astype(np.int64), columns=columns[keys:])
    for i in reversed(range(keys)):
        out.insert(0, columns[i], pd.Series(table[:, i]).infer_objects())
    return out


def _compiled(conn: sa.Connection, statement: sa.ClauseElement) -> SQLCompiler:
    return cast(SQLCompiler, statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True}))


def duckdb_cursor(conn: sa.Connection, statement: sa.ClauseElement) -> Any:
    """DuckDB's own cursor, `statement` executed on it (compiled here, its parameters bound in order): for what
    SQLAlchemy's results cannot give — rows as numpy columns or Arrow rather than a Python tuple each."""
    compiled = _compiled(conn, statement)
    params = compiled.construct_params()
    return conn.exec_driver_sql(str(compiled), tuple(params[k] for k in compiled.positiontup or ())).cursor


def fetch_plain(conn: sa.Connection, statement: sa.Select, many: bool = False) -> dict[str, np.ndarray] | list[tuple]:
    """A statement's rows the cheapest way the engine gives them: on DuckDB numpy columns (its cursor's
    fetchnumpy); on PostgreSQL, for `many` rows of text and integer columns (the counts of every unit of many
    months), numpy columns too, read by _pg_columns; else plain tuples from psycopg's binary results (no
    SQLAlchemy Row made per row); else the Rows. (COPY costs more than it saves on a table of one row a unit:
    a quarter's 161 rows at 3 M took 1,2 ms as tuples, 1,7 through it.)"""
    if conn.dialect.name == "duckdb":
        return duckdb_cursor(conn, statement).fetchnumpy()
    if conn.dialect.driver == "psycopg":
        compiled = _compiled(conn, statement)
        sql, params = str(compiled), compiled.construct_params()
        columns = list(statement.selected_columns)
        if many and all(isinstance(c.type, sa.String | sa.Integer) for c in columns):
            return _pg_columns(conn, sql, params, columns)
        with conn.connection.dbapi_connection.cursor(binary=True) as cur:  # type: ignore[union-attr]
            cur.execute(sql, params)
            return cur.fetchall()
    return list(conn.execute(statement).all())


def _pg_columns(conn: sa.Connection, sql: str, params: Any, columns: list) -> dict[str, np.ndarray]:
    """The rows of a statement of text and integer columns as numpy columns, as DuckDB's fetchnumpy gives them:
    text as object arrays, integers int64, masked where NULL. COPY … TO STDOUT in CSV, read
    by Arrow's CSV reader: psycopg makes a Python object of every value it receives, and the 250 000 counts
    of 24 months of every unit at 3 M dossiers took ≈ 21 ms as rows and a frame made of them, ≈ 17 this way
    (≈ 9 of it PostgreSQL writing them out). Its callers: rollups.pack (a cut-off day's whole rollup) and a
    scoped viewer's trends; the others' trends read rollup_pack.
    COPY takes no bound parameters: psycopg merges them into the statement as quoted literals (its documented
    Cursor.copy(statement, params); tests/warehouse/test_engine.py sends quotes and backslashes through)."""
    raw = conn.connection.dbapi_connection
    names = [f"c{i}" for i in range(len(columns))]  # a statement's labels may repeat or need quoting
    chunks = []
    with raw.cursor() as cur:  # type: ignore[union-attr]
        with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for chunk in copy:
                chunks.append(bytes(chunk))
    types = {
        n: pa.string() if isinstance(c.type, sa.String) else pa.int64() for n, c in zip(names, columns, strict=True)
    }
    if not chunks:  # no rows: Arrow reads no table from nothing
        return {
            c.name: np.empty(0, dtype=object if types[n] == pa.string() else np.int64)
            for n, c in zip(names, columns, strict=True)
        }
    table = pa_csv.read_csv(
        pa.BufferReader(b"".join(chunks)),
        read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
        # PostgreSQL writes NULL unquoted and an empty text quoted
        convert_options=pa_csv.ConvertOptions(
            column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )
    out: dict[str, np.ndarray] = {}
    for name, column in zip(names, columns, strict=True):
        values = table.column(name)
        if types[name] == pa.string():
            text = np.empty(len(values), dtype=object)
            text[:] = values.to_pylist()
            out[column.name] = text
        elif values.null_count:
            out[column.name] = np.ma.masked_array(values.fill_null(0).to_numpy(), mask=values.is_null().to_numpy())
        else:
            out[column.name] = values.to_numpy()
    return out


def count_rows(conn: sa.Connection, statement: sa.Select, columns, keys: int = 1, many: bool = False) -> pd.DataFrame:
    """count_frame of a statement's rows, fetched by fetch_plain: 24 months of every unit (8 184 rows of 35
    counts at 10 M) took 27 ms as SQLAlchemy Rows and a frame made of them, against ≈ 4 ms as DuckDB's numpy
    columns; on PostgreSQL (7 110 rows at 3 M) 21 ms as psycopg's tuples, ≈ 17 through COPY, of which
    PostgreSQL writing the 250 000 values out is ≈ 9."""
    got = fetch_plain(conn, statement, many)
    if not isinstance(got, dict):
        return count_frame(got, columns, keys)
    arrays = list(got.values())
    labels, counts = arrays[:keys], arrays[keys:]
    if not len(arrays[0]) or any(np.ma.is_masked(a) for a in counts) or any(a.dtype.kind != "O" for a in labels):
        return count_frame(list(zip(*(np.asarray(a).tolist() for a in arrays))), columns, keys)  # as tuples come
    columns = list(columns)
    out = pd.DataFrame(np.column_stack([np.asarray(a, dtype=np.int64) for a in counts]), columns=columns[keys:])
    for i in reversed(range(keys)):
        out.insert(0, columns[i], pd.Series(labels[i]).infer_objects())
    return out


def get_meta(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def set_meta(conn: sa.Connection, key: str, value: str) -> None:
    conn.execute(schema.meta.delete().where(schema.meta.c.key == key))
    conn.execute(schema.meta.insert().values(key=key, value=value))


#: autovacuum's default rule for when a table's statistics are out of date: 50 rows + 10 % of the table changed
ANALYZE_BASE, ANALYZE_SHARE = 50, 0.1


def analyze_changed(conn: sa.Connection) -> list[str]:
    """On PostgreSQL, ANALYZE the warehouse's tables that have no planner statistics yet or that this
    connection's writes (the caller's transaction's, and any earlier ones PostgreSQL has not yet reported)
    changed past autovacuum's threshold, in the caller's transaction; returns their names. A warehouse loaded
    in bulk was otherwise planned blind until autovacuum came round — never, where it is off: at 3 M dossiers
    the overdue page's list then read the whole table (21 ms; 7 after ANALYZE). Changes others made are
    autovacuum's to count. DuckDB keeps its statistics as it writes."""
    if conn.dialect.name != "postgresql":
        return []
    rows = conn.execute(
        sa.text(
            "SELECT c.relname, c.reltuples, COALESCE(x.n_tup_ins + x.n_tup_upd + x.n_tup_del, 0)"
            " FROM pg_class c LEFT JOIN pg_stat_xact_user_tables x ON x.relid = c.oid"
            " WHERE c.relkind = 'r' AND c.relnamespace = to_regnamespace(current_schema())"
            " AND c.relname = ANY(:names)"
        ),
        {"names": sorted(schema.metadata.tables)},
    ).all()
    stale = sorted(n for n, tuples, changed in rows if tuples < 0 or changed > ANALYZE_BASE + ANALYZE_SHARE * tuples)
    quote = conn.dialect.identifier_preparer.quote
    for name in stale:  # names of our own tables, quoted: no input of anyone's reaches this statement
        conn.execute(sa.text(f"ANALYZE {quote(name)}"))
    return stale


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
