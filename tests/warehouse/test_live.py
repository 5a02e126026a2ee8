"""Imports while the dashboard serves the embedded warehouse (warehouse/live.py): the import writes a copy
and swaps it in; a reader that was open keeps its file, a new reader sees the new data; writers queue;
`watch DIR` takes dropped files and files them in done/ or failed/ with a report."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import SYNC_HEADER, Reader, cli_here, run_cli

from dashboard.config import ROOT
from dashboard.warehouse import live
from dashboard.warehouse.engine import make_engine


def _csv(path: Path, prefix: str, n: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(SYNC_HEADER)
        for i in range(n):
            w.writerow([f"{prefix}-{i}", "1.001", "20335", "20250106080000", "20250110", "20250109160000", 10])
    return path


def _count(url: str) -> int:
    e = make_engine(url, read_only=True)
    try:
        with e.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM dossier")).scalar_one())
    finally:
        e.dispose()


@pytest.fixture
def served(tmp_path):
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    assert cli_here(url, "init").returncode == 0
    assert cli_here(url, "import", str(_csv(tmp_path / "a.csv", "A", 100))).returncode == 0
    return url, tmp_path / "warehouse.duckdb"


def test_an_import_while_a_reader_has_the_file_open_is_swapped_in(served, tmp_path):
    url, path = served
    reader = Reader(path)  # the dashboard, serving
    try:
        assert reader.dossiers() == 100
        before = live.identity(url)
        done = run_cli(url, "import", str(_csv(tmp_path / "b.csv", "B", 50)))
        assert done.returncode == 0, done.stderr  # no lock message: the reader did not stop the import
        assert reader.dossiers() == 100  # a query already open finishes on the file it opened
        assert live.identity(url) != before  # ... and the dashboard can tell a new file is there
        assert _count(url) == 150  # a new reader sees the import, all of it
    finally:
        reader.close()
    assert not [p.name for p in path.parent.iterdir() if ".importing" in p.name or p.name.endswith(".wal")]


def test_writers_take_turns(served, tmp_path):
    url, path = served
    with live.writer_lock(path):  # another import holds the warehouse
        p = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "import", str(_csv(tmp_path / "b.csv", "B", 10))],
            env=dict(os.environ, DASHBOARD_DB_URL=url),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert p.stderr is not None and "waiting for another import" in p.stderr.readline()
        assert _count(url) == 100
    assert p.wait(timeout=300) == 0
    assert _count(url) == 110


def test_watch_once_files_each_drop_in_done_or_failed_with_its_report(served, tmp_path):
    url, _ = served
    drop = tmp_path / "drop"
    drop.mkdir()
    _csv(drop / "sang-nay.csv", "W", 20)
    (drop / "hong.csv").write_text("không,phải,tiêu đề\n1,2,3\n", encoding="utf-8")
    (drop / "dang-chep.csv.part").write_text("partial")  # a copy in progress is left alone
    done = run_cli(url, "watch", str(drop), "--once")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (drop / "done").iterdir()) == ["sang-nay.csv", "sang-nay.csv.report.txt"]
    assert sorted(p.name for p in (drop / "failed").iterdir()) == ["hong.csv", "hong.csv.report.txt"]
    assert "loaded 20" in (drop / "done" / "sang-nay.csv.report.txt").read_text(encoding="utf-8")
    assert "header" in (drop / "failed" / "hong.csv.report.txt").read_text(encoding="utf-8")
    assert (drop / "dang-chep.csv.part").exists()
    assert _count(url) == 120
    again = run_cli(url, "watch", str(drop), "--once")  # nothing new: nothing happens
    assert again.returncode == 0 and _count(url) == 120


def test_watch_refuses_a_folder_that_is_not_one(served, tmp_path):
    url, _ = served
    done = run_cli(url, "watch", str(tmp_path / "nope"))
    assert done.returncode == 2 and "not a folder" in done.stderr
