"""Báo cáo: the period's report in the official layout, as a table and as XLSX / one-page PDF files."""

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.charts import palette
from dashboard.geo import layers
from dashboard.i18n import t
from dashboard.metrics.kpi import COVERAGE
from dashboard.reports import excel, pdf
from dashboard.reports import period as pr
from dashboard.ui import components, data, filters

f = filters.current()
lang, src, period = f.lang, f.src, f.period
st.title(t("page_report", lang))
# a department head's report covers her unit and what is under it, and says so
units = data.units_in_period(src, period.start, period.end)
scope_name = units.loc[units["code"] == src.root, "name"].iloc[0] if src.root in set(units["code"]) else None
st.markdown(f"#### {scope_name + ' · ' if scope_name else ''}{fmt.period_with_dates(period, lang)}")
components.demo_banner(f)
st.caption(t("report_intro", lang))

rep = data.period_report(src, period)
official = rep.official()


def row_name(r) -> str:
    if r["row_type"] == "unit":
        return r["name"]
    return f"{r['number']}. {pr.label(r['name'], lang)}" if r["number"] else pr.label(r["name"], lang).upper()


shown = pd.DataFrame(
    {
        "": [r["number"] if r["row_type"] == "unit" else "" for _, r in official.iterrows()],
        t("col_unit", lang): [row_name(r) for _, r in official.iterrows()],
    }
)
for j, (group, col, _) in enumerate(pr.COLUMNS):
    shown[f"{pr.label(group, lang)} · {pr.label(col, lang)}"] = official[f"c{j}"].astype(int)
for rate in pr.RATE_COLUMNS:
    shown[f"{pr.label('cg_rates', lang)} · {pr.label(rate, lang)}"] = official[rate].astype("float64")
is_head = (official["row_type"] != "unit").tolist()
rate_cols = [c for c in shown.columns if c.startswith(pr.label("cg_rates", lang))]
styled = (
    shown.style.apply(
        lambda col: [f"font-weight: 700; background-color: {palette.SHEET_GROUP}" if h else "" for h in is_head]
    )
    .format(lambda v: fmt.number(v, lang), subset=[c for c in shown.columns[2:] if c not in rate_cols])
    .format(lambda v: fmt.number(v, lang, 2) if pd.notna(v) else "", subset=rate_cols)
)

left, right = st.columns(2)


def build_xlsx() -> bytes:  # runs when the button is pressed; the overdue dossiers stream into the file
    with data.engine(src.url).connect() as conn:
        flat = pr.flat_rows(conn, period, "all", False, root=src.root)
        return excel.report_workbook(rep, flat, lang=lang, overdue=rep.overdue_frames(conn))


def build_pdf() -> bytes:
    # the district map; none in a period without districts (the one-pager's other parts still come)
    layer = layers.layer_for("district", period.start, period.end, provinces=data.provinces(src, period))
    if layer is not None and not data.has_districts(src, period):
        layer = None
    with data.engine(src.url).connect() as conn:
        by_field = rep.overdue_by_field(conn)
    return pdf.one_pager(
        rep,
        layers.load(layer) if layer else None,
        lang=lang,
        by_field=by_field,
        **({"province_name": scope_name} if scope_name else {}),
    )


with left:
    components.download(
        t("report_xlsx", lang),
        build_xlsx,
        file_name=f"bao-cao-{period.key}.xlsx",
        key="rep_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lang=lang,
        icon=":material/table_view:",
    )
with right:
    if not pdf.available():  # installed without the `pdf` extra
        st.caption(t("pdf_unavailable", lang, command=pdf.EXTRA))
    else:
        components.download(
            t("report_pdf", lang),
            build_pdf,
            file_name=f"tom-tat-{period.key}.pdf",
            key="rep_pdf",
            mime="application/pdf",
            lang=lang,
            icon=":material/print:",
        )

st.dataframe(
    styled,
    hide_index=True,
    width="stretch",
    height=620,
    column_config={
        "": st.column_config.TextColumn("", width=40, pinned=True),
        t("col_unit", lang): st.column_config.TextColumn(t("col_unit", lang), pinned=True, width=340),
    },
)
# every unit's own dossiers once: which rates rest on part of them
components.coverage_caption(data.kpi_table(src, period, "all", False), tuple(COVERAGE), lang)
