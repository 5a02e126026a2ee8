"""Tổng quan: headline KPIs of the chosen unit and period, and the rankings beneath it."""
import streamlit as st

from dashboard import config
from dashboard.charts.ranking import ranking_bar
from dashboard.i18n import t
from dashboard.metrics.kpi import COUNT_FIELDS, KpiRow
from dashboard.ui import components, data, filters

f = filters.current()
lang, url, version = f.lang, f.state.url, f.state.data_version

st.title(t("page_overview", lang))
st.markdown(f"#### {f.unit_name} · {filters.period_label(f.period, lang)} · "
            f"{t('scope_territory' if f.territory else 'scope_own', lang)}")
if f.state.demo:
    st.info(t("demo_banner", lang), icon="ℹ️")


def row_of(period, code) -> KpiRow:
    table = data.kpi_table(url, version, period, "all", f.territory)
    hit = table[table["code"] == code]
    return KpiRow.from_counts(hit.iloc[0][list(COUNT_FIELDS)].to_dict()) if len(hit) else KpiRow()


components.kpi_cards(row_of(f.period, f.unit_code), row_of(f.period.previous(), f.unit_code), lang)

target = config.TARGETS["on_time_rate"]
if f.unit_kind == "district":
    sections = [("rank_communes", "commune", True, lambda d: d[d["parent_code"] == f.unit_code])]
elif f.unit_kind == "province":
    sections = [("rank_districts", "district", True, None), ("rank_departments", "department", False,
                 lambda d: d[d["kind"] == "department"]),
                ("rank_branches", "department", False, lambda d: d[d["kind"] == "land_registry_branch"])]
else:  # a department or office: rank the units under it, if any
    sections = [("rank_children", "all", True, lambda d: d[d["parent_code"] == f.unit_code])]
for title, level, territory, select in sections:
    table = data.kpi_table(url, version, f.period, level, territory)
    if select is not None:
        table = select(table)
    st.subheader(t(title, lang))
    if table.empty:
        st.caption(t("nothing_to_rank", lang))
        continue
    left, right = st.columns([4, 7])
    with left:
        st.plotly_chart(ranking_bar(table, "on_time_rate", target, lang), width="stretch",
                        config={"displayModeBar": False}, key=f"chart_{title}")
    with right:
        components.ranked_table(table, lang)
