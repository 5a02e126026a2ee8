"""Xu hướng: monthly rates and counts of the chosen unit, units compared, and PAR Index / SIPAS by year."""

import pandas as pd
import streamlit as st

from dashboard import config, fmt
from dashboard.i18n import published_term, t
from dashboard.metrics import periods, trends
from dashboard.ui import components, data, filters, state
from dashboard.ui import figures as charts

f = filters.current()
lang, src, wh = f.lang, f.src, f.state
cutoff = f.cutoff

st.title(t("page_trends", lang))
st.markdown(f"#### {f.unit_name} · {t('scope_territory' if f.territory else 'scope_own', lang)}")
components.demo_banner(f)

# Up to the newest complete month, whatever the chosen period (which is shaded): a unit merged away
# is then seen continuing in its successor
last = max(periods.latest_complete(wh.as_of, "month", cutoff), periods.containing(f.period.end, "month", cutoff))
every = periods.months_between(wh.first_day, min(last.end, wh.as_of), cutoff)
span = st.segmented_control(
    t("trend_span", lang),
    [12, 24, 36, 0],
    default=24,
    key="tr_span",
    format_func=lambda n: t("trend_span_n", lang, n=n) if n else t("trend_span_all", lang),
)
months = every[-span:] if span else every
chosen = (f.period.start, f.period.end)
st.caption(
    t("trend_months", lang, cutoff=cutoff, start=fmt.day(months[0].start, lang), end=fmt.day(months[-1].end, lang))
)

units = data.all_units(src)
walk = data.crosswalk(src)
succ = data.successors(src)
names = dict(zip(units["code"], units["name"]))
events = [e for e in trends.events_for(f.unit_code, walk) if months[0].start <= e.effective <= months[-1].end]

merged = False
if trends.predecessors(f.unit_code, succ):
    # a province that others joined runs like-for-like from its first month (its own code names only a
    # part of it before); a commune's merger is a toggle
    merged = st.toggle(
        t("trend_merged", lang), value=f.unit_kind == "province", key="tr_merged", help=t("trend_merged_help", lang)
    )
s = data.series(src, tuple(months), f.unit_code, f.territory, merged)
for e in events:
    if e.retired == f.unit_code:
        st.info(
            t(
                "trend_continues",
                lang,
                unit=f.unit_name,
                date=fmt.day(e.effective, lang),
                successor=names.get(e.successor, e.successor),
            ),
            icon=":material/merge:",
        )

targets = config.TARGETS
st.subheader(t("trend_on_time", lang))
st.plotly_chart(
    charts.rates_with_counts(
        s,
        ("on_time_rate", "on_time_rate_finished"),
        targets,
        lang,
        bars=("received", "overdue"),
        events=events,
        names=names,
        cutoff=cutoff,
        highlight=chosen,
    ),
    width="stretch",
    config={"displayModeBar": False},
    key="tr_chart_on_time",
)
st.caption(
    f"{t('on_time_rate', lang)}: {t('kpi_help_on_time_rate', lang)} "
    f"{t('on_time_rate_finished', lang)}: {t('kpi_help_on_time_rate_finished', lang)}"
)
st.subheader(t("trend_digital", lang))
st.plotly_chart(
    charts.rates_with_counts(
        s,
        ("online_rate", "online_payment_rate", "digitised_rate"),
        targets,
        lang,
        bars=("received", "received_online"),
        events=events,
        names=names,
        cutoff=cutoff,
        highlight=chosen,
    ),
    width="stretch",
    config={"displayModeBar": False},
    key="tr_chart_digital",
)

with st.expander(t("trend_table", lang)):
    shown = pd.DataFrame(
        {
            t("col_month", lang): [fmt.month(y, m, lang) for y, m in zip(s["year"], s["month"])],
            t("col_shown_unit", lang): [names.get(c, "—") if c else "—" for c in s["shown_code"]],
            t("received", lang): [fmt.number(v, lang) for v in s["received"]],
            t("overdue", lang): [fmt.number(v, lang) for v in s["overdue"]],
            **{
                t(r, lang): [fmt.percent(v, lang) for v in s[r]]
                for r in (
                    "on_time_rate",
                    "on_time_rate_finished",
                    "online_rate",
                    "online_payment_rate",
                    "digitised_rate",
                )
            },
        }
    )
    components.table(shown.iloc[::-1])

# ---- units compared ----
st.subheader(t("trend_compare", lang))
valid = data.units_in_period(src, months[0].start, months[-1].end)
order = valid.assign(_o=valid["kind"].map(filters.KIND_ORDER)).sort_values(["_o", "name"])
choices = set(order["code"])
state.settle_many("tr_units", [f.unit_code], choices)  # a shorter span may drop a unit merged away before it
left, right = st.columns([3, 1])
with right:
    rate = st.selectbox(
        t("metric", lang),
        [
            "on_time_rate",
            "on_time_rate_finished",
            "online_rate",
            "online_payment_rate",
            "digitised_rate",
            "satisfaction_rate",
        ],
        key="tr_metric",
        format_func=lambda r: t(r, lang),
    )
with left:
    picked = st.multiselect(
        t("trend_compare_units", lang, n=config.MAX_COMPARED),
        order["code"].tolist(),
        key="tr_units",
        max_selections=config.MAX_COMPARED,
        format_func=lambda c: names.get(c, c),
        placeholder=t("choose_units", lang),
        select_all=False,
    )
if picked:
    lines = {names.get(c, c): data.series(src, tuple(months), c, f.territory) for c in picked}
    compare_events = [
        e for c in picked for e in trends.events_for(c, walk) if months[0].start <= e.effective <= months[-1].end
    ]
    st.plotly_chart(
        charts.compare(
            lines, rate, targets.get(rate), lang, events=list(dict.fromkeys(compare_events)), names=names, cutoff=cutoff
        ),
        width="stretch",
        config={"displayModeBar": False},
        key="tr_chart_compare",
    )

# ---- published indices ----
st.subheader(t("published_title", lang))
pub = data.published(src)
index_rows = pub[pub["index_name"].isin(["SIPAS", "PAR"]) & pub["component"].isna()]
home = data.home_province(src, f.period.end) or ""
area_names = dict(zip(index_rows["area_code"], index_rows["area_name"]))
peer_options = sorted(set(index_rows["area_code"]) - {home, "VN"}, key=lambda c: area_names[c])
state.settle_many("tr_peers", config.DEFAULT_PEERS, peer_options)
peers = st.multiselect(
    t("published_peers", lang),
    peer_options,
    key="tr_peers",
    format_func=lambda c: area_names[c],
    placeholder=t("choose_provinces", lang),
    select_all=False,
)
st.caption(t("published_help", lang))
areas = [home, "VN", *peers]
for col, name in zip(st.columns(2), ("SIPAS", "PAR")):
    with col:
        st.markdown(f"**{t('index', lang)}: {t('index_' + name.lower(), lang)}**")
        rows = index_rows[(index_rows["index_name"] == name) & index_rows["area_code"].isin(areas)]
        if rows.empty:
            st.caption(t("no_published_rows", lang))
        else:
            st.plotly_chart(
                charts.published(rows, home, lang),
                width="stretch",
                config={"displayModeBar": False},
                key=f"tr_pub_{name}",
            )
        # a chosen province with no published figure of this index is named, not silently left out
        absent = [a for a in areas if a not in set(rows.loc[rows["score"].notna(), "area_code"]) and a in area_names]
        if absent:
            st.caption(
                t(
                    "published_absent",
                    lang,
                    index=t("index_" + name.lower(), lang),
                    names=", ".join(published_term(area_names[a], lang) for a in absent),
                )
            )
comp = pub[(pub["index_name"] == "PAR") & pub["component"].notna() & (pub["area_code"] == home)]
if len(comp):
    st.markdown(f"**{t('par_components', lang, province=comp['area_name'].iloc[0])}**")
    st.caption(t("par_components_help", lang))
    st.plotly_chart(charts.components(comp, lang), width="stretch", config={"displayModeBar": False}, key="tr_par_comp")
st.markdown(f"**{t('published_table', lang)}**")
components.published_table(pd.concat([index_rows[index_rows["area_code"].isin(areas)], comp]), lang, by_year=True)
