"""Bản đồ thể chế — navigation and the shared filters. Run: streamlit run app.py"""
import streamlit as st

from dashboard.i18n import t
from dashboard.ui import data, filters

st.set_page_config(page_title="Bản đồ thể chế", page_icon="🗺️", layout="wide")

state = data.state(data.db_url())
lang = st.session_state.get("lang", st.query_params.get("lang", "vi"))
if not state.ready or state.as_of is None:
    st.title(t("app_title", lang))
    st.warning(t("no_warehouse", lang, url=state.url) if not state.ready else t("no_data_yet", lang))
    st.stop()

filters.set_current(filters.sidebar(state))
lang = filters.current().lang
pages = [st.Page("pages/overview.py", title=t("page_overview", lang), icon="📊", default=True, url_path="tong-quan")]
st.navigation(pages).run()
