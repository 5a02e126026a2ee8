"""Hồ sơ quá hạn: the late, overdue and due-soon dossiers of a unit and period, opened by URL."""

import dataclasses
from datetime import timedelta

import streamlit as st

from dashboard import config, fmt
from dashboard.i18n import t
from dashboard.reports import excel
from dashboard.ui import components, data, filters, overdue_view, state
from dashboard.warehouse.overdue import LISTS, ListQuery

PAGE_SIZES = (25, 50, 100)
SORTS = ("days_overdue", "due_date", "received_date", "end_date", "code")
ORDERS = tuple(f"{s}:{d}" for s in SORTS for d in ("desc", "asc"))
MAX_EXPORT = 100_000

f = filters.current()
lang, src, period, as_of = f.lang, f.src, f.period, f.state.as_of
qp = st.query_params
st.title(t("page_overdue", lang))
st.markdown(
    f"#### {f.unit_name} · {fmt.period_with_dates(period, lang)} · "
    f"{t('scope_territory' if f.territory else 'scope_own', lang)}"
)
components.demo_banner(f)

# Page state starts from the URL, so a link can name the list, the fields and the window.
state.settle("ov_list", qp.get("list"), LISTS, "finished_late")
due_days = int(state.settle("ov_days", state.whole(qp.get("days"), 1, 60), range(1, 61), config.due_soon_days()))

query = ListQuery(period, f.unit_code, f.territory, as_of, due_days)
summary, options = data.overdue_summary(src, query)
overdue_view.summary_metrics(summary, due_days, lang)
overdue_view.breakdowns(summary, lang)
st.divider()

field_names = dict(zip(options["field_code"].fillna(""), options["field_name"].fillna("—")))
overdue_view.keep_known("ov_fields", qp.get("field", ""), field_names, set(field_names), t("filter_field", lang), lang)
c_field, c_proc, c_days = st.columns([3, 5, 2])
with c_field:
    fields = st.multiselect(
        t("filter_field", lang),
        sorted(field_names, key=field_names.get),
        key="ov_fields",
        format_func=field_names.get,
        placeholder=t("filter_all", lang),
        select_all=False,
    )
procs = options[options["field_code"].isin(fields)] if fields else options
proc_names = dict(zip(procs["procedure_code"], procs["procedure_code"] + " " + procs["procedure_name"].fillna("")))
overdue_view.keep_known(
    "ov_procs", qp.get("proc", ""), proc_names, set(options["procedure_code"]), t("filter_procedure", lang), lang
)
with c_proc:
    procedures = st.multiselect(
        t("filter_procedure", lang),
        sorted(proc_names),
        key="ov_procs",
        format_func=proc_names.get,
        placeholder=t("filter_all", lang),
        select_all=False,
    )
with c_days:
    st.number_input(t("due_days", lang), min_value=1, max_value=60, step=1, key="ov_days")

fields_t, procs_t = tuple(sorted(fields)), tuple(sorted(procedures))
query = dataclasses.replace(query, fields=fields_t, procedures=procs_t)
counts = summary.counts_for(fields_t, procs_t)  # from the summary's groups: no second scan
kind = (
    st.segmented_control(
        " ",
        LISTS,
        key="ov_list",
        label_visibility="collapsed",
        format_func=lambda k: f"{t('list_' + k, lang)} ({fmt.number(counts[k], lang)})",
    )
    or "finished_late"
)
until = as_of + timedelta(days=due_days)
st.caption(
    t(
        f"list_help_{kind}",
        lang,
        end=fmt.day(period.end, lang),
        asof=fmt.day(as_of, lang),
        n=due_days,
        until=fmt.day(until, lang),
    )
)

c_sort, c_size, c_page, c_export = st.columns([4, 2, 2, 3], vertical_alignment="bottom")
with c_sort:  # key and direction in one control ("days_overdue:desc")
    order = st.selectbox(
        t("sort_by", lang),
        ORDERS,
        key="ov_order",
        format_func=lambda o: excel.sort_label(kind, o.split(":")[0], o.endswith(":desc"), lang),
    )
sort, descending = order.split(":")[0], order.endswith(":desc")
with c_size:
    size = st.selectbox(t("rows_per_page", lang), PAGE_SIZES, index=1, key="ov_size")
total = counts[kind]
pages = max(1, -(-total // size))
# a new list, filter or order starts again at page 1
signature = (kind, fields_t, procs_t, due_days, sort, descending, size, period.key, f.unit_code, f.territory)
if st.session_state.get("_ov_signature") != signature:
    st.session_state["_ov_signature"] = signature
    st.session_state["ov_page"] = 1
st.session_state["ov_page"] = min(max(1, int(st.session_state.get("ov_page", 1))), pages)
with c_page:
    page_no = st.number_input(t("page_no", lang), min_value=1, max_value=pages, step=1, key="ov_page")

state.View.of("overdue", f, list=kind, days=due_days, field=",".join(fields_t), proc=",".join(procs_t)).write()

# the export sits with the list's controls (and is built only when pressed)
if total > MAX_EXPORT:
    st.warning(t("export_too_many", lang, n=fmt.number(total, lang), max=fmt.number(MAX_EXPORT, lang)))
elif total:
    meta = excel.ListMeta(
        kind,
        f.unit_name,
        f.unit_code,
        f.territory,
        period,
        as_of,
        due_days,
        fields=[field_names[c] for c in fields_t],
        procedures=[proc_names[c] for c in procs_t],
        sort=sort,
        descending=descending,
        demo=f.state.demo,
        total=total,
    )

    def build() -> bytes:  # runs only when the button is pressed
        return excel.list_workbook(data.overdue_all(src, kind, query, sort, descending, MAX_EXPORT), meta, lang)

    with c_export:
        components.download(
            t("export_xlsx", lang),
            build,
            key="ov_xlsx",
            lang=lang,
            icon=":material/download:",
            width="stretch",
            file_name=f"ho-so-{kind.replace('_', '-')}-{f.unit_code}-{period.key}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

if total == 0:
    st.info(t("list_empty", lang))
else:
    rows = data.overdue_page(src, kind, query, sort, descending, (page_no - 1) * size, size)
    first = (page_no - 1) * size + 1
    overdue_view.dossier_table(
        rows,
        kind,
        lang,
        caption=t(
            "page_of",
            lang,
            page=fmt.number(page_no, lang),
            pages=fmt.number(pages, lang),
            first=fmt.number(first, lang),
            last=fmt.number(first + len(rows) - 1, lang),
            total=fmt.number(total, lang),
        ),
    )
