"""Reusable page parts: KPI cards, static tables and ranked tables."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import pandas as pd
import streamlit as st

from dashboard import config, fmt
from dashboard.charts import palette
from dashboard.i18n import note_text, published_term, t
from dashboard.metrics.kpi import RATE_FIELDS, KpiRow
from dashboard.metrics.targets import band
from dashboard.ui import state

log = logging.getLogger("dashboard.ui")


def _delta(now: float | None, before: float | None, lang: str) -> str | None:
    if now is None or before is None:
        return None
    return (
        f"{fmt.number(now - before, lang, 2) if now >= before else '-' + fmt.number(before - now, lang, 2)} "
        f"{t('points', lang)} {t('vs_previous', lang)}"
    )


def demo_banner(f) -> None:
    """The note that the figures are the demo's, on every page of a demo warehouse."""
    if f.state.demo:
        st.info(t("demo_banner", f.lang), icon=":material/info:")


def kpi_cards(row: KpiRow, previous: KpiRow, lang: str) -> None:
    """The headline figures, official on-time rate first with its 95 % target."""
    target = config.TARGETS["on_time_rate"]
    rate = row.rate("on_time_rate")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.metric(
            t("on_time_rate", lang),
            fmt.percent(rate, lang),
            _delta(rate, previous.rate("on_time_rate"), lang),
            help=t("kpi_help_on_time_rate", lang),
            border=True,
            delta_color=palette.st_delta(rate, previous.rate("on_time_rate")),
        )
        if rate is not None:
            st.badge(t("target", lang, value=fmt.percent(target, lang, 0)), color=palette.ST_BAND[band(rate, target)])
    with c2:
        r = row.rate("on_time_rate_finished")
        st.metric(
            t("on_time_rate_finished", lang),
            fmt.percent(r, lang),
            _delta(r, previous.rate("on_time_rate_finished"), lang),
            help=t("kpi_help_on_time_rate_finished", lang),
            border=True,
            delta_color=palette.st_delta(r, previous.rate("on_time_rate_finished")),
        )
    with c3:
        st.metric(t("overdue", lang), fmt.number(row.overdue, lang), help=t("kpi_help_overdue", lang), border=True)
        st.caption(
            f"{t('finished_late', lang)}: {fmt.number(row.finished_late, lang)} · "
            f"{t('open_overdue', lang)}: {fmt.number(row.open_overdue, lang)}"
        )
    with c4:
        shown = row.overdue_without_apology_shown
        st.metric(
            t("overdue_without_apology", lang),
            t("no_data", lang) if shown is None else fmt.number(shown, lang),
            border=True,
        )
        coverage_note(row, "overdue_without_apology", lang)
    cols = st.columns(6)
    small = [("received", fmt.number(row.received, lang)), ("carried_in", fmt.number(row.carried_in, lang))]
    small += [
        (k, fmt.percent(row.rate(k), lang))
        for k in ("online_rate", "online_payment_rate", "digitised_rate", "satisfaction_rate")
    ]
    for col, (key, value) in zip(cols, small):
        with col:
            st.metric(t(key, lang), value, border=True)
            coverage_note(row, key, lang)


def coverage_note(row: KpiRow, name: str, lang: str) -> None:
    """'dựa trên 1.234/2.000 hồ sơ' under a figure that rests on part of its dossiers (a file without the
    column left the others unknown); nothing when every dossier's fact is known or none is."""
    cov = row.coverage(name)
    if cov and cov[0]:
        st.caption(t("based_on", lang, known=fmt.number(cov[0], lang), total=fmt.number(cov[1], lang)))


def coverage_caption(table: pd.DataFrame, metrics, lang: str) -> None:
    """Under a table of units: which of its figures rest on part of the dossiers (a file without the column
    left the fact unknown), 'dựa trên 1.234/2.000 hồ sơ'; nothing when every fact is known."""
    from dashboard.metrics.kpi import table_coverage

    lines = [
        t(
            "based_on_table",
            lang,
            metric=t(m, lang),
            known=fmt.number(k, lang),
            total=fmt.number(n, lang),
            units=fmt.number(u, lang),
        )
        for m, k, n, u in table_coverage(table, metrics)
    ]
    if lines:
        st.caption("\n\n".join(lines))


TABLE_CSS = """<style>
.bdtc-table { border-collapse: collapse; width: 100%; margin: 0 0 1rem 0; font-size: .875rem; line-height: 1.45;
  color: inherit; border: 1px solid rgba(49, 51, 63, .1); }
.bdtc-table th { text-align: left; font-weight: 400; color: rgba(49, 51, 63, .6);
  border-bottom: 1px solid rgba(49, 51, 63, .1); padding: .25rem .375rem; vertical-align: bottom; }
.bdtc-table td { border-top: 1px solid rgba(49, 51, 63, .1); padding: .25rem .375rem; vertical-align: top; }
.bdtc-table th.num { text-align: right; }
.bdtc-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bdtc-table td.nw { white-space: nowrap; }
.bdtc-table caption { caption-side: bottom; text-align: left; font-size: .875rem; color: rgba(49, 51, 63, .6);
  padding-top: .25rem; }
</style>"""
#: cells right-aligned as numbers: counts, rates, "12 / 50", movements such as "↑ 3"
_NUMERIC = re.compile(r"^[−\-+]?[\d.,  ]+( %)?$|^[↑↓=–] ?\d*$")


def table(
    df: pd.DataFrame, styles: dict[str, list[str]] | None = None, caption: str = "", nowrap: tuple[str, ...] = ()
) -> None:
    """A static table of display strings (already formatted), drawn as plain HTML: no grid and no Arrow
    decoder for the browser to fetch and parse, so a first visit draws it at once (st.table's decoder
    held the whole page back ~0.4 s). See `table_html`."""
    st.html(TABLE_CSS + table_html(df, styles, caption, nowrap))


def table_html(
    df: pd.DataFrame, styles: dict[str, list[str]] | None = None, caption: str = "", nowrap: tuple[str, ...] = ()
) -> str:
    """The markup of `table` (needs TABLE_CSS on the page). Columns of numbers are right-aligned;
    `styles`: column → inline CSS per row; `caption` goes under the table; `nowrap`: columns kept on one
    line (codes, dates), so the wrapping goes to the long names. Every text is escaped."""
    styles = styles or {}
    cols = list(df.columns)
    texts = [
        ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in df.iloc[:, j]]
        for j in range(len(cols))
    ]
    neutral = {"", "—", t("no_data", "vi"), t("no_data", "en")}  # they sit in number columns too
    num = [
        ' class="num"'
        if any(x not in neutral for x in col) and all(x in neutral or _NUMERIC.match(x) for x in col)
        else (' class="nw"' if c in nowrap else "")
        for c, col in zip(cols, texts)
    ]
    head = "".join(f"<th{num[j]}>{escape(str(c))}</th>" for j, c in enumerate(cols))
    css = [styles.get(c) or [""] * len(df) for c in cols]
    body = []
    for i in range(len(df)):
        cells = []
        for j in range(len(cols)):
            style = f' style="{escape(css[j][i])}"' if css[j][i] else ""
            cells.append(f"<td{num[j]}{style}>{escape(texts[j][i])}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<table class="bdtc-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


@dataclass(frozen=True)
class Card:
    """One figure of a card row: label, value as shown, an optional line under it and a hover help."""

    label: str
    value: str
    note: str = ""
    help: str = ""


CARD_CSS = """<style>
.bdtc-cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 1rem; }
.bdtc-card { border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; padding: .75rem 1rem; }
.bdtc-card .label { font-size: .875rem; }
.bdtc-card .label abbr { text-decoration: none; cursor: help; color: rgba(49, 51, 63, .6); display: inline-block;
  width: 1.1em; line-height: 1.1em; border: 1px solid currentColor; border-radius: 50%; text-align: center;
  font-size: .75rem; margin-left: .25rem; }
.bdtc-card .value { font-size: 2.25rem; line-height: 1.3; }
.bdtc-card .note { font-size: .875rem; color: rgba(49, 51, 63, .6); }
</style>"""
PANEL_CSS = """<style>
.bdtc-panels { display: grid; gap: 1rem; }
.bdtc-note { font-size: .875rem; color: rgba(49, 51, 63, .6); margin: 0 0 .75rem 0; }
.bdtc-panels h5 { font-size: 1rem; font-weight: 600; margin: 0 0 .25rem 0; padding: 0; }
</style>"""


def cards(items: list[Card]) -> None:
    """A row of figures as one HTML block (st.metric draws each card, its column and its notes as
    separate elements; one block is drawn at once). Every text is escaped."""

    def one(c: Card) -> str:
        hint = f'<abbr title="{escape(c.help)}">?</abbr>' if c.help else ""
        note = f'<div class="note">{escape(c.note)}</div>' if c.note else ""
        return (
            f'<div class="bdtc-card"><div class="label">{escape(c.label)}{hint}</div>'
            f'<div class="value">{escape(c.value)}</div>{note}</div>'
        )

    st.html(f'{CARD_CSS}<div class="bdtc-cards">{"".join(one(c) for c in items)}</div>')


def panels(parts: list[tuple[str, str]], widths: list[int], note: str = "") -> None:
    """Side-by-side panels, each a heading over markup built here (tables from `table_html`), under an
    optional note line, as one HTML block."""
    grid = " ".join(f"{w}fr" for w in widths)
    body = "".join(f"<section><h5>{escape(h)}</h5>{markup}</section>" for h, markup in parts)
    top = f'<p class="bdtc-note">{escape(note)}</p>' if note else ""
    st.html(f'{TABLE_CSS}{PANEL_CSS}{top}<div class="bdtc-panels" style="grid-template-columns: {grid}">{body}</div>')


#: st.dataframe's row height and borders (px) in Streamlit's default theme, to tell when a grid needs a scroll bar
GRID_ROW_PX, GRID_BORDER_PX = 35, 3


def grid_height(rows: int, most: int) -> int | str:
    """An st.dataframe's height: exactly its rows and header ("content") when they fit in `most` pixels, else
    `most` with a scroll bar. A height computed by hand left a blank row under the last one."""
    return "content" if GRID_ROW_PX * (rows + 1) + GRID_BORDER_PX <= most else most


def fmt_metric(value, metric: str, lang: str) -> str:
    """A KPI value as shown: rates in percent, counts as whole numbers (vi-VN or en)."""
    return fmt.percent(value, lang) if metric in RATE_FIELDS else fmt.number(value, lang)


def ranked(df: pd.DataFrame, metric: str = "on_time_rate") -> pd.DataFrame:
    """Units ordered for a ranking: largest value first (rates: best; counts: most); no data last;
    ties share a rank."""
    d = df.sort_values([metric, "received"], ascending=False, na_position="last").reset_index(drop=True)
    return d.assign(rank=d[metric].rank(method="min", ascending=False))


RANK_EXTRAS = ("on_time_rate", "received", "overdue", "overdue_without_apology", "online_rate")


def ranked_table(
    df: pd.DataFrame, lang: str, metric: str = "on_time_rate", extras: tuple[str, ...] = RANK_EXTRAS
) -> None:
    """A ranking by `metric` (official on-time rate by default) with the `extras` columns, formatted
    vi-VN, below-target cells coloured."""
    is_rate = metric in RATE_FIELDS
    target = config.TARGETS.get(metric)
    d = ranked(df, metric)
    cols = {
        t("col_rank", lang): [("" if pd.isna(r) else str(int(r))) for r in d["rank"]],
        t("col_unit", lang): d["name"],
        t(metric, lang): [fmt_metric(v, metric, lang) for v in d[metric]],
    }
    for extra in extras:
        if extra == metric:
            continue
        label = t("col_handled", lang) if extra == "received" else t(extra, lang)
        series = d["received"] + d["carried_in"] if extra == "received" else d[extra]
        cols[label] = [fmt_metric(v, extra, lang) for v in series]
    shown = pd.DataFrame(cols)
    bands = [band(v, target) if is_rate and target else "none" for v in d[metric]]
    rate_col = t(metric, lang)

    colours = [f"color: {palette.BAND_TEXT[b]}; font-weight: 600" if b != "none" else "" for b in bands]
    # a static table: a ranking of a few dozen units needs no grid
    table(shown, styles={rate_col: colours} if is_rate else None)
    below = sum(b in ("near", "low") for b in bands)
    if below and target:
        st.caption(t("below_target", lang, n=below, target=fmt.percent(target, lang, 0)))
    coverage_caption(df, (metric, *extras), lang)


def band_cutoffs(lang: str) -> str:
    """The 766 band cut-offs in words: "Xuất sắc ≥ 90 · Tốt ≥ 80 · … · Yếu < 50" (config.BANDS_766)."""
    bands = config.BANDS_766
    text = " · ".join(f"{t(f'band_{k}', lang)} ≥ {fmt.number(v, lang)}" for k, v in bands if v > 0)
    return f"{text} · {t(f'band_{bands[-1][0]}', lang)} < {fmt.number(bands[-2][1], lang)}"


#: a link shown as its site's name: https://www.vietnamplus.vn/… → vietnamplus.vn (LinkColumn's display_text)
SITE = r"https?://(?:www\.)?([^/]+)"


def published_table(rows: pd.DataFrame, lang: str, by_year: bool = False) -> None:
    """Published figures with their reliability and a link to the source (by_year: one row per index,
    year and area, with the component field where there is one)."""
    if by_year:
        d = rows.sort_values(["index_name", "year", "component", "rank"], na_position="first")
    else:
        d = rows.sort_values(["rank", "area_name"], na_position="last")
    lead = (
        {
            t("index", lang): d["index_name"].replace({"PAR": t("index_par", lang)}),
            t("year", lang): d["year"].astype(str),
            t("col_component", lang): [published_term(c, lang) or "" for c in d["component"].fillna("")],
        }
        if by_year
        else {}
    )
    shown = pd.DataFrame(
        {
            **lead,
            t("col_province", lang): [published_term(a, lang) for a in d["area_name"]],
            t("col_score", lang): [fmt.number(v, lang, 2) for v in d["score"]],
            t("col_rank", lang): [
                ("" if pd.isna(r) else f"{int(r)}/{int(o) if pd.notna(o) else 63}")
                for r, o in zip(d["rank"], d["rank_of"])
            ],
            t("col_quality", lang): [t(f"quality_{q}", lang) for q in d["quality"]],
            t("col_source", lang): d["source_url"],
            t("col_note", lang): [note_text(n, lang) for n in d["note"]],
        }
    )
    # every row at once (a scroll box showed half a row), sources by their site's name (whole URLs were cut)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=grid_height(len(shown), 2000),
        column_config={
            t("col_source", lang): st.column_config.LinkColumn(
                t("col_source", lang), display_text=SITE, help=t("col_source_help", lang)
            ),
            t("col_note", lang): st.column_config.TextColumn(t("col_note", lang), width="large"),
        },
    )


def warning_table(w: pd.DataFrame, period, lang: str, target: float) -> None:
    """Flagged units (below target or falling), with the due-soon count and a link to their list; then the
    units with the most dossiers due soon, flagged or not."""
    from dashboard.metrics.warning import DROP_POINTS

    flagged = w[w["flagged"]].sort_values(["on_time_rate", "overdue"], ascending=[True, False])

    def reasons(r) -> str:
        out = [t("reason_below", lang, target=fmt.percent(target, lang, 0))] if r["below"] else []
        if r["dropped"]:
            out.append(t("reason_drop", lang, points=fmt.number(-r["change"], lang, 2)))
        return " · ".join(out)

    def link(code: str, scope: str, kind: str) -> str:
        return state.link("overdue", unit=code, period=period.key, scope=scope, lang=lang, list=kind)

    if flagged.empty:
        st.success(t("warning_none", lang, target=fmt.percent(target, lang, 0), drop=fmt.number(DROP_POINTS, lang)))
    else:
        shown = pd.DataFrame(
            {
                t("col_unit", lang): flagged["name"],
                t("on_time_rate", lang): [fmt.percent(v, lang) for v in flagged["on_time_rate"]],
                t("col_previous", lang): [fmt.percent(v, lang) for v in flagged["previous_rate"]],
                t("col_change", lang): [fmt.signed(v, lang, 2) if pd.notna(v) else "" for v in flagged["change"]],
                t("col_reason", lang): [reasons(r) for _, r in flagged.iterrows()],
                t("overdue", lang): flagged["overdue"].astype(int),
                t("col_due_soon", lang): flagged["due_soon"].astype(int),
                t("col_link", lang): [link(c, s, "open_overdue") for c, s in zip(flagged["code"], flagged["scope"])],
            }
        )
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            height=grid_height(len(shown), 420),
            column_config={
                t("col_link", lang): st.column_config.LinkColumn(
                    t("col_link", lang), display_text=t("page_overdue", lang)
                )
            },
        )
    soon = w[w["due_soon"] > 0].sort_values(["due_soon", "name"], ascending=[False, True]).head(10)
    if len(soon):
        st.markdown(f"**{t('list_due_soon', lang)}**")
        shown = pd.DataFrame(
            {
                t("col_unit", lang): soon["name"],
                t("col_due_soon", lang): soon["due_soon"].astype(int),
                t("col_link", lang): [link(c, s, "due_soon") for c, s in zip(soon["code"], soon["scope"])],
            }
        )
        st.dataframe(
            shown,
            hide_index=True,
            width="content",
            column_config={
                t("col_link", lang): st.column_config.LinkColumn(
                    t("col_link", lang), display_text=t("list_due_soon", lang)
                )
            },
        )


@st.fragment
def download(
    label: str,
    build: Callable[[], bytes],
    *,
    file_name: str,
    mime: str,
    key: str,
    lang: str,
    icon: str | None = None,
    width: str = "content",
) -> None:
    """A file built when asked for, in two steps: the button builds it in a (fragment) script run, then a
    second button saves the bytes. Streamlit's deferred download (data=callable) reports a failure only
    as a five-second English "Failed to generate file" under the button; here a failure is shown where the
    user clicked, in her language, and its traceback goes to the operator's log."""
    if not st.button(label, key=f"{key}_make", icon=icon, width=width):
        return
    try:
        with st.spinner(t("download_building", lang)):
            payload = build()
    except Exception:
        log.exception("building %s failed", file_name)
        st.error(t("download_failed", lang, file=file_name), icon=":material/error:")
        return
    st.download_button(
        t("download_save", lang, file=file_name),
        data=payload,
        file_name=file_name,
        mime=mime,
        on_click="ignore",
        key=f"{key}_save",
        icon=":material/download:",
        type="primary",
        width=width,
    )
