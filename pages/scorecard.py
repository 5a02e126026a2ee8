"""Chỉ số 766: the scorecard of the chosen unit and period, estimated from dossier data, beside the
official scores when they have been imported."""

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.charts import palette
from dashboard.charts.scorecard import score_by_month
from dashboard.i18n import t
from dashboard.metrics import periods, scorecard
from dashboard.metrics.kpi import RATE_FIELDS
from dashboard.ui import components, data, filters, state

f = filters.current()
lang, src, wh = f.lang, f.src, f.state

st.title(t("page_scorecard", lang))
st.markdown(
    f"#### {f.unit_name} · {fmt.period_with_dates(f.period, lang)} · "
    f"{t('scope_territory' if f.territory else 'scope_own', lang)}"
)
components.demo_banner(f)


def rates_of(period) -> dict:
    table = data.kpi_table(src, period, "all", f.territory)
    hit = table[table["code"] == f.unit_code]
    return hit.iloc[0][list(RATE_FIELDS)].to_dict() if len(hit) else {}


card = scorecard.scorecard(rates_of(f.period))
before = scorecard.scorecard(rates_of(f.period.previous())) if f.period.kind != "custom" else None
official = data.official_scores(src, f.unit_code, f.period.key)
official_by_group = dict(zip(official["group_key"], zip(official["score"], official["max_score"])))


def num(v, d=2):
    return fmt.number(v, lang, d)


def delta(now, prev):
    if now is None or prev is None:
        return None
    return f"{'+' if now >= prev else '−'}{num(abs(now - prev))} {t('score_points', lang)} {t('vs_previous', lang)}"


c1, c2, c3 = st.columns(3)
with c1:
    st.metric(
        t("score_estimate", lang),
        t("score_estimate_value", lang, est=num(card.estimate), max=num(card.scored_max, 0))
        if card.estimate is not None
        else t("no_data", lang),
        delta(card.estimate, before.estimate if before else None),
        border=True,
        delta_color=palette.st_delta(card.estimate, before.estimate if before else None),
    )
with c2:
    st.metric(
        t("score_100", lang),
        num(card.score_100) if card.score_100 is not None else t("no_data", lang),
        delta(card.score_100, before.score_100 if before else None),
        border=True,
        delta_color=palette.st_delta(card.score_100, before.score_100 if before else None),
    )
    band_label = t(f"band_{card.band or 'none'}", lang)
    st.badge(
        f"{t('score_band', lang)}: {band_label}",
        color=palette.ST_BAND_766.get(card.band, "gray"),
    )
with c3:
    total = official_by_group.get("total")
    st.metric(
        t("score_official", lang),
        f"{num(total[0])} / {num(total[1], 0)}" if total else t("score_official_none", lang),
        border=True,
    )

st.caption(t("score_note", lang, computable=num(scorecard.COMPUTABLE_MAX, 0), bands=components.band_cutoffs(lang)))


def basis(g: scorecard.GroupScore) -> str:
    if g.status == "partial":
        return t("basis_partial", lang, part=num(g.computable_max, 0), max=num(g.max_points, 0))
    return t(f"basis_{g.status}", lang)


rows = []
for g in card.groups:
    ind = g.indicator
    off = official_by_group.get(g.group)
    rows.append(
        {
            t("col_group", lang): t(f"group_{g.group}", lang),
            t("col_group_max", lang): num(g.max_points, 0),
            t("col_indicator", lang): t(f"ind_{ind.key}", lang) if ind else "—",
            t("col_value", lang): fmt.percent(g.rate, lang) if ind else "—",
            t("col_full_at", lang): (
                t("linear", lang) if ind.full_at >= 100 else f"≥ {fmt.percent(ind.full_at, lang, 0)}"
            )
            if ind
            else "—",
            t("col_points", lang): f"{num(g.points)} / {num(g.computable_max, 0)}" if g.points is not None else "—",
            t("col_official", lang): f"{num(off[0])} / {num(off[1], 0)}" if off else "—",
            t("col_basis", lang): basis(g),
        }
    )
rows.append(
    {
        t("col_group", lang): t("group_total", lang),
        t("col_group_max", lang): "100",
        t("col_indicator", lang): "",
        t("col_value", lang): "",
        t("col_full_at", lang): "",
        t("col_points", lang): f"{num(card.estimate)} / {num(card.scored_max, 0)}"
        if card.estimate is not None
        else "—",
        t("col_official", lang): f"{num(total[0])} / {num(total[1], 0)}" if total else "—",
        t("col_basis", lang): t("score_estimate", lang),
    }
)
components.table(pd.DataFrame(rows))

# The estimate month by month over the last year, so a fall shows when it happened
months = periods.last_months(wh.first_day, min(f.period.end, wh.as_of), f.cutoff, 12)
s = scorecard.score_columns(data.series(src, tuple(months), f.unit_code, f.territory))
st.subheader(t("score_by_month", lang))
st.plotly_chart(score_by_month(s, lang), width="stretch", config={"displayModeBar": False}, key="sc_by_month")
if f.period.kind != "month" and card.score_100 is not None:  # a quarter can rank above all of its months
    st.caption(
        t(
            "score_period_not_mean",
            lang,
            period=fmt.period(f.period, lang),
            score=num(card.score_100),
            band=t(f"band_{card.band or 'none'}", lang),
        )
    )

pub = data.published(src)
p766 = pub[(pub["index_name"] == "766") & (pub["area_code"] == f.unit_code)]  # a province's published scores
if len(p766):
    st.markdown(f"**{t('score_published', lang)}**")
    components.published_table(p766, lang, by_year=True)

with st.expander(t("score_method", lang)):
    st.markdown(t("score_method_text", lang))
st.page_link(
    state.page_file("rankings"),
    icon=":material/leaderboard:",
    label=t("open_rankings", lang),
    query_params=state.params(f),
)
