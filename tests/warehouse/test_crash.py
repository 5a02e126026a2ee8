"""kill -9 in the middle of an import and of the rollup rebuild, on both engines: the warehouse is exactly
as before (the import) or its rollups are recorded as stale and rebuilt by the next import or at server
start (the rebuild). The crash is a real SIGKILL, sent by the process to itself at a named step
($DASHBOARD_CRASH_AT) so the test does not depend on a timer."""

from __future__ import annotations

import csv
import signal
from pathlib import Path

import pytest
from helpers import DEMO_UNTIL_ARG, SYNC_HEADER, cli_here, run_cli, snapshot

from dashboard.warehouse import rollups
from dashboard.warehouse.engine import bump_data_version, make_engine


def _csv(path: Path, prefix: str, n: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(SYNC_HEADER)
        for i in range(n):
            day = 1 + i % 28
            status = (10, 4, 9)[i % 3]
            end = f"2025{(i % 5) + 2:02d}{day:02d}160000" if status in (9, 10) else ""
            w.writerow(
                [
                    f"{prefix}-{i}",
                    "1.001",
                    ("20335", "502", "SO_TP")[i % 3],
                    f"2025{(i % 5) + 1:02d}{day:02d}080000",
                    f"2025{(i % 5) + 2:02d}{day:02d}170000",
                    end,
                    status,
                ]
            )
        w.writerow([f"{prefix}-bad", "1.001", "NO_SUCH_UNIT", "20250105080000", "", "", 2])  # quarantined
    return path


def _warehouse(url: str, tmp_path: Path) -> str:
    assert cli_here(url, "init").returncode == 0  # the setup here; the crashes below in processes of their own
    assert cli_here(url, "import", str(_csv(tmp_path / "a.csv", "A", 3000))).returncode == 0
    return url


@pytest.fixture
def warehouse(backend_url, tmp_path):
    return _warehouse(backend_url, tmp_path)


@pytest.fixture
def embedded(tmp_path):
    """The embedded warehouse only: its imports write a copy that is swapped in (PostgreSQL writes in place)."""
    return _warehouse(f"duckdb:///{tmp_path / 'warehouse.duckdb'}", tmp_path)


def test_kill_9_during_an_import_leaves_the_warehouse_as_it_was(warehouse, tmp_path):
    before = snapshot(warehouse)
    b = _csv(tmp_path / "b.csv", "B", 3000)
    crashed = run_cli(warehouse, "import", str(b), crash="import-before-commit")
    assert crashed.returncode == -signal.SIGKILL
    assert snapshot(warehouse) == before  # not a row, not a log line, not a meta value
    again = run_cli(warehouse, "import", str(b))
    assert again.returncode == 0, again.stderr
    after = snapshot(warehouse)
    assert len(after["dossier"]) == len(before["dossier"]) + 3000
    assert len(after["quarantine"]) == len(before["quarantine"]) + 1


def test_kill_9_before_the_snapshot_is_swapped_in_leaves_the_served_file(embedded, tmp_path):
    warehouse = embedded
    before = snapshot(warehouse)
    b = _csv(tmp_path / "b.csv", "B", 3000)
    crashed = run_cli(warehouse, "import", str(b), crash="snapshot-before-swap")
    assert crashed.returncode == -signal.SIGKILL
    assert snapshot(warehouse) == before
    again = run_cli(warehouse, "import", str(b))  # the copy the killed import left is discarded first
    assert again.returncode == 0, again.stderr
    path = Path(warehouse.removeprefix("duckdb:///"))
    assert not path.with_name(path.name + ".importing").exists()
    assert len(snapshot(warehouse)["dossier"]) == len(before["dossier"]) + 3000


def test_kill_9_during_the_rollup_rebuild_is_repaired_by_the_next_import(warehouse, tmp_path):
    before = snapshot(warehouse)
    b = _csv(tmp_path / "b.csv", "B", 3000)
    crashed = run_cli(warehouse, "import", str(b), crash="rollups-before-listable")
    assert crashed.returncode == -signal.SIGKILL
    # the refresh runs in the import's transaction (warehouse/incremental.py): on DuckDB the copy it wrote
    # was never swapped in, on PostgreSQL the transaction never committed; either way nothing changed
    assert snapshot(warehouse) == before
    e = make_engine(warehouse)
    with e.begin() as conn:  # derived tables behind the dossiers, as a crash of an older version left them
        bump_data_version(conn)
    e.dispose()
    again = run_cli(warehouse, "import", str(b))  # loads the file, and the stale tables are rebuilt
    assert again.returncode == 0, again.stderr
    assert "new 3000" in again.stdout, again.stdout
    _assert_fresh_and_equal_to_a_full_rebuild(warehouse)


def test_kill_9_during_the_rollup_rebuild_is_repaired_at_server_start(backend_url):
    from dashboard.web import warm

    # demo writes in place on both engines (the dashboard is not serving yet): its rebuild is killed
    crashed = run_cli(
        backend_url, "demo", "--scale", "0.002", "--quiet", *DEMO_UNTIL_ARG, crash="rollups-before-listable"
    )
    assert crashed.returncode == -signal.SIGKILL
    e = make_engine(backend_url, read_only=True)
    with e.connect() as conn:
        assert rollups.stale(conn)
    e.dispose()
    assert warm.refresh_stale(backend_url) == "rebuilt"
    assert warm.refresh_stale(backend_url) == "fresh"
    _assert_fresh_and_equal_to_a_full_rebuild(backend_url)


def _assert_fresh_and_equal_to_a_full_rebuild(url: str) -> None:
    e = make_engine(url)
    try:
        with e.connect() as conn:
            assert not rollups.stale(conn)
    finally:
        e.dispose()
    repaired = snapshot(url)
    e = make_engine(url)
    try:
        with e.begin() as conn:
            rollups.rebuild(conn)
    finally:
        e.dispose()
    rebuilt = snapshot(url)
    for table in ("rollup", "dossier_listable"):
        assert repaired[table] == rebuilt[table], table
