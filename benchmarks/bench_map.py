"""Map page budgets: map payload sizes, and page-ready times in headless Chromium next to a trivial page.

    python benchmarks/bench_map.py [--scale 0.1] [--runs 5]

Builds a demo warehouse at the given scale in a scratch folder (unless --data-dir names one), installs
the boundary pack from $DASHBOARD_GEO_SOURCE or ../shared/geo, starts the dashboard as `make start` does
(dashboard.web.SERVE) and a one-line Streamlit page, and prints medians (SPEC §8: compare with the trivial
page). "Ready" means the script is idle and the map's polygons are drawn (the SVG's paths are in the document).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
from dashboard.web import SERVE  # noqa: E402

CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
SKELETON = "[data-testid='stSkeleton'], [data-testid='stSkeletonElement']"  # a widget whose code is loading
ARGS = ["--no-sandbox", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-gpu"]


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: Path, env: dict, cwd: Path) -> tuple[subprocess.Popen, str]:
    p = port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(p), "--server.headless", "true"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{p}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not start")


def app_env(data_dir: Path) -> dict:
    """The environment of a dashboard reading the warehouse in data_dir (not $DASHBOARD_DB_URL)."""
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data_dir))
    env.pop("DASHBOARD_DB_URL", None)
    return env


def build_demo(data_dir: Path, scale: float) -> None:
    """Build the demo warehouse in data_dir unless one is there already, printing how long it took."""
    if (data_dir / "warehouse.duckdb").exists():
        return
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dashboard", "demo", "--scale", str(scale), "--quiet"],
        env=app_env(data_dir),
        check=True,
        cwd=ROOT,
    )
    print(f"demo build (scale {scale}): {time.perf_counter() - t0:.0f} s")


@contextmanager
def demo_data(data_dir: str | None, scale: float, prefix: str):
    """The folder of --data-dir, or a scratch folder with a fresh demo (removed afterwards)."""
    scratch = None if data_dir else Path(tempfile.mkdtemp(prefix=prefix))
    d = Path(data_dir) if data_dir else scratch
    build_demo(d, scale)
    try:
        yield d
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def app_and_trivial(data_dir: Path):
    """The dashboard (as `make start` serves it) on data_dir and a one-line Streamlit page (SPEC §8), as
    (app_url, trivial_url)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench_trivial_"))
    (tmp / "t.py").write_text("import streamlit as st\nst.write('trivial')\n")
    env = app_env(data_dir)
    app, app_url = serve(SERVE, env, ROOT)
    tri, tri_url = serve(tmp / "t.py", env, tmp)
    try:
        yield app_url, tri_url
    finally:
        app.terminate()
        tri.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


def figure_sizes(data_dir: Path, geo_dir: Path) -> None:
    """Bytes of map markup sent to the browser (the page's whole map payload), and the time to build it."""
    import pandas as pd

    os.environ["DASHBOARD_GEO_DIR"] = str(geo_dir)
    from dashboard import config
    from dashboard.charts import maps
    from dashboard.geo import layers
    from dashboard.metrics import periods
    from dashboard.ui import mapview
    from dashboard.warehouse import queries
    from dashboard.warehouse.engine import make_engine

    p = periods.parse("2025-Q1", 15)
    with make_engine(f"duckdb:///{data_dir / 'warehouse.duckdb'}", read_only=True).connect() as conn:
        dist = queries.kpi_table(conn, p, level="district", territory=True)
        comm = queries.kpi_table(conn, p, level="commune", territory=True)
        provinces = queries.provinces(conn, p.start, p.end)
        # today's city: the latest complete quarter, communes directly (no districts since 01/07/2025)
        now = periods.latest_complete(queries.as_of(conn), "quarter", 15)
        city = queries.kpi_table(conn, now, level="commune", territory=True, at_end=True)
        city_provinces = queries.provinces(conn, now.start, now.end)
    gj = layers.load(layers.layer_for("commune", now.start, now.end, provinces=city_provinces))
    t0 = time.perf_counter()
    fig = maps.choropleth(
        gj, mapview.map_frame(city, "on_time_rate", "vi"), lang="vi", is_rate=True, target=95.0, clickable=True
    )
    print(
        f"city map payload ({now.key}, {len(gj['features'])} communes): {fig.size / 1000:.0f} KB (budget 300 KB), "
        f"built in {(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    for level, table in (("district", dist), ("commune", comm)):
        gj = layers.load(layers.layer_for(level, p.start, p.end, provinces=provinces))
        frame = mapview.map_frame(table, "on_time_rate", "vi")
        t0 = time.perf_counter()
        fig = maps.choropleth(gj, frame, lang="vi", is_rate=True, target=config.TARGETS["on_time_rate"], clickable=True)
        ms = (time.perf_counter() - t0) * 1000
        budget = 150_000 if level == "district" else 350_000
        print(
            f"{level} map payload ({p.key}, both old provinces, {len(gj['features'])} polygons): "
            f"{fig.size / 1000:.0f} KB "
            f"(budget {budget / 1000:.0f} KB), built in {ms:.0f} ms"
        )
    biggest = comm.groupby("parent_code").size().idxmax()
    gj = layers.load(layers.layer_for("commune", p.start, p.end, provinces=provinces))
    sub = comm[comm["parent_code"] == biggest]
    gj = maps.subset(gj, sub["code"])
    fig = maps.choropleth(gj, mapview.map_frame(sub, "on_time_rate", "vi"), lang="vi", is_rate=True, target=95.0)
    print(f"commune map of the largest district ({biggest}, {len(gj['features'])} polygons): {fig.size / 1000:.0f} KB")
    prov = layers.layer_for("province", p.start, p.end)
    fig = maps.province_map(layers.load(prov), pd.DataFrame(columns=["area_code", "score"]), lang="vi", home="49")
    print(f"provinces map payload ({len(layers.load(prov)['features'])} polygons): {fig.size / 1000:.0f} KB")


def bench_args(scale: float, browser: bool = False, doc: str | None = None) -> argparse.Namespace:
    """The options the demo-based benchmarks share: --scale, --runs, --data-dir (and --no-browser)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    ap.add_argument("--scale", type=float, default=scale)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-dir", help="reuse a folder holding warehouse.duckdb (skips building the demo)")
    if browser:
        ap.add_argument("--no-browser", action="store_true")
    return ap.parse_args()


def main() -> None:
    a = bench_args(0.1)
    from browser import wait_for_app
    from geopack import install_geo_pack
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench_map_"))
    data_dir = Path(a.data_dir) if a.data_dir else tmp / "data"
    data_dir.mkdir(exist_ok=True)
    env = app_env(data_dir)
    build_demo(data_dir, a.scale)
    (tmp / "geo").mkdir()
    geo = install_geo_pack(tmp / "geo")
    if geo is None:
        raise SystemExit("no boundary pack: set DASHBOARD_GEO_SOURCE")
    env["DASHBOARD_GEO_DIR"] = str(geo)
    figure_sizes(data_dir, geo)

    trivial = tmp / "trivial"
    trivial.mkdir()
    (trivial / "t.py").write_text("import streamlit as st\nst.write('trivial')\n")
    app, app_url = serve(SERVE, env, ROOT)
    tri, tri_url = serve(trivial / "t.py", env, trivial)
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

            def timed(page, action, ready) -> float:
                t0 = time.perf_counter()
                action()
                ready(page)
                return time.perf_counter() - t0

            def map_ready(page, shows: str = ""):
                """The script is idle and the map drawn is the one asked for (its accessible name
                names the metric, the unit and the period)."""
                wait_for_app(page)
                page.locator(
                    f"svg[aria-label*='{shows}'] path[data-code]" if shows else "svg path[data-code]"
                ).first.wait_for()

            def trivial_ready(page):
                wait_for_app(page)
                page.get_by_text("trivial").wait_for()

            # today's city on its latest complete quarter (the landing page), then the quarter before
            from dashboard import fmt
            from dashboard.metrics import periods as pd_
            from dashboard.warehouse import queries
            from dashboard.warehouse.engine import make_engine

            with make_engine(f"duckdb:///{data_dir / 'warehouse.duckdb'}", read_only=True).connect() as conn:
                now = pd_.latest_complete(queries.as_of(conn), "quarter", 15)
            before = pd_.parse(f"{now.year}-Q{now.number - 1}" if now.number > 1 else f"{now.year - 1}-Q4", 15)
            now_vi, before_vi = fmt.period(now, "vi"), fmt.period(before, "vi")
            city = "Thành phố Đà Nẵng"
            page = b.new_page(viewport={"width": 1920, "height": 1080})
            first_map = timed(page, lambda: page.goto(f"{app_url}/"), map_ready)
            first_tri = timed(page, lambda: page.goto(tri_url), trivial_ready)
            cold_map, cold_tri = [], []
            for _ in range(a.runs):  # a new visitor: fresh browser context (no cache), new session
                ctx = b.new_context(viewport={"width": 1920, "height": 1080})
                p2 = ctx.new_page()
                cold_tri.append(timed(p2, lambda: p2.goto(tri_url), trivial_ready))
                ctx.close()
                ctx = b.new_context(viewport={"width": 1920, "height": 1080})
                p2 = ctx.new_page()
                cold_map.append(timed(p2, lambda: p2.goto(f"{app_url}/"), map_ready))
                ctx.close()
            warm_map, warm_tri, metric, period, drill = [], [], [], [], []
            for _ in range(a.runs):
                warm_tri.append(timed(page, lambda: page.goto(tri_url), trivial_ready))
                warm_map.append(timed(page, lambda: page.goto(f"{app_url}/?period={now.key}&unit=48"), map_ready))

                def pick(label, option):
                    page.locator("[data-testid='stSelectbox']").filter(has_text=label).click()
                    page.get_by_role("option", name=option).click()  # ready: the map named by the new choice

                metric.append(
                    timed(
                        page,
                        lambda: pick("Chỉ tiêu", "Tỷ lệ hồ sơ trực tuyến"),
                        lambda pg: map_ready(pg, f"Tỷ lệ hồ sơ trực tuyến · {city} · {now_vi}"),
                    )
                )
                period.append(
                    timed(
                        page,
                        lambda: pick("Kỳ", before_vi),
                        lambda pg: map_ready(pg, f"Tỷ lệ hồ sơ trực tuyến · {city} · {before_vi}"),
                    )
                )
                # before the reform: both provinces' districts, a click opens a district's communes
                page.goto(f"{app_url}/?period=2025-Q1&unit=49&metric=on_time_rate")
                map_ready(page, "Tỉnh Quảng Nam · Quý 1/2025")
                drill.append(
                    timed(
                        page,
                        lambda: page.locator("svg path[data-code='509']").click(),
                        lambda pg: map_ready(pg, "Huyện Quế Sơn · Quý 1/2025"),
                    )
                )
            b.close()
    finally:
        app.terminate()
        tri.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    print(f"map of {now.key} ({now_vi}, the city's communes) then {before.key}; the drill on 2025-Q1's districts")
    print(f"first request after the servers start: map {first_map:.2f} s, trivial {first_tri:.2f} s")
    print(f"trivial page: cold (new visitor) median {med(cold_tri):.2f} s, warm (reload) median {med(warm_tri):.2f} s")
    print(
        f"map page:     cold (new visitor) median {med(cold_map):.2f} s (ratio {med(cold_map) / med(cold_tri):.2f}; "
        f"budget 2.5 s), warm median {med(warm_map):.2f} s (ratio {med(warm_map) / med(warm_tri):.2f})"
    )
    print(f"metric change median {med(metric):.2f} s, period change median {med(period):.2f} s (budget 1.0 s)")
    print(f"click on a district to its commune map: median {med(drill):.2f} s")


if __name__ == "__main__":
    main()
