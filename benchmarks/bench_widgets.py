"""What each kind of Streamlit element costs a new visitor, with no server work at all.

    python benchmarks/bench_widgets.py [--runs 9]

Serves one-line pages behind dashboard.web's middleware, as `make start` serves the dashboard: the
trivial page of SPEC §8 (one st.write) and the same page plus one kind of element, plus the set of
widgets the overdue page and its sidebar draw (no data: fixed options, no queries). A fresh browser
context opens each in turn, interleaved over the runs; a page is ready when its script is idle and no
element is still a loading placeholder. Prints the median time, the difference from the trivial page,
and the renderer's main-thread time (Chrome's TaskDuration). Tells what a page's first visit cannot
go below however fast its queries are. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_map import ARGS, CHROMIUM, SKELETON, serve  # noqa: E402

ROW = "<tr>" + "<td>MH.0014 Đăng ký biến động quyền sử dụng đất</td>" * 12 + "</tr>"
#: name -> the lines added to the trivial page
PAGES = {
    "trivial": "",
    "markdown ×5": "for i in range(5): st.markdown(f'**{i}** một dòng chữ')",
    "html table 50×12": f"st.html('<table>' + {ROW!r} * 50 + '</table>')",
    "button ×4": "for i in range(4): st.button(f'b{i}')",
    "radio": "st.radio('r', ['a', 'b'], horizontal=True)",
    "segmented_control": "st.segmented_control('s', ['a', 'b', 'c'], default='a')",
    "selectbox": "st.selectbox('s', ['a', 'b', 'c'])",
    "selectbox ×4": "for i in range(4): st.selectbox(f's{i}', ['a', 'b', 'c'])",
    "multiselect": "st.multiselect('m', [f'o{i}' for i in range(40)])",
    "number_input": "st.number_input('n', 1, 60, 3)",
    "download_button": "st.download_button('d', data=b'x', file_name='x.xlsx')",
    "the overdue page's widgets": "\n".join(
        [
            "with st.sidebar:",
            "    st.radio('lang', ['vi', 'en'], horizontal=True)",
            "    st.segmented_control('kind', ['m', 'q', 'y', 'c'], default='q')",
            "    st.selectbox('period', [f'p{i}' for i in range(15)])",
            "    st.selectbox('unit', [f'u{i}' for i in range(298)])",
            "    st.radio('scope', ['t', 'o'], horizontal=True)",
            "a, b, c = st.columns([3, 5, 2])",
            "a.multiselect('field', [f'f{i}' for i in range(24)])",
            "b.multiselect('procedure', [f'p{i}' for i in range(37)])",
            "c.number_input('days', 1, 60, 3)",
            "st.segmented_control('list', ['a', 'b', 'c'], default='a')",
            "a, b, c, d = st.columns([4, 2, 2, 3])",
            "a.selectbox('sort', [f's{i}' for i in range(10)])",
            "b.selectbox('size', [25, 50, 100], index=1)",
            "c.number_input('page', 1, 80, 1)",
            "d.download_button('export', data=b'x', file_name='x.xlsx')",
        ]
    ),
}
SERVE = """import streamlit as st
from starlette.middleware import Middleware
from dashboard.web import DirectConnect
app = st.App({script!r}, middleware=[Middleware(DirectConnect)])
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    a = ap.parse_args()
    from browser import wait_for_app
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench_widgets_"))
    servers, urls = [], {}
    try:
        for i, (name, body) in enumerate(PAGES.items()):
            script = tmp / f"p{i}.py"
            script.write_text(f"import streamlit as st\nst.write('trivial')\n{body}\n", encoding="utf-8")
            (tmp / f"serve{i}.py").write_text(SERVE.format(script=str(script)), encoding="utf-8")
            proc, url = serve(tmp / f"serve{i}.py", dict(os.environ), tmp)
            servers.append(proc)
            urls[name] = url
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

            def visit(url: str) -> tuple[float, float]:
                ctx = b.new_context(viewport={"width": 1920, "height": 1080})
                page = ctx.new_page()
                cdp = ctx.new_cdp_session(page)
                cdp.send("Performance.enable")
                t0 = time.perf_counter()
                page.goto(url)
                wait_for_app(page)
                page.get_by_text("trivial").wait_for()
                page.wait_for_function(f"() => !document.querySelector({SKELETON!r})", polling=10)
                dt = time.perf_counter() - t0
                task = next(
                    m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration"
                )
                ctx.close()
                return dt, task

            for url in urls.values():  # each server's first session, not timed
                visit(url)
            runs: dict[str, list[tuple[float, float]]] = {k: [] for k in urls}
            for i in range(a.runs):
                for name in list(urls) if i % 2 == 0 else list(urls)[::-1]:
                    runs[name].append(visit(urls[name]))
            b.close()
    finally:
        for proc in servers:
            proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    base, base_task = med(r[0] for r in runs["trivial"]), med(r[1] for r in runs["trivial"])
    print(f"new visitor, ready (median of {a.runs}), with no server work; trivial page {base:.2f} s")
    for name, rs in runs.items():
        t, task = med(r[0] for r in rs), med(r[1] for r in rs)
        print(
            f"  {name:28s} {t:5.2f} s  {t - base:+.2f} s  {t / base:4.2f}× trivial   "
            f"main thread {task:4.2f} s ({task - base_task:+.2f})"
        )


if __name__ == "__main__":
    main()
