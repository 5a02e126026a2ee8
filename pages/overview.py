"""Tổng quan: headline KPIs of the chosen unit and period, and the rankings beneath it."""

import streamlit as st

from dashboard import config, fmt
from dashboard.charts.ranking import ranking_svg
from dashboard.i18n import t
from dashboard.metrics.kpi import COUNT_FIELDS, KpiRow
from dashboard.metrics.warning import DROP_POINTS
from dashboard.ui import components, data, filters, state

f = filters.current()
lang, src = f.lang, f.src

st.title(t("page_overview", lang))
st.markdown(
    f"#### {f.unit_name} · {fmt.period(f.period, lang)} · {t('scope_territory' if f.territory else 'scope_own', lang)}"
)
components.demo_banner(f)


def row_of(period, code) -> KpiRow:
    table = data.kpi_table(src, period, "all", f.territory)
    hit = table[table["code"] == code]
    return KpiRow.from_counts(hit.iloc[0][list(COUNT_FIELDS)].to_dict()) if len(hit) else KpiRow()


components.kpi_cards(row_of(f.period, f.unit_code), row_of(f.period.previous(), f.unit_code), lang)

st.page_link(
    state.page_file("overdue"),
    icon=":material/assignment_late:",
    label=t("open_overdue_page", lang),
    query_params=state.params(f),
)

target = config.TARGETS["on_time_rate"]
due_days = config.due_soon_days()
# the rankings and the early warning of this unit and period: computed once, shared by every session
tables, warning = data.overview_sections(src, f.period, f.unit_code, f.unit_kind, f.state.as_of, due_days, target)
st.subheader(t("warning_title", lang))
st.caption(
    t(
        "warning_help",
        lang,
        target=fmt.percent(target, lang, 0),
        drop=fmt.number(DROP_POINTS, lang),
        n=due_days,
        asof=fmt.day(f.state.as_of, lang),
    )
)
components.warning_table(warning, f.period, lang, target)

for title, table in tables.items():
    st.subheader(t(title, lang))
    if table.empty:
        st.caption(t("nothing_to_rank", lang))
        continue
    left, right = st.columns([4, 7])
    with left:
        # markdown, not st.html: st.html's sanitiser keeps HTML only and would drop the SVG
        st.markdown(
            ranking_svg(components.ranked(table), "on_time_rate", target, lang, label=t(title, lang)),
            unsafe_allow_html=True,
        )
    with right:
        components.ranked_table(table, lang)
