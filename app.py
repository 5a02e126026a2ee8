"""Bản đồ thể chế — navigation and the shared filters. Run: streamlit run app.py"""
import streamlit as st

from dashboard.i18n import LANGS, t
from dashboard.ui import data, filters

st.set_page_config(page_title="Bản đồ thể chế", page_icon="🗺️", layout="wide")

state = data.state(data.db_url())
lang = st.session_state.get("lang") or st.query_params.get("lang", "vi")
lang = lang if lang in LANGS else "vi"
if not state.ready or state.as_of is None:
    st.title(t("app_title", lang))
    st.warning(t("no_warehouse", lang, url=state.url) if not state.ready else t("no_data_yet", lang))
    st.stop()

# Navigation first, so the requested page is resolved before the sidebar touches the URL. URL paths
# are the file names (/map, /overdue): Streamlit knows those before the first run, so a deep link
# opened on a freshly started server does not meet a "page not found" dialog.
pages = [
    st.Page("pages/overview.py", title=t("page_overview", lang), icon="📊", default=True),
    st.Page("pages/map.py", title=t("page_map", lang), icon="🗺️"),
    st.Page("pages/overdue.py", title=t("page_overdue", lang), icon="📋"),
    st.Page("pages/trends.py", title=t("page_trends", lang), icon="📈"),
    st.Page("pages/scorecard.py", title=t("page_scorecard", lang), icon="🎯"),
    st.Page("pages/rankings.py", title=t("page_rankings", lang), icon="🏆"),
    st.Page("pages/report.py", title=t("page_report", lang), icon="📑"),
]
page = st.navigation(pages)
filters.set_current(filters.sidebar(state))
page.run()
