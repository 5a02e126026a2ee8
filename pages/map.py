"""Bản đồ: units coloured by a KPI (districts and their communes, or a two-tier city's communes) and the
provinces' PAR/SIPAS on the layer of their year (63 until 2024, 34 from 2025)."""

from datetime import date

import streamlit as st

from dashboard import config, fmt
from dashboard.charts import maps
from dashboard.geo import layers
from dashboard.i18n import t
from dashboard.metrics.kpi import RATE_FIELDS
from dashboard.ui import components, data, figures, filters, mapview, state

f = filters.current()
lang, src, period = f.lang, f.src, f.period
st.title(t("page_map", lang))
# one view per run (tabs would draw both maps every time)
state.settle("map_view", st.query_params.get("view"), ("units", "provinces"), "units")
view = (
    st.segmented_control(
        " ",
        ["units", "provinces"],
        key="map_view",
        label_visibility="collapsed",
        format_func=lambda v: t(f"map_{v}", lang),
    )
    or "units"
)

if view == "units":
    components.demo_banner(f)
    qp = st.query_params
    state.settle("metric", qp.get("metric"), mapview.METRICS, "on_time_rate")
    districts = data.kpi_table(src, period, "district", f.territory)
    names = dict(zip(districts["code"], districts["name"]))
    # two-tier local government (no district at all in the period, as from 01/07/2025): communes directly
    flat = not data.has_districts(src, period)
    if not names and not flat:  # a scope with no district (a commune's or a department's head)
        st.info(t("scope_no_map_units", lang))
        st.stop()
    if flat:
        st.session_state["district"] = ""
    else:  # a district's head starts on her communes
        state.settle("district", qp.get("district"), ("", *names), src.root if src.root in names else "")

    def on_click(code: str) -> None:
        if code in names:
            st.session_state["district"] = code

    def on_commune(code: str) -> None:
        if code in set(table["code"]):
            st.session_state["commune"] = code

    pick, commune_col, metric_col = st.columns([2, 2, 2])
    with metric_col:
        metric = st.selectbox(t("metric", lang), mapview.METRICS, key="metric", format_func=lambda m: t(m, lang))
    with pick:
        if flat:
            st.caption(t("map_no_districts", lang))
        else:
            st.selectbox(
                t("district_pick", lang),
                ["", *sorted(names, key=names.get)],
                key="district",
                format_func=lambda c: names.get(c, t("whole_province", lang)),
            )
    district = st.session_state["district"]
    level = "commune" if district or flat else "district"
    state.View.of("map", f, view=view, metric=metric, district=district).write()

    layer = layers.layer_for(level, period.start, period.end, provinces=data.provinces(src, period))
    table = districts if level == "district" else data.kpi_table(src, period, "commune", f.territory, at_end=flat)
    if district:
        table = table[table["parent_code"] == district]
    if district or flat:
        commune_names = dict(zip(table["code"], table["name"]))
        state.settle("commune", None, ("", *commune_names), "")  # not a commune of the district shown before
        with commune_col:
            commune = st.selectbox(
                t("commune_pick", lang),
                ["", *table.sort_values("name")["code"]],
                key="commune",
                format_func=lambda c: commune_names.get(c, "—"),
            )
        back, link = st.columns([1, 3], vertical_alignment="center")
        if not flat and back.button(t("back_to_districts", lang)):
            st.session_state["district"] = ""
            st.rerun()
        if commune:
            link.page_link(
                state.page_file("overdue"),
                icon=":material/assignment_late:",
                label=t("open_overdue_list", lang, name=commune_names[commune], period=fmt.period(period, lang)),
                query_params=state.params(f, unit=commune, scope="own"),
            )
    frame = mapview.map_frame(table, metric, lang)
    is_rate = metric in RATE_FIELDS
    left, right = st.columns([3, 2], gap="large")
    with left:
        if layer is None:
            st.warning(
                t("no_layer", lang, level=t(f"level_{level}", lang), level_code=level, period=fmt.period(period, lang))
            )
            missing = frame
        else:
            layer_version = layers.version(layer)  # the files looked at once for the layer and its figure
            gj = layers.assembled(layer_version)
            if layer.valid_from > period.start:  # a period that straddles a change of the units
                st.caption(t("map_layer_of_end", lang, day=fmt.day(layer.valid_from, lang)))
            codes = tuple(table["code"]) if district or src.root is not None else None
            if codes is not None:  # a scoped viewer's map holds her units only
                gj = maps.subset(gj, codes)
            drawn = {x["id"] for x in gj["features"]}
            fig = figures.choropleth(
                layer_version,
                codes,
                frame,
                lang=lang,
                is_rate=is_rate,
                target=config.TARGETS.get(metric),
                label_size=17 if level == "district" else 16,
                legend_title=t(metric, lang),
                colorscale=maps.COUNT_SCALES.get(metric, "Blues"),
                clickable=True,
                aria=f"{t(metric, lang)} · {names.get(district, f.unit_name)} · {fmt.period(period, lang)}",
            )
            # the hint names the picker it means (both sit in the row above the map)
            st.caption(
                t("map_hint", lang, picker=t("district_pick", lang))
                if level == "district"
                else t("map_hint_commune", lang, picker=t("commune_pick", lang))
            )
            if any(x["properties"].get("inset") for x in gj["features"]):
                st.caption(t("map_inset", lang))
            mapview.draw(fig, key="map_chart", on_click=on_click if level == "district" else on_commune)
            missing = frame[~frame["code"].isin(drawn)]
        if len(missing):
            st.markdown(f"**{t('no_polygon', lang)}**")
            components.table(
                missing.assign(value=[components.fmt_metric(v, metric, lang) for v in missing["value"]])[
                    ["name", "value"]
                ].rename(columns={"name": t("col_unit", lang), "value": t(metric, lang)})
            )
    with right:
        st.subheader(t("rank_communes" if level == "commune" else "rank_districts", lang))
        components.ranked_table(table, lang, metric, extras=("overdue",) if is_rate else ("on_time_rate",))

else:
    state.View.of("map", f, view=view, metric=None, district=None).write()
    pub = data.published(src)
    pub = pub[pub["component"].isna()]
    c1, c2 = st.columns(2)
    with c1:
        index = st.radio(
            t("index", lang),
            ["PAR", "SIPAS"],
            horizontal=True,
            key="pub_index",
            format_func=lambda x: t(f"index_{x.lower()}", lang),
        )
    years = sorted(pub[pub["index_name"] == index]["year"].unique(), reverse=True)
    home_code = data.home_province(src, f.period.end) or ""
    home_years = set(pub[(pub["index_name"] == index) & (pub["area_code"] == home_code)]["year"])
    with c2:  # default: the newest year with a figure for the home province
        year = st.selectbox(
            t("year", lang), years, key="pub_year", index=next((i for i, y in enumerate(years) if y in home_years), 0)
        )
    rows = pub[(pub["index_name"] == index) & (pub["year"] == year)]
    layer = layers.layer_for("province", date(year, 1, 1), date(year, 12, 31))
    left, right = st.columns([1, 1], gap="large")
    with left:
        if layer is None:
            st.warning(t("no_layer", lang, level=t("level_province", lang), level_code="province", period=str(year)))
        else:
            gj = layers.load(layer)
            fig = maps.province_map(gj, rows, lang=lang, home=home_code, legend_title=t("published_score", lang))
            mapview.draw(fig, key="province_chart", max_height="85vh")
            home = next((x["properties"]["name"] for x in gj["features"] if x["id"] == home_code), "")
            st.caption(t("home_outline", lang, name=home))
    with right:
        avg = rows[rows["area_code"] == "VN"]
        if len(avg):
            st.caption(t("national_average", lang, value=fmt.percent(avg.iloc[0]["score"], lang)))
        st.subheader(t("published_table", lang))
        components.published_table(rows, lang)
