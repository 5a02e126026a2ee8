"""Hồ sơ quá hạn of a unit (own or whole territory) and period, opened by URL from the map."""
import streamlit as st

from dashboard import fmt
from dashboard.i18n import t
from dashboard.ui import data, filters

f = filters.current()
lang = f.lang
st.title(t("page_overdue", lang))
st.markdown(f"#### {f.unit_name} · {filters.period_label(f.period, lang)} · "
            f"{t('scope_territory' if f.territory else 'scope_own', lang)}")
if f.state.demo:
    st.info(t("demo_banner", lang), icon="ℹ️")
limit = 500
df, counts = data.overdue(f.state.url, f.state.data_version, f.period, f.unit_code, f.territory, limit)
st.write(t("overdue_summary", lang, late=fmt.number(counts.finished_late, lang),
           open=fmt.number(counts.open_overdue, lang), end=fmt.day(f.period.end, lang),
           noapo=fmt.number(counts.overdue_without_apology, lang)))
st.caption(t("overdue_partial", lang, n=fmt.number(limit, lang)))
if len(df):
    shown = {
        t("col_code", lang): df["code"],
        t("col_procedure", lang): df["procedure_code"] + " " + df["procedure_name"].fillna(""),
        t("col_field", lang): df["field_name"],
        t("col_state", lang): [t(f"state_{s}", lang) for s in df["state"]],
        t("col_received", lang): [fmt.day(d, lang) for d in df["received_date"]],
        t("col_due", lang): [fmt.day(d, lang) for d in df["due_date"]],
        t("col_end", lang): [fmt.day(d, lang) for d in df["end_date"]],
        t("col_days_overdue", lang): df["days_overdue"],
        t("col_apology", lang): [t("yes", lang) if a == 1 else t("no", lang) for a in df["apology"]],
    }
    st.dataframe(shown, hide_index=True, width="stretch", height=min(36 * (len(df) + 1) + 4, 700))
