"""What the dashboard relies on in Streamlit beyond its documented API, in one place. Each use is small and
tested (tests/ui/test_compat.py), so a Streamlit release that changes one fails a test instead of the app.

- **pages/ beside app.py.** Until a session's first `st.navigation` call, Streamlit's PagesManager takes a
  folder named `pages/` for a legacy (v1) multipage app and would run a deep-linked page once without app.py.
  The folder keeps its name (the project's layout asks for it); `leave_pages_directory` sets the class flag
  as that first call would. Used by the server's warm-up and by a page reached outside app.py.
- **cache_resource outside a script run** (the warm-up opens the warehouse before any visitor) logs
  "missing ScriptRunContext" through one logger: `no_script_context_warning` quiets that logger, for that call.

The HTML side (the boot script that spares a deep link Streamlit's path probing) is dashboard.web.DirectConnect,
tested in tests/web/test_direct_connect.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("dashboard.compat")
#: the Streamlit minor version these were checked against (pyproject.toml pins the same)
STREAMLIT_MINOR = "1.67"
#: the logger Streamlit warns through when a cached function runs outside a script run
CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def leave_pages_directory() -> None:
    """Tell Streamlit that pages/ is not a legacy page folder (app.py's st.navigation names the pages)."""
    from streamlit.runtime.pages_manager import PagesManager

    if not hasattr(PagesManager, "uses_pages_directory"):  # a release without the flag: say so, loudly
        log.critical("Streamlit's PagesManager.uses_pages_directory is gone: see dashboard/ui/compat.py")
        raise RuntimeError("PagesManager.uses_pages_directory")
    PagesManager.uses_pages_directory = False


@contextmanager
def no_script_context_warning() -> Iterator[None]:
    """Quiet Streamlit's "missing ScriptRunContext" warning for the block (and only that logger)."""
    quiet = logging.getLogger(CONTEXT_LOGGER)
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        yield
    finally:
        quiet.setLevel(level)
