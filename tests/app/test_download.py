"""A download is built when asked for, and a build that fails says so in the user's language (Streamlit's
own deferred download shows a five-second English note, or nothing)."""

from __future__ import annotations

import pytest
from helpers import ROOT
from streamlit.testing.v1 import AppTest


@pytest.mark.parametrize(
    "lang, save, failed",
    [("vi", "Lưu bao-cao-2025-Q2.xlsx", "Không tạo được tệp"), ("en", "Save bao-cao-2025-Q2.xlsx", "Could not make")],
)
def test_download_builds_then_saves_or_tells_the_failure(lang, save, failed, caplog):
    at = AppTest.from_file(str(ROOT / "tests" / "app" / "download_app.py"))
    at.session_state["lang"] = lang
    at.run()
    assert not at.get("download_button")  # nothing is built before it is asked for
    at.button(key="rep_xlsx_make").click().run()
    assert [e.proto.label for e in at.get("download_button")] == [save] and not at.error
    at.session_state["fail"] = True
    at.button(key="rep_xlsx_make").click().run()
    assert not at.exception and not at.get("download_button")
    assert at.error[0].value.startswith(failed) and "bao-cao-2025-Q2.xlsx" in at.error[0].value
    assert "the warehouse went away" in caplog.text  # the traceback is in the operator's log, not on the page
    assert "went away" not in at.error[0].value
