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


def refresh_stale(url: str) -> str:
    """Rebuild rollups that are behind the dossiers (a crash or an interrupted rebuild left them so) before
    the dashboard opens the warehouse to read: "fresh", "rebuilt", or "skipped" (logged: no warehouse yet,
    one that needs `upgrade` first, or a writer holding it — the next import rebuilds them then)."""
    from dashboard.warehouse import live, migrate, rollups
    from dashboard.warehouse.engine import has_schema, make_engine

    path = live.duckdb_file(url)
    if path is not None and not path.is_file():
        return "skipped"  # opening it to write would create an empty file
    engine = make_engine(url)
    try:
        if not has_schema(engine):
            return "skipped"
        with engine.connect() as conn:
            if not migrate.is_current(conn):
                log.warning("the warehouse needs `python -m dashboard upgrade`; its rollups were not checked")
                return "skipped"
            if not rollups.stale(conn):
                return "fresh"
        t0 = time.perf_counter()
        with engine.begin() as conn:
            rollups.rebuild(conn)
        log.warning("rollups were behind the dossiers: rebuilt in %.1f s", time.perf_counter() - t0)
        return "rebuilt"
    except Exception:  # a lock held by an import, a server that is down: the pages still read the dossiers
        log.exception("could not check or rebuild the rollups at start")
        return "skipped"
    finally:
        engine.dispose()


def warm_up(root: Path, url: str) -> dict:
    """Import what app.py and the pages import, take Streamlit off the legacy pages/ folder (app.py's
    st.navigation names the pages), and open the warehouse at `url`. A warehouse that is missing or broken
    is logged and left to the first page to report, not a reason for the server not to start."""
    t0 = time.perf_counter()
    from dashboard.ui import compat

    # What app.py's first st.navigation call would do; without it the first session's first page runs
    # once outside app.py and again through it (see filters.current).
    compat.leave_pages_directory()
    modules = [m for m in map(_import, page_imports(root)) if m]
    from dashboard import auth, config

    problem = auth.permission_problem(config.users_file())
    if problem:
        log.warning(problem)
    # before the read-only handle below: DuckDB takes no writer in a process that holds a reader
    rollup_state = refresh_stale(url)
    from dashboard.ui import data

    # cache_resource called outside a script run: Streamlit warns about the missing script context
    with compat.no_script_context_warning():
        opened = data.state(url).ready  # catches what opening raises, as on a page
    if not opened:
        log.warning("warm-up could not open the warehouse %s (the first page will say why)", url)
    return {
        "modules": len(set(modules)),
        "warehouse": opened,
        "rollups": rollup_state,
        "seconds": round(time.perf_counter() - t0, 2),
    }
