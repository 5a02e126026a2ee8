"""Warm-up when the server starts, so the first visitor after a restart does not pay for it: the pages'
imports (about 0.7 s of pandas, SQLAlchemy, DuckDB, plotly), opening the warehouse, and the extra run
Streamlit makes of a session's first page while it still takes pages/ for a legacy page folder."""

from __future__ import annotations

import ast
import importlib
import logging
import time
from pathlib import Path

log = logging.getLogger("dashboard.warm")


def page_imports(root: Path) -> list[str]:
    """What app.py and the page files under root import, in a stable order (`from a.b import c` gives
    a.b.c, which `_import` takes as a module or else as a name in a.b)."""
    found: dict[str, None] = {}
    for path in [root / "app.py", *sorted((root / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update((a.name, None) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.update((f"{node.module}.{a.name}", None) for a in node.names)
    return list(found)


def _import(name: str) -> str | None:
    """Import `name`, or the package it names an attribute of; the module imported, or None."""
    for candidate in (name, name.rpartition(".")[0]):
        if not candidate:
            continue
        try:
            importlib.import_module(candidate)
            return candidate
        except ImportError:
            continue
    return None


def warm_up(root: Path, url: str) -> dict:
    """Import what app.py and the pages import, take Streamlit off the legacy pages/ folder (app.py's
    st.navigation names the pages), and open the warehouse at `url`. A warehouse that is missing or broken
    is logged and left to the first page to report, not a reason for the server not to start."""
    t0 = time.perf_counter()
    from streamlit.runtime.pages_manager import PagesManager

    # What app.py's first st.navigation call would do; without it the first session's first page runs
    # once outside app.py and again through it (see filters.current).
    PagesManager.uses_pages_directory = False
    modules = [m for m in map(_import, page_imports(root)) if m]
    from dashboard.ui import data

    # cache_resource called outside a script run: Streamlit warns about the missing script context
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        opened = data.state(url).ready  # catches what opening raises, as on a page
    finally:
        quiet.setLevel(level)
    if not opened:
        log.warning("warm-up could not open the warehouse %s (the first page will say why)", url)
    return {"modules": len(set(modules)), "warehouse": opened, "seconds": round(time.perf_counter() - t0, 2)}
