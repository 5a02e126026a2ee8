"""The daily refresh with the dashboard serving (issue 17): a real server on the embedded warehouse, a
browser on it, and `watch --once` importing this morning's file meanwhile. No visitor sees an error or a
lock message, and the page shows the new "data up to" date once the import is in."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest
from browser import ROOT, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_watch_imports_while_the_dashboard_serves(own_demo, own_app_url, page, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    with (drop / "sang-nay.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo"])
        for i in range(2000):  # received before the demo's last day at Phường Tam Kỳ, finished after it
            w.writerow([f"LIVE-{i}", "1.001", "20341", "20251229080000", "20260107", "20260105160000", 10])
    url = own_app_url
    page.goto(f"{url}/overdue?unit=48")
    wait_for_app(page)
    expect(page.get_by_text("Dữ liệu đến ngày 31/12/2025")).to_be_visible()
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(own_demo))
    env.pop("DASHBOARD_DB_URL", None)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "watch", str(drop), "--once"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    visits = 0
    while watcher.poll() is None or visits == 0:  # visitors keep coming while the import runs
        page.reload()
        wait_for_app(page)
        visits += 1
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
        assert page.get_by_text("Chưa có kho dữ liệu").count() == 0
    out = watcher.stdout.read() if watcher.stdout else ""
    assert watcher.returncode == 0, out
    assert (drop / "done" / "sang-nay.csv").exists(), out
    page.reload()
    wait_for_app(page)
    # the swapped-in file is seen on the next run: the new last day, without a restart
    expect(page.get_by_text("Dữ liệu đến ngày 05/01/2026")).to_be_visible(timeout=60_000)
    assert not [e for e in page.errors if "favicon" not in e], page.errors
