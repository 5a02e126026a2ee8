"""Xếp hạng: departments, land-registry branches, districts and communes ranked by the 766 estimate or a
KPI, with bands, movement since the previous period and links to each unit's map and overdue list."""

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.charts import palette
from dashboard.charts.scorecard import BAND_766_COLOURS
from dashboard.i18n import t
from dashboard.metrics import ranking, scorecard
from dashboard.metrics.kpi import RATE_FIELDS
from dashboard.ui import components, data, filters, state

f = filters.current()
lang, src, period = f.lang, f.src, f.period

st.title(t("page_rankings", lang))
st.markdown(f"#### {fmt.period_with_dates(period, lang)}")
components.demo_banner(f)

GROUPS = ("district", "commune", "department", "land_registry_branch")
# the level of kpi_table and whether a unit's figures include its descendants (766 rolls districts up)
SOURCE = {
    "district": ("district", True),
    "commune": ("commune", True),
    "department": ("department", False),
    "land_registry_branch": ("department", False),
}
SCORE_FACTS = ("online_rate", "online_payment_rate", "digitised_rate")
qp = st.query_params
# a district's communes; else the districts — or, in a period without districts (from 07/2025), the communes
default_group = "commune" if f.unit_kind == "district" or not data.has_districts(src, period) else "district"
state.settle("rk_group", qp.get("group"), GROUPS, default_group)
state.settle("rk_measure", qp.get("measure"), [m for m, _ in ranking.MEASURES], "score_100")

c1, c2, c3 = st.columns([3, 2, 2])
with c1:
    group = (
        st.segmented_control(
            t("rank_group", lang), GROUPS, key="rk_group", format_func=lambda g: t(f"rank_group_{g}", lang)
        )
        or "district"
    )
with c2:
    measure = st.selectbox(
        t("rank_measure", lang),
        [m for m, _ in ranking.MEASURES],
        key="rk_measure",
        format_func=lambda m: t("score_100_label", lang) if m == "score_100" else t(m, lang),
    )
view = state.View.of("rankings", f, group=group, measure=measure)
view.write()


def table_for(p):
    level, territory = SOURCE[group]
    # a period that ends without districts: its units as they are at its end (merged ones at successors)
    d = data.kpi_table(src, p, level, territory, at_end=not data.has_districts(src, p))
    d = d[d["kind"] == group]
    return scorecard.score_columns(d)


now = table_for(period)
before = table_for(period.previous()) if period.kind != "custom" else None
if group == "commune" and data.has_districts(src, period):
    districts = data.kpi_table(src, period, "district", True)
    dnames = dict(zip(districts["code"], districts["name"]))
    state.settle("rk_district", f.unit_code, ("", *dnames), "")
    with c3:
        district = st.selectbox(
            t("rank_in_district", lang),
            ["", *sorted(dnames, key=dnames.get)],
            key="rk_district",
            format_func=lambda c: dnames.get(c, t("rank_all_districts", lang)),
        )
    if district:
        now = now[now["parent_code"] == district]
        before = before[before["parent_code"] == district] if before is not None else None

r = ranking.ranked(now, measure, before)
scope = "territory" if SOURCE[group][1] else "own"


def map_link(row) -> str | None:
    district = {"district": row["code"], "commune": row["parent_code"]}.get(group, row.get("area_code"))
    if group == "department" or not isinstance(district, str):
        return None
    return view.link("map", unit=row["code"], scope=scope, district=district)


def value_text(v) -> str:
    if measure == "score_100":
        return fmt.number(v, lang, 2) if pd.notna(v) else t("no_data", lang)
    return fmt.percent(v, lang) if measure in RATE_FIELDS else fmt.number(v, lang)


label = t("score_100_label", lang) if measure == "score_100" else t(measure, lang)
shown = pd.DataFrame(
    {
        t("col_rank", lang): [str(int(x)) if pd.notna(x) else "–" for x in r["rank"]],
        t("col_unit", lang): r["name"],
        label: [value_text(v) for v in r[measure]],
        t("col_band", lang): [
            t(f"band_{b}", lang) if isinstance(b, str) else t("band_none", lang) for b in r["score_band"]
        ],
        t("col_previous_rank", lang): [str(int(x)) if pd.notna(x) else "–" for x in r["previous_rank"]],
        t("col_movement", lang): [ranking.arrow(m) for m in r["movement"]],
        t("col_map", lang): [map_link(row) for _, row in r.iterrows()],
        t("col_overdue_list", lang): [view.link("overdue", unit=c, scope=scope) for c in r["code"]],
    }
)
band_colour = {t(f"band_{k}", lang): c for k, c in BAND_766_COLOURS.items()}


def colour(col: pd.Series) -> list[str]:
    if col.name == t("col_band", lang):
        return [f"color: {band_colour.get(v, palette.MUTED)}; font-weight: 600" for v in col]
    if col.name == t("col_movement", lang):
        return [
            f"color: {palette.MOVE_UP}"
            if v.startswith("↑")
            else (f"color: {palette.MOVE_DOWN}" if v.startswith("↓") else "")
            for v in col
        ]
    return [""] * len(col)


st.dataframe(
    shown.style.apply(colour),
    hide_index=True,
    width="stretch",
    height=components.grid_height(len(shown), 720),
    column_config={
        t("col_map", lang): st.column_config.LinkColumn(t("col_map", lang), display_text=t("col_map", lang)),
        t("col_overdue_list", lang): st.column_config.LinkColumn(
            t("col_overdue_list", lang), display_text=t("col_overdue_list", lang)
        ),
    },
)
previous = fmt.period(period.previous(), lang) if period.kind != "custom" else "—"
st.caption(t("rank_help", lang, previous=previous) + " " + t("rank_bands", lang, bands=components.band_cutoffs(lang)))
# the 766 score rests on the online, payment and digitisation rates: say when they rest on part of the dossiers
components.coverage_caption(now, SCORE_FACTS if measure == "score_100" else (measure,), lang)

fell = r[r["movement"].notna() & (r["movement"] < 0)].sort_values(["movement", "name"]).head(5)
st.subheader(t("rank_fell", lang))
if fell.empty:
    st.caption(t("rank_fell_none", lang))
else:
    components.table(
        pd.DataFrame(
            {
                t("col_unit", lang): fell["name"],
                t("col_movement", lang): [ranking.arrow(m) for m in fell["movement"]],
                t("col_rank", lang): [f"{int(a)} → {int(b)}" for a, b in zip(fell["previous_rank"], fell["rank"])],
                label: [value_text(v) for v in fell[measure]],
            }
        )
    )
