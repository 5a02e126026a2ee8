"""A page that meets data it cannot show says so and names where to look; the traceback goes to the
operator's log, never to the visitor, and the other pages keep working."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import streamlit as st

from dashboard import config
from dashboard.i18n import t

log = logging.getLogger("dashboard.pages")


def shielded(run: Callable[[], object], where: str, lang: str) -> bool:
    """Run `run` (a page, the sidebar); on an error show a short message with an incident reference that
    the log line carries too, and return False. st.stop() and st.rerun() pass through: Streamlit raises
    them as BaseException, which `except Exception` does not take (tests/ui/test_errors.py checks)."""
    try:
        run()
    except Exception as e:
        if config.page_errors_raise():
            raise
        ref = secrets.token_hex(4)
        log.exception("%s failed (incident %s)", where, ref)
        st.error(t("page_failed", lang, error=type(e).__name__, ref=ref), icon=":material/error:")
        return False
    return True
