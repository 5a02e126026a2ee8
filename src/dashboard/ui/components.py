"""Reusable page parts: KPI cards and ranked tables."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import config, fmt
from dashboard.charts.ranking import BAND_COLOURS, band
from dashboard.i18n import t
from dashboard.metrics.kpi import KpiRow


def _delta(now: float | None, before: float | None, lang: str) -> str | None:
    if now is None or before is None:
        return None
    return f"{fmt.number(now - before, lang, 2) if now >= before else '-' + fmt.number(before - now, lang, 2)} " \
           f"{t('points', lang)} {t('vs_previous', lang)}"


def kpi_cards(row: KpiRow, previous: KpiRow, lang: str) -> None:
    """The headline figures, official on-time rate first with its 95 % target."""
    target = config.TARGETS["on_time_rate"]
    rate = row.rate("on_time_rate")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.metric(t("on_time_rate", lang), fmt.percent(rate, lang), _delta(rate, previous.rate("on_time_rate"), lang),
                  help=t("kpi_help_on_time_rate", lang), border=True)
        if rate is not None:
            colour = {"ok": "green", "near": "orange", "low": "red"}[band(rate, target)]
            st.badge(t("target", lang, value=fmt.percent(target, lang, 0)), color=colour)
    with c2:
        r = row.rate("on_time_rate_finished")
        st.metric(t("on_time_rate_finished", lang), fmt.percent(r, lang),
                  _delta(r, previous.rate("on_time_rate_finished"), lang),
                  help=t("kpi_help_on_time_rate_finished", lang), border=True)
    with c3:
        st.metric(t("overdue", lang), fmt.number(row.overdue, lang),
                  help=t("kpi_help_overdue", lang), border=True)
        st.caption(f"{t('finished_late', lang)}: {fmt.number(row.finished_late, lang)} · "
                   f"{t('open_overdue', lang)}: {fmt.number(row.open_overdue, lang)}")
    with c4:
        st.metric(t("overdue_without_apology", lang), fmt.number(row.overdue_without_apology, lang), border=True)
    cols = st.columns(6)
    small = [("received", fmt.number(row.received, lang)), ("carried_in", fmt.number(row.carried_in, lang))]
    small += [(k, fmt.percent(row.rate(k), lang)) for k in
              ("online_rate", "online_payment_rate", "digitised_rate", "satisfaction_rate")]
    for col, (key, value) in zip(cols, small):
        with col:
            st.metric(t(key, lang), value, border=True)


def ranked_table(df: pd.DataFrame, lang: str) -> None:
    """Units ranked by the official on-time rate (no-data units last), formatted vi-VN."""
    target = config.TARGETS["on_time_rate"]
    d = df.sort_values(["on_time_rate", "received"], ascending=[False, False], na_position="last").reset_index(drop=True)
    rank = d["on_time_rate"].rank(method="min", ascending=False)
    shown = pd.DataFrame({
        t("col_rank", lang): [("" if pd.isna(r) else str(int(r))) for r in rank],
        t("col_unit", lang): d["name"],
        t("on_time_rate", lang): [fmt.percent(v, lang) for v in d["on_time_rate"]],
        t("col_handled", lang): [fmt.number(v, lang) for v in d["received"] + d["carried_in"]],
        t("overdue", lang): [fmt.number(v, lang) for v in d["overdue"]],
        t("overdue_without_apology", lang): [fmt.number(v, lang) for v in d["overdue_without_apology"]],
        t("online_rate", lang): [fmt.percent(v, lang) for v in d["online_rate"]],
    })
    bands = [band(v, target) for v in d["on_time_rate"]]
    rate_col = t("on_time_rate", lang)

    def colour(col: pd.Series) -> list[str]:
        if col.name != rate_col:
            return [""] * len(col)
        return [f"color: {BAND_COLOURS[b]}; font-weight: 600" for b in bands]

    st.dataframe(shown.style.apply(colour), hide_index=True, width="stretch",
                 height=min(36 * (len(shown) + 1) + 4, 640))
    below = sum(b in ("near", "low") for b in bands)
    if below:
        st.caption(t("below_target", lang, n=below, target=fmt.percent(target, lang, 0)))
