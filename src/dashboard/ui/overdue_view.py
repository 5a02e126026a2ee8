"""Parts of the "Hồ sơ quá hạn" page: the summary blocks and one page of a dossier list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.i18n import t
from dashboard.reports.excel import list_columns, readable
from dashboard.ui import state as view
from dashboard.ui.components import TABLE_CSS, Card, cards, panels, table, table_html
from dashboard.warehouse.overdue import Summary, shown_without_apology

TOP_N = 10


def keep_known(key: str, from_link: str, offered: dict, known: set, what: str, lang: str) -> None:
    """Keep the picked codes of a filter (from the link's comma list on the first run) that are on offer.
    Codes no list of this unit and period holds are dropped and the page says so; codes only outside
    another filter (procedures of an unpicked field) are dropped quietly."""
    wanted = st.session_state[key] if key in st.session_state else [c for c in from_link.split(",") if c]
    st.session_state[key] = [c for c in wanted if c in offered]
    unknown = [c for c in wanted if c not in known]
    if unknown:
        msg = "filter_dropped_some" if st.session_state[key] else "filter_dropped"  # some codes still filter
        st.info(t(msg, lang, what=what.lower(), codes=view.shown(", ".join(unknown), 80)))


def summary_metrics(s: Summary, due_days: int, lang: str) -> None:
    cards(
        [
            Card(t("sum_overdue", lang), fmt.number(s.overdue, lang), help=t("kpi_help_overdue", lang)),
            Card(
                t("list_finished_late", lang),
                fmt.number(s.counts["finished_late"], lang),
                f"{t('list_open_overdue', lang)}: {fmt.number(s.counts['open_overdue'], lang)}",
            ),
            Card(t("sum_no_apology", lang), fmt.number(s.without_apology, lang), no_apology_note(s, lang)),
            Card(t("sum_due_soon", lang, n=due_days), fmt.number(s.counts["due_soon"], lang)),
        ]
    )


def no_apology_note(s: Summary, lang: str) -> str:
    """Under "without an apology letter": its share of the overdue dossiers whose letter is known, and on how
    many it rests when an export left some unknown; nothing when none is known."""
    if s.without_apology is None:
        return ""
    share = t("sum_no_apology_share", lang, share=fmt.percent(s.without_apology_share, lang, 1))
    cov = s.apology_coverage()
    if cov is None:
        return share
    return f"{share} · {t('based_on', lang, known=fmt.number(cov[0], lang), total=fmt.number(cov[1], lang))}"


def top_table(df: pd.DataFrame, label_cols: list[str], header: str, lang: str, n: int = TOP_N) -> str:
    """The markup of the first `n` rows of a breakdown: label, overdue, overdue without an apology letter."""
    d = df.head(n)
    label = (
        d[label_cols[0]].fillna("").astype(str)
        if len(label_cols) == 1
        else (d[label_cols[0]].fillna("").astype(str) + " " + d[label_cols[1]].fillna("").astype(str)).str.strip()
    )
    shown = pd.DataFrame(
        {
            header: label.replace("", "—"),
            t("col_count_overdue", lang): [fmt.number(v, lang) for v in d["overdue"]],
            t("col_count_no_apology", lang): [fmt.number(v, lang) for v in shown_without_apology(d)],
        }
    )
    return table_html(shown)


def top(df: pd.DataFrame, label_cols: list[str], header: str, lang: str, n: int = TOP_N) -> None:
    """`top_table` drawn on its own (the projector's overdue slide)."""
    st.html(TABLE_CSS + top_table(df, label_cols, header, lang, n))


def breakdowns(s: Summary, lang: str) -> None:
    if s.overdue == 0:
        st.caption(t("summary_scope", lang))
        return
    panels(
        note=t("summary_scope", lang),
        parts=[
            (t("sum_by_field", lang), top_table(s.by_field, ["field_name"], t("col_field", lang), lang)),
            (
                t("sum_by_procedure", lang),
                top_table(s.by_procedure, ["procedure_code", "procedure_name"], t("col_procedure", lang), lang),
            ),
            (t("sum_by_unit", lang), top_table(s.by_unit, ["unit_name"], t("col_handling_unit", lang), lang)),
        ],
        widths=[3, 4, 4],
    )


def dossier_table(df: pd.DataFrame, kind: str, lang: str, caption: str = "") -> None:
    """One page of a list as a static table: dates dd/MM/yyyy, words for status, channel and apology;
    `caption` (which rows these are) under it."""
    cols = list_columns(kind, lang)
    shown = readable(df, lang)[[c for c, _ in cols]].copy()
    for c, _ in cols:
        if c.endswith("_date"):
            shown[c] = [fmt.day(v, lang) if pd.notna(v) else "" for v in shown[c]]
        elif c.startswith("days_"):
            shown[c] = [fmt.number(v, lang) if pd.notna(v) else "" for v in shown[c]]
    shown.columns = [label for _, label in cols]
    # codes, dates and the short words stay on one line; procedure, field and unit names wrap
    keep = [label for c, label in cols if c not in ("procedure_name", "field_name", "unit_name")]
    table(shown, caption=caption, nowrap=tuple(keep))
