"""The page shield: an error becomes a message with an incident reference (the log has the traceback),
while st.stop() and st.rerun() still do what they do. Fails if Streamlit ever raises those as Exception."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture
def shown(monkeypatch):
    monkeypatch.delenv("DASHBOARD_PAGE_ERRORS", raising=False)  # the visitors' behaviour, not the tests'


def _broken():
    import streamlit as st

    from dashboard.ui import errors

    def page():
        st.write("before")
        raise ValueError("year 10000 is out of range /srv/secret/path.py")

    errors.shielded(page, "page x", "vi")
    st.write("after")


def _stops():
    import streamlit as st

    from dashboard.ui import errors

    errors.shielded(st.stop, "page x", "vi")
    st.write("after")


def _reruns():
    import streamlit as st

    from dashboard.ui import errors

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if st.session_state["runs"] == 1:
        errors.shielded(st.rerun, "page x", "vi")
    st.write(f"runs {st.session_state['runs']}")


def test_an_error_is_a_message_with_a_reference_and_the_log_has_the_traceback(shown, caplog):
    at = AppTest.from_function(_broken)
    with caplog.at_level(logging.ERROR, logger="dashboard.pages"):
        at.run()
    assert not at.exception
    [err] = at.error
    assert "ValueError" in err.value and "mã sự cố" in err.value
    assert "/srv/secret" not in err.value and "10000" not in err.value  # no detail for the visitor
    ref = err.value.split("mã sự cố ")[1].split(" ")[0]
    [rec] = [r for r in caplog.records if r.name == "dashboard.pages"]
    assert ref in rec.getMessage() and rec.exc_info and "10000" in str(rec.exc_info[1])
    assert [m.value for m in at.markdown] == ["before", "after"]  # the rest of the app still runs


def test_stop_and_rerun_pass_through_the_shield(shown):
    at = AppTest.from_function(_stops)
    at.run()
    assert not at.exception and not at.error
    assert "after" not in [m.value for m in at.markdown]
    at = AppTest.from_function(_reruns)
    at.run()
    assert not at.error and [m.value for m in at.markdown] == ["runs 2"]


def test_in_raise_mode_the_error_reaches_the_test(monkeypatch):
    monkeypatch.setenv("DASHBOARD_PAGE_ERRORS", "raise")
    at = AppTest.from_function(_broken)
    at.run()
    assert at.exception and "year 10000" in at.exception[0].message


def test_visitors_are_shown_no_error_details():
    import tomllib

    from dashboard.config import ROOT

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] == "none"
