"""What every importer shares (dossiers, official 766 scores): the quarantine, the import log, one transaction
per file, and the rule that a failing file stops neither the others nor the command's report."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dashboard.warehouse import schema
from dashboard.warehouse.engine import bulk_insert, crash_point, next_id, reserve_ids
from dashboard.warehouse.ingest.readers import ImportRefused

log = logging.getLogger("dashboard.import")


class ImportFailed(Exception):
    """A file could not be imported for a reason that is not its structure (a broken invariant, a database
    error): the file's transaction is rolled back and the others go on."""


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def write_quarantine(conn: sa.Connection, import_id: int, file_name: str, entries: list[dict]) -> int:
    """Store quarantine entries (dicts with row_number, dossier_code, reason_code, field, reason_vi, reason_en,
    raw); an entry identical to one stored by an earlier import of the same file is not repeated."""
    if not entries:
        return 0
    q = pd.DataFrame(entries)
    q["import_id"] = import_id
    q["file_name"] = file_name
    qt = schema.quarantine
    existing = pd.DataFrame(
        conn.execute(
            sa.select(qt.c.row_number, qt.c.reason_code, qt.c.field, qt.c.raw).where(qt.c.file_name == file_name)
        ).all(),
        columns=["row_number", "reason_code", "field", "raw"],
    )
    if len(existing):
        key = ["row_number", "reason_code", "field", "raw"]
        q = q.merge(existing.drop_duplicates(), on=key, how="left", indicator=True)
        q = q[q["_merge"] == "left_only"].drop(columns="_merge")
    if len(q):
        q = q.sort_values("row_number", kind="stable")
        q.insert(0, "id", reserve_ids(conn, qt, len(q)))
        bulk_insert(conn, qt, q[[c.name for c in qt.columns]])
    return len(q)


def write_log(conn: sa.Connection, import_id: int, path: Path, status: str, **values: Any) -> None:
    details = values.pop("details", None)
    extra = values.pop("extra_columns", None)
    digest = values.pop("file_sha256", None) or file_digest(path)
    conn.execute(
        schema.import_log.insert().values(
            id=import_id,
            file_name=Path(path).name,
            file_sha256=digest,
            finished_at=datetime.now(),
            status=status,
            extra_columns=None if extra is None else json.dumps(extra, ensure_ascii=False),
            details=None if details is None else json.dumps(details, ensure_ascii=False, default=str),
            **values,
        )
    )


def log_refusal(conn: sa.Connection, path: Path, message: str, status: str = "refused") -> None:
    now = datetime.now()
    write_log(conn, next_id(conn, schema.import_log), path, status, started_at=now, rows_total=None, message=message)


def run_files(engine: sa.Engine, paths: list[Path], import_one: Callable[[sa.Connection, Path], Any], failed_result):
    """Import each file in its own transaction. A refused or failing file is rolled back, logged and reported
    through `failed_result(path, message, status)`; the next file is tried all the same."""
    results = []
    for path in paths:
        path = Path(path)
        try:
            with engine.begin() as conn:
                results.append(import_one(conn, path))
                crash_point("import-before-commit")
            continue
        except ImportRefused as exc:
            message, status = str(exc), "refused"
        except ImportFailed as exc:
            message, status = f"{path.name}: {exc}", "failed"
        except sa.exc.SQLAlchemyError as exc:
            log.exception("import of %s failed", path)
            orig = getattr(exc, "orig", None) or exc
            first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
            message = (
                f"{path.name}: kho dữ liệu từ chối ghi, tệp không được nhập / the warehouse refused the write, "
                f"nothing from the file was imported: {first[:300]}"
            )
            status = "failed"
        try:
            with engine.begin() as conn:
                log_refusal(conn, path, message, status)
        except sa.exc.SQLAlchemyError:  # the log is best effort when the warehouse itself is the problem
            log.exception("could not log the refusal of %s", path)
        results.append(failed_result(path, message, status))
    return results
