"""Projector mode: full-screen slides (map, worst units, trends, overdue summary) that advance every N
seconds inside a fragment, so the page is never reloaded; ← → step, Space pauses, Esc leaves."""

from __future__ import annotations

import os
import time
from string import Template

import pandas as pd
import streamlit as st

from dashboard import config, fmt
from dashboard.charts import maps, palette, projector
from dashboard.geo import layers
from dashboard.i18n import t
from dashboard.metrics import periods
from dashboard.ui import components, data, mapview, overdue_view
from dashboard.ui import state as view
from dashboard.ui.filters import Filters
from dashboard.warehouse.overdue import ListQuery

SLIDES = ("map", "worst", "trends", "overdue")
DEFAULT_SECONDS = 20
WORST_N = 8

CSS = Template("""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.block-container { padding: 1.2rem 2.5rem 0 2.5rem !important; max-width: 100% !important; }
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer td, .stMainBlockContainer th {
  font-size: 36px !important; line-height: 1.3; color: $black !important; }
.stMainBlockContainer h1 { font-size: 64px !important; line-height: 1.1; color: $black; padding: 0; }
.stMainBlockContainer h2 { font-size: 44px !important; color: $black; padding: 0; }
[data-testid="stMetricLabel"] p { font-size: 36px !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: 110px !important; font-weight: 700;
  color: $black; line-height: 1.1 !important; }
[data-testid="stCaptionContainer"] p { font-size: 28px !important; color: $caption; }
.stButton button p { font-size: 28px !important; }
</style>
""").substitute(black=palette.BLACK, caption=palette.LEADER)


def seconds() -> int:
    """Seconds per slide: ?every=N in the URL, else $DASHBOARD_PRESENT_SECONDS, else 20 (5–600)."""
    for raw in (st.query_params.get("every"), os.environ.get("DASHBOARD_PRESENT_SECONDS")):
        value = view.whole(raw, 5, 600)
        if value is not None:
            return value
    return DEFAULT_SECONDS


def step(index: int, n: int, delta: int) -> int:
    """The slide `delta` places from `index`, wrapping round."""
    return (index + delta) % n if n else 0


def due(last: float, now: float, every: float) -> bool:
    """Whether the slide shown since `last` has had its time (the timer may fire a little early)."""
    return now - last >= every - 0.5


def _children(f: Filters) -> tuple[pd.DataFrame, str | None]:
    """The units the map and the worst-units slides show, and the map level (None: no map): the
    districts of the province, the communes of a district, else the units directly under the unit."""
    if f.unit_kind == "province":
        if data.has_districts(f.src, f.period):
            return data.kpi_table(f.src, f.period, "district", True), "district"
        communes = data.kpi_table(f.src, f.period, "commune", True, at_end=True)  # two-tier: under the province
        return communes[communes["parent_code"] == f.unit_code], "commune"
    if f.unit_kind == "district":
        table = data.kpi_table(f.src, f.period, "commune", True)
        return table[table["parent_code"] == f.unit_code], "commune"
    table = data.kpi_table(f.src, f.period, "all", True)
    return table[table["parent_code"] == f.unit_code], None


def _map(f: Filters, table: pd.DataFrame, level: str | None) -> bool:
    provinces = data.provinces(f.src, f.period)
    layer = layers.layer_for(level, f.period.start, f.period.end, provinces=provinces) if level else None
    if layer is None or table.empty:
        return False
    gj = maps.subset(layers.load(layer), table["code"])
    frame = mapview.map_frame(table, "on_time_rate", f.lang)
    target = config.TARGETS["on_time_rate"]
    left, right = st.columns([3, 2])
    with left:
        fig = projector.map_slide(
            gj, frame, lang=f.lang, is_rate=True, target=target, legend_title=t("on_time_rate", f.lang)
        )
        mapview.draw(fig, key="pr_map", legend_size=30, max_height="70vh")
    with right:  # the values the map colours, lowest first, so the room reads them without the labels
        below = frame[frame["value"] < target].sort_values("value")
        st.markdown(f"## {t('present_below', f.lang, target=fmt.percent(target, f.lang, 0), n=len(below))}")
        if len(below):
            components.table(
                pd.DataFrame(
                    {
                        t("col_unit", f.lang): below["name"].map(maps.short_name),
                        t("on_time_rate", f.lang): [fmt.percent(v, f.lang) for v in below["value"]],
                    }
                ).head(10)
            )
    return True


def _worst(f: Filters, table: pd.DataFrame) -> bool:
    ranked = table[table["on_time_rate"].notna()].nsmallest(WORST_N, "on_time_rate")
    if len(ranked) < 2:
        return False
    # inline SVG, as the overview's ranking (st.html's sanitiser drops SVG); names and values are escaped
    st.markdown(
        projector.worst_slide(
            ranked.assign(name=ranked["name"].map(maps.short_name)),
            "on_time_rate",
            config.TARGETS["on_time_rate"],
            f.lang,
            label=t("pdf_lowest", f.lang),
        ),
        unsafe_allow_html=True,
    )
    return True


def _trends(f: Filters) -> bool:
    months = periods.last_months(f.state.first_day, min(f.period.end, f.state.as_of), f.cutoff, 12)
    if not months:
        return False
    s = data.series(f.src, tuple(months), f.unit_code, f.territory)
    fig = projector.trend_slide(s, ("on_time_rate", "online_rate"), config.TARGETS, f.lang)
    st.plotly_chart(fig, config={"displayModeBar": False, "staticPlot": True}, width="stretch", key="pr_trend")
    return True


def _overdue(f: Filters) -> bool:
    days = config.due_soon_days()
    s, _ = data.overdue_summary(f.src, ListQuery(f.period, f.unit_code, f.territory, f.state.as_of, days))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("sum_overdue", f.lang), fmt.number(s.overdue, f.lang))
    c2.metric(t("list_open_overdue", f.lang), fmt.number(s.counts["open_overdue"], f.lang))
    c3.metric(t("sum_no_apology", f.lang), fmt.number(s.without_apology, f.lang))
    c4.metric(t("sum_due_soon", f.lang, n=days), fmt.number(s.counts["due_soon"], f.lang))
    if len(s.by_unit):
        st.markdown(f"## {t('present_most_overdue', f.lang)}")
        overdue_view.top(s.by_unit, ["unit_name"], t("col_handling_unit", f.lang), f.lang, n=5)
    return True


def _title(slide: str, f: Filters, level: str | None) -> str:
    what = t(f"level_{level}", f.lang) if level else t("present_units_under", f.lang)
    return t(f"present_{slide}", f.lang, units=what)


def _go(delta: int, n: int) -> None:
    ss = st.session_state
    ss["pr_index"] = step(ss.get("pr_index", 0), n, delta)
    ss["pr_last"] = time.monotonic()


def _pause() -> None:
    st.session_state["pr_paused"] = not st.session_state.get("pr_paused", False)
    st.session_state["pr_last"] = time.monotonic()


def show(f: Filters) -> None:
    """The slide show of the chosen unit and period (scoped like every page)."""
    st.markdown(CSS, unsafe_allow_html=True)
    every = seconds()
    ss = st.session_state
    ss.setdefault("pr_index", 0)
    ss.setdefault("pr_paused", False)
    ss.setdefault("pr_last", time.monotonic())
    table, level = _children(f)
    slides = [s for s in SLIDES if not (s == "map" and level is None) and not (s == "worst" and len(table) < 2)]
    n = len(slides)

    @st.fragment(run_every=every)
    def deck() -> None:
        now = time.monotonic()
        if not ss["pr_paused"] and due(ss["pr_last"], now, every):
            ss["pr_index"] = step(ss["pr_index"], n, 1)
            ss["pr_last"] = now
        index = ss["pr_index"] % n
        slide = slides[index]
        head, nav = st.columns([3, 2], vertical_alignment="center")
        with head:
            st.markdown(f"# {_title(slide, f, level)}")
            st.markdown(f"**{f.unit_name} · {fmt.period(f.period, f.lang)}**")
        # each button as wide as its label and key (in four equal columns "Dừng" and "Thoát" were cut to "D…" on
        # a 1280-pixel screen); they wrap onto a second line rather than cut a label
        with nav, st.container(horizontal=True, horizontal_alignment="right"):
            st.button(t("present_prev", f.lang), key="pr_prev", shortcut="Left", on_click=_go, args=(-1, n))
            st.button(
                t("present_resume" if ss["pr_paused"] else "present_pause", f.lang),
                key="pr_pause",
                shortcut="Space",
                on_click=_pause,
            )
            st.button(t("present_next", f.lang), key="pr_next", shortcut="Right", on_click=_go, args=(1, n))
            if st.button(t("present_exit", f.lang), key="pr_exit", shortcut="Esc"):
                st.switch_page(view.page_file("overview"), query_params=view.params(f))
        shown = {
            "map": lambda: _map(f, table, level),
            "worst": lambda: _worst(f, table),
            "trends": lambda: _trends(f),
            "overdue": lambda: _overdue(f),
        }[slide]()
        if not shown:
            st.markdown(f"## {t('no_data', f.lang)}")
        status = t("present_paused", f.lang) if ss["pr_paused"] else t("present_every", f.lang, n=every)
        st.caption(t("present_footer", f.lang, i=index + 1, n=n, state=status))

    deck()
