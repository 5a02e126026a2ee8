"""What ui/compat relies on in Streamlit still holds: each test fails on a release that changes it."""

from __future__ import annotations

import logging

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dashboard.ui import compat


@pytest.fixture
def fresh_flag():
    before = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None  # as in a server that has not run a session yet
    yield
    PagesManager.uses_pages_directory = before


def test_the_version_is_the_one_checked():
    assert st.__version__.startswith(compat.STREAMLIT_MINOR + "."), (
        f"Streamlit {st.__version__}: re-check ui/compat.py against it, then update STREAMLIT_MINOR"
    )


def test_a_pages_folder_still_reads_as_a_legacy_app_until_we_say_otherwise(tmp_path, fresh_flag):
    (tmp_path / "pages").mkdir()
    main = tmp_path / "app.py"
    main.write_text("")
    PagesManager(str(main))
    assert PagesManager.uses_pages_directory is True  # what the workaround exists for
    compat.leave_pages_directory()
    PagesManager(str(main))  # a later session's manager keeps the setting
    assert PagesManager.uses_pages_directory is False


def test_the_missing_context_warning_comes_through_the_logger_we_quiet(caplog):
    @st.cache_resource
    def opened(x: int) -> int:
        return x

    with caplog.at_level(logging.WARNING):
        opened(1)
    assert any(r.name == compat.CONTEXT_LOGGER and "ScriptRunContext" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING), compat.no_script_context_warning():
        opened(2)
    assert not [r for r in caplog.records if r.name == compat.CONTEXT_LOGGER]
    assert logging.getLogger(compat.CONTEXT_LOGGER).level != logging.ERROR  # restored after the block
