"""Writing to the embedded warehouse while the dashboard serves it: a snapshot swap.

DuckDB lets one process write a file or many processes read it, never both; the dashboard keeps the
file open to read. So an import does not write the served file: under a writers' lock it copies the
warehouse (its file, or COPY FROM DATABASE when a log lies beside it), imports into the copy, checkpoints it,
and renames it over the served file in one atomic step. A visitor's running query finishes on the file it opened;
the dashboard notices the new file (its identity changes) and its next run reads the new data. A crash
at any point leaves the served file as it was (the copy is discarded). PostgreSQL needs none of this:
its transactions already let readers and a writer work together, so `snapshot_write` is a no-op there.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from dashboard.warehouse.engine import crash_point


def duckdb_file(url: str) -> Path | None:
    """The file of an embedded warehouse URL, or None (PostgreSQL, in-memory)."""
    u = sa.make_url(url)
    if u.get_backend_name() != "duckdb" or u.database in (None, "", ":memory:"):
        return None
    return Path(str(u.database))


def identity(url: str) -> str:
    """What changes when the warehouse is swapped (inode, size, mtime); '' for PostgreSQL or no file."""
    path = duckdb_file(url)
    if path is None:
        return ""
    try:
        s = path.stat()
    except OSError:
        return "absent"
    return f"{s.st_ino}:{s.st_size}:{s.st_mtime_ns}"


@contextmanager
def writer_lock(path: Path, wait_note=None) -> Iterator[None]:
    """One writer at a time (an import, a watcher): an advisory lock on `<warehouse>.write-lock`."""
    lock = open(path.with_name(path.name + ".write-lock"), "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if wait_note:
                wait_note()
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


@contextmanager
def snapshot_write(url: str, wait_note=None, discard: bool = False) -> Iterator[str]:
    """The URL to write to: on DuckDB a fresh copy of the warehouse, swapped in when the block ends without
    an error (discarded otherwise, or always with discard=True: a dry run); on PostgreSQL the warehouse
    itself. The caller closes its engine on the copy before the block ends."""
    path = duckdb_file(url)
    if path is None or not path.exists():
        yield url
        return
    from dashboard.warehouse.backup import copy_database  # backup imports this module: here, not at the top

    with writer_lock(path, wait_note):
        work = path.with_name(path.name + ".importing")
        for leftover in (work, work.with_name(work.name + ".wal")):  # from a writer that was killed
            leftover.unlink(missing_ok=True)
        try:
            if path.with_name(path.name + ".wal").exists():  # a writer died before its checkpoint: replay its log
                copy_database(path, work)
            else:  # the file is whole and nobody writes it (readers never do): its bytes are the snapshot
                shutil.copyfile(path, work)  # in the kernel (copy_file_range), 10× COPY FROM DATABASE
            yield sa.make_url(url).set(database=str(work)).render_as_string(hide_password=False)
            if discard:
                return
            crash_point("snapshot-before-swap")
            if work.with_name(work.name + ".wal").exists():  # the writer's engine was not closed
                raise RuntimeError(f"{work}: still has a write-ahead log; not swapped in")
            stale = path.with_name(path.name + ".wal")
            if stale.exists():  # the served file's own log was read into the copy; it must not replay on it
                os.replace(stale, path.with_name(f"{path.name}.wal.before-{time.strftime('%Y%m%d-%H%M%S')}"))
            os.replace(work, path)
        finally:
            work.unlink(missing_ok=True)
