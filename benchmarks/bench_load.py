"""Load without browsers: N concurrent Streamlit sessions over the websocket protocol (issue 19).

    python benchmarks/bench_load.py [--sessions 50] [--scale 0.1] [--data-dir DIR] [--cpus 0,1]

Starts the dashboard as `make start` does (pinned to --cpus with taskset when given) on a demo warehouse,
then drives it with clients speaking Streamlit's own protocol (the BackMsg/ForwardMsg protobufs that ship
with Streamlit), so no browser eats the server's CPU. Each session, for a different unit: opens the
overview, the map and the overdue page, then changes the period three times. An action's time is from
sending the rerun to the script's `script_finished`. First one session alone (the reference, same
run), then all sessions at once; printed side by side with errors and the server's peak RSS.
Budgets at the default demo scale on 2 cores: 0 errors, p95 ≤ 3 s, RSS ≤ 600 MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]
from bench_map import app_env, demo_data, port  # noqa: E402

from dashboard.web import SERVE  # noqa: E402

PERIODS = ("2025-Q2", "2025-Q1", "2024-Q4", "2025-03")
TIMEOUT = 120.0


class Rss:
    """The peak resident memory of a process and its children, sampled from /proc every 0.2 s."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _tree(self) -> list[int]:
        out = [self.pid]
        try:
            for child in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split():
                out.append(int(child))
        except OSError:
            pass
        return out

    def now(self) -> int:
        total = 0
        for pid in self._tree():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self.now())

    def stop(self) -> int:
        self._stop.set()
        self._t.join()
        return self.peak


class Session:
    """One browser tab, as far as the server can tell: a websocket, reruns, and the messages back."""

    def __init__(self, url: str):
        self.url = url
        self.ws = None
        self.errors: list[str] = []
        self.elements = 0  # elements drawn, so a page that drew nothing shows up in the figures

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=2**26, open_timeout=TIMEOUT, ping_interval=None
        )
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, page: str, query: dict) -> float:
        """Rerun `page` with `query`; seconds until the script finished. Exceptions drawn are errors."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = urlencode(query)
        msg.rerun_script.page_name = page
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                which = el.WhichOneof("type")
                self.elements += 1
                if which == "exception":
                    self.errors.append(f"{page}: {el.exception.type}: {el.exception.message[:200]}")
                elif which == "alert" and el.alert.format == el.alert.ERROR:
                    self.errors.append(f"{page}: error shown: {el.alert.body[:200]}")
            elif kind == "page_not_found":
                self.errors.append(f"{page}: page not found")
            elif kind == "script_finished":
                if fwd.script_finished == fwd.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page switched or reran itself: the run that follows is the one that counts
                return time.perf_counter() - t0


async def one_session(
    ws_url: str, unit: str, times: dict[str, list[float]], errors: list[str], drawn: list, trivial: bool = False
) -> None:
    try:
        async with Session(ws_url) as s:
            base = {"unit": unit, "period": PERIODS[0]}
            for page in ("overview", "", "overdue"):  # "" is the landing page, the map
                times[page or "map"].append(await s.run("" if trivial else page, base))
            for period in PERIODS[1:]:
                times["period change"].append(await s.run("" if trivial else "overdue", {**base, "period": period}))
            errors.extend(s.errors)
            drawn.append(s.elements)
    except Exception as e:  # a refused or dropped connection, a timeout: counted, not raised
        errors.append(f"{unit}: {type(e).__name__}: {e}")


async def drive(ws_url: str, units: list[str], trivial: bool = False) -> tuple[dict, list[str], float]:
    times: dict[str, list[float]] = {"overview": [], "map": [], "overdue": [], "period change": []}
    errors: list[str] = []
    drawn: list[int] = []
    t0 = time.perf_counter()
    await asyncio.gather(*(one_session(ws_url, u, times, errors, drawn, trivial) for u in units))
    times["_drawn"] = drawn  # type: ignore[assignment]
    return times, errors, time.perf_counter() - t0


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def units_to_visit(data_dir: Path, n: int) -> list[str]:
    from dashboard.metrics import periods
    from dashboard.warehouse import queries
    from dashboard.warehouse.engine import make_engine

    p = periods.parse(PERIODS[0], 15)
    e = make_engine(f"duckdb:///{data_dir / 'warehouse.duckdb'}", read_only=True)
    with e.connect() as conn:
        u = queries.units_in_period(conn, p.start, p.end, None)
    e.dispose()
    order = {"district": 0, "department": 1, "commune": 2, "land_registry_branch": 3}
    u = u[u["kind"].isin(list(order))].assign(o=lambda d: d["kind"].map(order)).sort_values(["o", "code"])
    return (u["code"].tolist() * (n // len(u) + 1))[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--data-dir")
    ap.add_argument("--cpus", default="0,1", help="CPUs the server may use (taskset); '' for all")
    args = ap.parse_args()
    with demo_data(args.data_dir, args.scale, "bench_load_") as d:
        units = units_to_visit(d, args.sessions)
        env = app_env(d)
        env.setdefault("DASHBOARD_GEO_DIR", str(ROOT / "geo"))
        with served(SERVE, env, ROOT, args.cpus) as (p, rss):
            ws_url = f"ws://127.0.0.1:{p}/_stcore/stream"
            idle = rss.now()
            ref, ref_err, _ = asyncio.run(drive(ws_url, units[:1]))
            load, errors, wall = asyncio.run(drive(ws_url, units))
            peak = rss.stop()
        # the reference of SPEC §8, measured in the same run: a one-line Streamlit page under the same load
        tmp = Path(tempfile.mkdtemp(prefix="bench_load_trivial_"))
        (tmp / "t.py").write_text("import streamlit as st\nst.write('trivial')\n")
        with served(tmp / "t.py", env, tmp, args.cpus) as (tp, trss):
            triv, triv_err, triv_wall = asyncio.run(drive(f"ws://127.0.0.1:{tp}/_stcore/stream", units, trivial=True))
            triv_peak = trss.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    drawn = load.pop("_drawn")
    ref.pop("_drawn")
    triv.pop("_drawn")
    n_actions = sum(len(v) for v in load.values())
    print(
        f"{args.sessions} sessions, {n_actions} actions in {wall:.1f} s (trivial page: {triv_wall:.1f} s); "
        f"server on CPUs {args.cpus or 'all'}"
    )
    print(f"{'action':<15} {'1 session p50':>14} {'N p50':>8} {'N p95':>8} {'N max':>8} {'trivial N p95':>14}")
    for k in load:
        print(
            f"{k:<15} {statistics.median(ref[k]) if ref[k] else float('nan'):>13.2f}s "
            f"{pct(load[k], 0.5):>7.2f}s {pct(load[k], 0.95):>7.2f}s {max(load[k], default=float('nan')):>7.2f}s "
            f"{pct(triv[k], 0.95):>13.2f}s"
        )
    every = [x for v in load.values() for x in v]
    every_t = [x for v in triv.values() for x in v]
    print(
        f"all actions: p50 {pct(every, 0.5):.2f} s, p95 {pct(every, 0.95):.2f} s (budget 3 s); "
        f"trivial page p50 {pct(every_t, 0.5):.2f} s, p95 {pct(every_t, 0.95):.2f} s"
    )
    print(f"elements drawn per session: min {min(drawn, default=0)}, median {statistics.median(drawn or [0]):.0f}")
    print(f"errors: {len(errors) + len(ref_err)} (budget 0); trivial page {len(triv_err)}")
    for e in (ref_err + errors + triv_err)[:10]:
        print("  ", e)
    print(
        f"server RSS: {idle / 2**20:.0f} MiB idle, peak {peak / 2**20:.0f} MiB (budget 600 MiB); "
        f"trivial page peak {triv_peak / 2**20:.0f} MiB"
    )


@contextmanager
def served(script: Path, env: dict, cwd: Path, cpus: str):
    """`streamlit run script` (pinned to `cpus`), ready: (port, an Rss sampler of it)."""
    import urllib.request

    p = port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(p), "--server.headless", "true"]
    if cpus:
        cmd = ["taskset", "-c", cpus, *cmd]
    server = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{p}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        yield p, Rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
