"""A page with one download (ui.components.download) whose build fails when the session says so."""

import streamlit as st

from dashboard.ui import components


def build() -> bytes:
    if st.session_state.get("fail"):
        raise RuntimeError("the warehouse went away")
    return b"PK\x03\x04"


components.download(
    "Tải báo cáo (XLSX)",
    build,
    file_name="bao-cao-2025-Q2.xlsx",
    key="rep_xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    lang=st.session_state.get("lang", "vi"),
)
