"""backup while the dashboard reads, restore with it stopped: every table comes back as it was, and the
warehouse a restore replaces is kept."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import Reader, cli_here, demo_warehouse, snapshot


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    demo_warehouse(f"duckdb:///{path}", scale=0.005).dispose()
    return path


def test_backup_while_served_and_restore_give_back_every_table(warehouse, tmp_path):
    url = f"duckdb:///{warehouse}"
    e = sa.create_engine(url)
    with e.begin() as conn:  # ids handed out before the backup (imports take them from these sequences)
        for _ in range(3):
            conn.execute(sa.text("SELECT nextval('import_log_id_seq'), nextval('quarantine_id_seq')"))
    e.dispose()
    original = snapshot(url)
    reader = Reader(warehouse)
    try:
        done = cli_here(url, "backup", str(tmp_path / "b.duckdb"))
        assert done.returncode == 0, done.stderr
        assert "backed up" in done.stdout
        refused = cli_here(url, "restore", str(tmp_path / "b.duckdb"))  # the dashboard still has it open
        assert refused.returncode == 2 and "stop the dashboard" in refused.stderr
    finally:
        reader.close()
    assert snapshot(f"duckdb:///{tmp_path / 'b.duckdb'}") == original

    e = sa.create_engine(url)
    with e.begin() as conn:  # the warehouse changes after the backup
        conn.execute(sa.text("DELETE FROM dossier WHERE unit_code = '20335'"))
        conn.execute(sa.text("UPDATE meta SET value = 'changed' WHERE key = 'data_version'"))
    e.dispose()
    changed = snapshot(url)
    assert changed != original

    done = cli_here(url, "restore", str(tmp_path / "b.duckdb"))
    assert done.returncode == 0, done.stderr
    assert snapshot(url) == original
    kept = warehouse.with_name("warehouse.before-restore.duckdb")
    assert kept.is_file() and snapshot(f"duckdb:///{kept}") == changed  # nothing is lost
    # the sequences carry on where they were: the next import's ids do not collide with restored ones
    e = sa.create_engine(url)
    with e.connect() as conn:
        assert conn.execute(sa.text("SELECT nextval('import_log_id_seq'), nextval('quarantine_id_seq')")).one() == (
            4,
            4,
        )
    e.dispose()


def test_refusals_name_the_file_and_the_reason(warehouse, tmp_path):
    url = f"duckdb:///{warehouse}"
    (tmp_path / "exists.duckdb").write_bytes(b"")
    done = cli_here(url, "backup", str(tmp_path / "exists.duckdb"))
    assert done.returncode == 2 and "already exists" in done.stderr
    (tmp_path / "junk.duckdb").write_bytes(b"not a database")
    done = cli_here(url, "restore", str(tmp_path / "junk.duckdb"))
    assert done.returncode == 2 and "junk.duckdb" in done.stderr and "Traceback" not in done.stderr
    done = cli_here(url, "restore", str(tmp_path / "missing.duckdb"))
    assert done.returncode == 2 and "no such file" in done.stderr
    done = cli_here("postgresql://localhost/test", "backup", str(tmp_path / "x"))
    assert done.returncode == 2 and "pg_dump" in done.stderr
    assert snapshot(url)  # the warehouse itself untouched and readable
