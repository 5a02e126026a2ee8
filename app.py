"""Bản đồ thể chế — navigation, sign-in and the shared filters. Run: streamlit run app.py"""

import streamlit as st

from dashboard.auth import may_import
from dashboard.i18n import t
from dashboard.ui import FAVICON, auth, data, errors, filters

lang = filters.language()
# the tab's icon is a file of ours: a Material icon as page_icon is fetched from Google's font server
st.set_page_config(page_title=t("app_title", lang), page_icon=str(FAVICON), layout="wide")
state = data.state(data.db_url())

# URL paths are the file names (/overview, /overdue): Streamlit knows those before the first run, so a
# deep link opened on a freshly started server does not meet a "page not found" dialog. The map is the
# product, so it is the landing page (/); /map, the address of earlier links and bookmarks, stays served
# by a hidden alias (a default page's own path is never served, and two pages may not share one).
present = st.Page("pages/present.py", title=t("page_present", lang), icon=":material/co_present:")
pages = [
    st.Page("pages/map.py", title=t("page_map", lang), icon=":material/map:", default=True, url_path="home"),
    st.Page("pages/overview.py", title=t("page_overview", lang), icon=":material/dashboard:"),
    st.Page("pages/overdue.py", title=t("page_overdue", lang), icon=":material/assignment_late:"),
    st.Page("pages/trends.py", title=t("page_trends", lang), icon=":material/trending_up:"),
    st.Page("pages/scorecard.py", title=t("page_scorecard", lang), icon=":material/target:"),
    st.Page("pages/rankings.py", title=t("page_rankings", lang), icon=":material/leaderboard:"),
    st.Page("pages/report.py", title=t("page_report", lang), icon=":material/description:"),
    present,
    st.Page("pages/map.py", title=t("page_map", lang), icon=":material/map:", url_path="map", visibility="hidden"),
]

# Sign-in first: a visitor the users file does not let in sees the sign-in screen and nothing else
# (navigation is registered, hidden, so the deep link she opened is still served after signing in).
cfg, user = auth.identify(lang)
if user is None:
    st.navigation(pages, position="hidden")
    auth.sign_in_screen(cfg, lang)
    st.stop()
importing = st.Page("pages/import.py", title=t("page_import", lang), icon=":material/upload_file:")
if may_import(user):  # leaders and administrators; not listed (nor served) for a department head
    pages.insert(pages.index(present), importing)
filters.set_access(user, data.Source(state.url, state.data_version, user.root))
if state.ready and state.as_of is None and may_import(user):
    # an empty warehouse (just `init`): the first data can come from the browser, on the import page
    st.warning(t("no_data_yet_import", lang), icon=":material/upload_file:")
    filters.set_current(filters.NO_DATA)
    errors.shielded(st.navigation([importing], position="hidden").run, f"page {importing.url_path}", lang)
    st.stop()
if not state.ready or state.as_of is None:
    st.title(t("app_title", lang))
    st.warning(t("no_warehouse", lang, url=state.url) if not state.ready else t("no_data_yet", lang))
    st.stop()

if not state.current:  # readable as it is, but the operator should upgrade it before the next import
    st.warning(t("warehouse_outdated", lang), icon=":material/upgrade:")

# ?present=1 on any page opens the projector page with the same filters (it hides the sidebar itself)
page = st.navigation(pages, position="hidden" if filters.presenting() else "sidebar")
if filters.presenting() and page.url_path != present.url_path:
    st.switch_page(present, query_params=st.query_params.to_dict())
# Data a page cannot show stops that page with a message, not the app: the sidebar and the other pages
# stay usable, and the traceback goes to the operator's log.
if not errors.shielded(
    lambda: filters.set_current(filters.sidebar(state, cfg, user, draw=not filters.presenting())), "sidebar", lang
):
    st.stop()
for note in filters.link_notes():
    st.info(note, icon=":material/link:")
errors.shielded(page.run, f"page {page.url_path or 'map'}", lang)
