"""The shared sidebar: period, unit scope, own/territory and language, all carried in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard import config, fmt
from dashboard.auth import AuthConfig, User
from dashboard.i18n import LANGS, t
from dashboard.metrics import periods
from dashboard.metrics.periods import Period
from dashboard.ui import auth as ui_auth
from dashboard.ui import data
from dashboard.ui import state as view

KINDS = ("month", "quarter", "year", "custom")
URL_KEYS = ("period", "unit", "scope", "lang")
KIND_ORDER = {"province": 0, "district": 1, "department": 2, "land_registry_branch": 3, "commune": 4, "other": 5}


@dataclass(frozen=True)
class Filters:
    period: Period
    unit_code: str
    unit_name: str
    unit_kind: str
    territory: bool
    lang: str
    state: data.WarehouseState
    src: data.Source  # the warehouse as this viewer may read it (scope root bound in SQL)
    user: User

    @property
    def cutoff(self) -> int:
        """The cut-off day of months drawn for this period (a custom range has none: the configured one)."""
        return self.period.cutoff if self.period.kind != "custom" else config.cutoff_day()


def _kind_of(key: str) -> str:
    """The kind of a (validated) period key, as metrics.periods reads it."""
    return periods.parse(key).kind


def _choices(kind: str, state: data.WarehouseState, cutoff: int) -> list[Period]:
    """Named periods of a kind from the newest complete one back to the first data day."""
    last = periods.latest_complete(state.as_of, kind, cutoff)
    current = periods.containing(state.as_of, kind, cutoff)
    out = [current] if current != last else []
    p = last
    while p.end >= state.first_day:
        out.append(p)
        p = p.previous()
    return out


def language() -> str:
    """The language of this run, before the sidebar is drawn (session, then URL, then Vietnamese)."""
    lang = st.session_state.get("lang") or st.query_params.get("lang", "vi")
    return lang if lang in LANGS else "vi"


def presenting() -> bool:
    """Projector mode asked for in the URL (?present=1)."""
    return st.query_params.get("present") == "1"


def sidebar(state: data.WarehouseState, cfg: AuthConfig, user: User, draw: bool = True) -> Filters:
    """Draw the shared filters and return them; the URL is kept in step so any view is a link. The unit
    list holds only the units the user may see; an unknown or forbidden unit in the URL or the session
    falls back to the user's own unit. With draw=False (projector mode) the same filters are settled
    from the URL and the session without drawing a sidebar."""
    src = data.Source(state.url, state.data_version, user.root)
    cutoff = config.cutoff_day()
    qp = st.query_params
    # A link (or a page switch with query params) changed the URL since we last wrote it: the URL wins.
    written = st.session_state.get("_url_written", {})
    for key in URL_KEYS:
        if qp.get(key) is not None and qp.get(key) != written.get(key) and key in st.session_state:
            del st.session_state[key]
    lang = view.settle("lang", qp.get("lang"), LANGS, "vi")
    if "period" not in st.session_state:
        # a head of a unit abolished since (a district before 01/07/2025) opens on its last quarter
        ended = data.last_valid_day(src)
        default = periods.latest_complete(min(state.as_of, ended or state.as_of), "quarter", cutoff).key
        key, note = from_link(qp.get("period"), state.first_day, state.as_of, cutoff)
        if note:
            shown = fmt.period(periods.parse(key or default, cutoff), lang)
            _note(t(note, lang, link=view.shown(qp.get("period")), period=shown))
        st.session_state["period"] = key or default
    view.settle("scope", qp.get("scope"), ("own", "territory"), "territory")

    if draw:
        with st.sidebar:
            units, names = _draw(state, cfg, user, src, cutoff, lang)
        lang = st.session_state["lang"]
    else:
        kind = _kind_of(st.session_state["period"])
        if kind != "custom":
            _settle_period(kind, state, cutoff)
        units, _ = _settle_unit(src, periods.parse(st.session_state["period"], cutoff), user, cfg, lang)
    period = periods.parse(st.session_state["period"], cutoff)

    unit = st.session_state["unit"]
    row = units[units["code"] == unit].iloc[0]
    url_state = {"period": period.key, "unit": unit, "scope": st.session_state["scope"], "lang": lang}
    st.query_params.update(url_state)
    st.session_state["_url_written"] = url_state
    return Filters(
        period=period,
        unit_code=unit,
        unit_name=str(row["name"]),
        unit_kind=str(row["kind"]),
        territory=st.session_state["scope"] == "territory",
        lang=lang,
        state=state,
        src=src,
        user=user,
    )


def _draw(state: data.WarehouseState, cfg: AuthConfig, user: User, src: data.Source, cutoff: int, lang: str):
    """The sidebar's widgets (inside `with st.sidebar`); returns the units offered and their names."""
    st.radio(t("language", lang), LANGS, key="lang", horizontal=True, format_func=lambda x: t(f"lang_name_{x}", lang))
    lang = st.session_state["lang"]
    st.subheader(t("sidebar_filters", lang))
    kind_now = _kind_of(st.session_state["period"])
    kind = st.segmented_control(
        t("period_kind", lang),
        KINDS,
        default=kind_now,
        key="_period_kind",
        format_func=lambda k: t(f"kind_{k}", lang),
        on_change=_kind_changed,
        args=(state, cutoff),
    )
    kind = kind or kind_now
    if kind == "custom":
        current = periods.parse(st.session_state["period"], cutoff)
        if current.kind != "custom" or current.start < state.first_day or current.end > state.as_of:
            # the picker refuses a value outside its bounds (the data may have changed under the session)
            current = periods.latest_complete(state.as_of, "month", cutoff)
        picked = st.date_input(
            t("custom_range", lang),
            value=(current.start, current.end),
            min_value=state.first_day,
            max_value=state.as_of,
            format="DD/MM/YYYY",
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            st.session_state["period"] = periods.custom(picked[0], picked[1]).key
    else:
        options = _settle_period(kind, state, cutoff)
        st.selectbox(
            t("period", lang), options, key="period", format_func=lambda k: fmt.period(periods.parse(k, cutoff), lang)
        )
    period = periods.parse(st.session_state["period"], cutoff)
    st.caption(
        t(
            "period_dates",
            lang,
            start=fmt.day(period.start, lang),
            end=fmt.day(period.end, lang),
            cutoff=period.cutoff if period.kind != "custom" else "—",
        )
    )
    units, names = _settle_unit(src, period, user, cfg, lang)
    codes = units["code"].tolist()
    st.selectbox(t("unit", lang), codes, key="unit", format_func=lambda c: names.get(c, c))
    st.radio(
        t("scope", lang),
        ("territory", "own"),
        key="scope",
        horizontal=True,
        format_func=lambda s: t(f"scope_{s}", lang),
    )
    st.divider()
    ui_auth.sidebar_status(
        cfg,
        user,
        names.get(user.root),
        lang,
        notes=(t("as_of", lang, date=fmt.day(state.as_of, lang)), t("share_link", lang)),
    )
    return units, names


def _settle_period(kind: str, state: data.WarehouseState, cutoff: int) -> list[str]:
    """The named periods of a kind on offer; a period in the session that is not one of them becomes the
    latest complete one."""
    options = [p.key for p in _choices(kind, state, cutoff)]
    if st.session_state["period"] not in options:
        st.session_state["period"] = periods.latest_complete(state.as_of, kind, cutoff).key
    return options


def _settle_unit(src: data.Source, period: Period, user: User, cfg: AuthConfig, lang: str):
    """The units this viewer may see in the period (ordered for the picker) and their names; the unit in
    the session, or else the URL's, when it is one of them, else the viewer's own unit."""
    units = data.units_in_period(src, period.start, period.end)
    units = units.assign(_o=units["kind"].map(KIND_ORDER)).sort_values(["_o", "name"])
    codes = units["code"].tolist()
    names = dict(zip(units["code"], units["name"]))
    if not codes:  # the user's unit did not exist in this period
        st.warning(t("scope_empty", lang, period=fmt.period(period, lang)))
        ui_auth.sidebar_status(cfg, user, None, lang)
        st.stop()
    home = user.root or data.home_province(src, period.end)
    view.settle("unit", st.query_params.get("unit"), codes, home if home in codes else codes[0])
    return units, names


def _kind_changed(state: data.WarehouseState, cutoff: int) -> None:
    kind = st.session_state.get("_period_kind")
    if kind and kind != "custom":
        st.session_state["period"] = periods.latest_complete(state.as_of, kind, cutoff).key
    elif kind == "custom":
        p = periods.latest_complete(state.as_of, "month", cutoff)
        st.session_state["period"] = periods.custom(p.start, p.end).key


def from_link(text: str | None, first: date, last: date, cutoff: int) -> tuple[str | None, str | None]:
    """A link's period settled against the data's days [first, last]: its key (None: use the default)
    and the catalogue key of a note when it was not taken as it came. A custom range is cut to the
    data's days (the date picker refuses a value outside them); a period with no data day, or text that
    is no period, falls back to the default."""
    if not text:
        return None, None
    try:
        p = periods.parse(text, cutoff)
    except (ValueError, OverflowError):
        return None, "link_period_unknown"
    if p.end < first or p.start > last:
        return None, "link_period_outside"
    if p.kind == "custom" and (p.start < first or p.end > last):
        return periods.custom(max(p.start, first), min(p.end, last)).key, "link_period_cut"
    return p.key, None


def _note(text: str) -> None:
    """A note about the link, shown once above the page (app.py draws them)."""
    st.session_state.setdefault("_link_notes", []).append(text)


def link_notes() -> list[str]:
    """The notes about this run's link, taken (each is shown once)."""
    return st.session_state.pop("_link_notes", [])


#: what app.py hands the import page of an empty warehouse, where no period can be drawn
NO_DATA = object()


def current():
    """The filters app.py drew for this run (NO_DATA for an empty warehouse's import page); a page reads
    them once, at its top."""
    f = st.session_state.pop("_filters", None)
    if f is None:
        _through_app()
    return f


def access() -> tuple[User, data.Source]:
    """Who is looking and the warehouse as she may read it, for a page that needs no period (the import
    page, which also serves an empty warehouse)."""
    got = st.session_state.get("_access")
    if got is None:
        _through_app()
    return got


def set_access(user: User, src: data.Source) -> None:
    st.session_state["_access"] = (user, src)


def _through_app() -> None:
    # The first run after the server starts treats pages/ as a legacy multipage folder and runs the
    # requested page without app.py. Switch Streamlit to st.navigation (what app.py's first call would
    # do) and run again through app.py, which resolves the same page.
    from dashboard.ui import compat

    compat.leave_pages_directory()
    st.rerun()


def set_current(f) -> None:
    st.session_state["_filters"] = f
