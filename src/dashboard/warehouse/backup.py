"""Backups of the embedded warehouse: `backup FILE` while the dashboard serves, `restore FILE` with it
stopped. PostgreSQL has its own tools (pg_dump / pg_restore, docs/operations.md).

A backup is DuckDB's COPY FROM DATABASE from the warehouse opened read-only into a new file: one
snapshot (tables, sequences with their positions, indexes), taken beside the dashboard's own readers.
A restore keeps the warehouse it replaces as `<name>.before-restore.duckdb`: nothing is lost."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import sqlalchemy as sa

from dashboard.warehouse import live, migrate


class BackupError(ValueError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _file_of(url: str) -> Path:
    path = live.duckdb_file(url)
    if path is None:
        raise BackupError(
            "backup and restore work on the embedded warehouse file; for PostgreSQL use pg_dump and pg_restore "
            "(docs/operations.md) / sao lưu PostgreSQL bằng pg_dump và pg_restore"
        )
    return path


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"  # ATTACH takes no bound parameters; the path is the operator's


def copy_database(source: Path, target: Path) -> dict[str, int]:
    """COPY FROM DATABASE source (read-only) into a new file target; the row count of every table."""
    con = duckdb.connect(":memory:")
    try:
        try:
            con.execute(f"ATTACH {_quoted(source)} AS src (READ_ONLY)")
        except duckdb.IOException as e:
            raise BackupError(
                f"{source}: cannot be read now — an import holds it ({str(e).splitlines()[0][:200]}); "
                "try again when it ends / kho đang được ghi, thử lại sau khi nhập xong"
            ) from e
        con.execute(f"ATTACH {_quoted(target)} AS dst")
        con.execute("COPY FROM DATABASE src TO dst")
        counts = {
            t: int(con.execute(f'SELECT count(*) FROM dst."{t}"').fetchone()[0])  # type: ignore[index]
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'dst' ORDER BY table_name"
            ).fetchall()
        }
        con.execute("DETACH dst")
        con.execute("DETACH src")
        return counts
    finally:
        con.close()


def _check_warehouse(path: Path) -> str:
    """The migration revision of the warehouse in `path`, or BackupError if it is not one."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file / không có tệp")
    try:
        engine = sa.create_engine(f"duckdb:///{path}", connect_args={"read_only": True})
        try:
            with engine.connect() as conn:
                missing = [t for t in ("dossier", "unit", "meta") if not sa.inspect(conn).has_table(t)]
                revision = migrate.current(conn)
        finally:
            engine.dispose()
    except sa.exc.DBAPIError as e:
        raise BackupError(f"{path}: not a DuckDB warehouse ({str(e.orig).splitlines()[0][:200]})") from e
    if missing or revision is None:
        raise BackupError(f"{path}: not a warehouse of this dashboard (missing: {', '.join(missing) or 'revision'})")
    return revision


def backup(url: str, target: Path) -> dict[str, int]:
    """Copy the warehouse at `url` into the new file `target` (refused if it exists)."""
    source = _file_of(url)
    if not source.is_file():
        raise BackupError(f"{source}: no warehouse to back up / chưa có kho dữ liệu")
    if target.exists():
        raise BackupError(f"{target}: already exists; name a new file / tệp đã có, chọn tên khác")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        counts = copy_database(source, partial)
        os.replace(partial, target)  # a backup file is whole or absent
    finally:
        partial.unlink(missing_ok=True)
    return counts


def restore(url: str, source: Path) -> tuple[dict[str, int], Path | None]:
    """Replace the warehouse at `url` by the backup `source`; returns its row counts and where the replaced
    warehouse was kept. Refused while the dashboard or an import has the warehouse open."""
    target = _file_of(url)
    revision = _check_warehouse(source)
    if revision not in migrate.revisions():
        raise BackupError(f"{source}: made by a newer version of the dashboard (revision {revision})")
    if target.exists():
        try:
            duckdb.connect(str(target)).close()  # the writer's lock: nobody else has it open
        except duckdb.IOException as e:
            raise BackupError(
                f"{target}: in use ({str(e).splitlines()[0][:160]}); stop the dashboard and any import, "
                "then restore / dừng bảng điều khiển rồi khôi phục"
            ) from e
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    kept = None
    try:
        counts = copy_database(source, partial)
        if target.exists():
            kept = target.with_name(target.stem + ".before-restore" + target.suffix)
            os.replace(target, kept)
            wal = target.with_name(target.name + ".wal")  # a log left beside it belongs to the old file
            if wal.exists():
                os.replace(wal, kept.with_name(kept.name + ".wal"))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return counts, kept
