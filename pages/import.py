"""Nhập dữ liệu: upload this morning's exports, see what would happen, confirm, see what happened and
download the quarantined rows. Leaders and administrators only."""

import hashlib

import pandas as pd
import streamlit as st

from dashboard import auth, fmt
from dashboard.i18n import t
from dashboard.reports import excel
from dashboard.ui import components, data, filters
from dashboard.warehouse.ingest import job

filters.current()  # drawn by app.py this run (or NO_DATA: an empty warehouse, no period to draw)
user, src = filters.access()
lang = filters.language()
st.title(t("page_import", lang))
if not auth.may_import(user):  # the page is not even listed for her; a typed URL meets this
    st.error(t("import_refused_role", lang), icon=":material/block:")
    st.stop()
st.caption(t("import_intro", lang))

uploads = st.file_uploader(t("import_upload", lang), type=list(job.TYPES), accept_multiple_files=True, key="imp_files")
if not uploads:
    st.stop()
# the files' names and contents (an upload id changes when the widget re-sends the same files)
signature = tuple((u.name, hashlib.blake2b(u.getvalue(), digest_size=16).hexdigest()) for u in uploads)
if st.session_state.get("_imp_signature") != signature:  # new files: saved once, previewed once
    st.session_state["_imp_signature"] = signature
    job.discard(st.session_state.get("_imp_paths"))  # the previous upload's copies
    st.session_state["_imp_paths"] = job.save([(u.name, u.getvalue()) for u in uploads])
    st.session_state.pop("_imp_done", None)
    with st.spinner(t("import_previewing", lang)):
        st.session_state["_imp_preview"] = job.run(st.session_state["_imp_paths"], dry_run=True)
paths = st.session_state["_imp_paths"]


def outcome_table(results: list[dict], done: bool) -> pd.DataFrame:
    rows = []
    for r in results:
        if r.get("refused"):
            rows.append(
                {"file": job.display_name(r["file"]), "what": t("import_refused_file", lang, reason=r["refused"])}
            )
            continue
        rows.append(
            {
                "file": job.display_name(r["file"]),
                "what": t(
                    "import_counts_done" if done else "import_counts_preview",
                    lang,
                    rows=fmt.number(r["rows"], lang),
                    new=fmt.number(r["new"], lang),
                    updated=fmt.number(r["updated"], lang),
                    unchanged=fmt.number(r["unchanged"], lang),
                    quarantined=fmt.number(r["quarantined"], lang),
                    skipped=fmt.number(r["skipped_blank"] + r["skipped_summary"], lang),
                ),
            }
        )
    shown = pd.DataFrame(rows)
    return shown.rename(columns={"file": t("import_col_file", lang), "what": t("import_col_outcome", lang)})


def details(r: dict) -> None:
    """What the reader found in one file: layout, header, columns, absent facts, units by name."""
    if r.get("refused"):
        return
    where = ", ".join(x for x in (r.get("format"), r.get("encoding"), r.get("sheet")) if x)
    lines = [t("import_layout", lang, file=job.display_name(r["file"]), where=where, line=r.get("header_line") or "—")]
    if r.get("absent"):
        lines.append(t("import_absent", lang, columns=", ".join(r["absent"])))
    if r.get("units_by_name"):
        pairs = list(r["units_by_name"].items())[:8]
        lines.append(
            t("import_units_by_name", lang, n=len(r["units_by_name"]), pairs="; ".join(f"{a} → {b}" for a, b in pairs))
        )
    st.caption("\n\n".join(lines))


done = st.session_state.get("_imp_done")
if done is None:
    preview = st.session_state["_imp_preview"]
    st.subheader(t("import_preview_title", lang))
    if not preview["results"]:
        st.error(t("import_could_not_run", lang, error=preview["error"][-500:]))
        st.stop()
    components.table(outcome_table(preview["results"], done=False))
    for r in preview["results"]:
        details(r)
    if st.button(t("import_confirm", lang), type="primary", icon=":material/upload:", key="imp_confirm"):
        bar = st.progress(0.0, text=t("import_step_copy", lang))

        def progress(step_done: int, total: int, step: str, name: str) -> None:
            bar.progress(min(1.0, step_done / max(total, 1)), text=t(f"import_step_{step}", lang, file=name))

        result = job.run(paths, dry_run=False, on_progress=progress)
        job.discard(paths)  # imported (or refused and reported): the uploaded copies are not kept
        bar.empty()
        st.session_state["_imp_done"] = result
        st.rerun()
    st.stop()

st.subheader(t("import_result_title", lang))
if not done["results"]:
    st.error(t("import_could_not_run", lang, error=done["error"][-500:]))
    st.stop()
failed = sum(1 for r in done["results"] if r.get("refused"))
(st.warning if failed else st.success)(
    t("import_summary", lang, n=len(done["results"]), failed=failed), icon=":material/task_alt:"
)
components.table(outcome_table(done["results"], done=True))
ids = tuple(r["import_id"] for r in done["results"] if r.get("import_id") is not None)
quarantined = data.quarantine_rows(src, ids) if ids else pd.DataFrame()
if len(quarantined):
    st.subheader(t("import_quarantine_title", lang, n=fmt.number(len(quarantined), lang)))
    names = excel.quarantine_columns(lang)
    shown = quarantined.head(200)[list(names)].rename(columns=names)
    shown[names["file_name"]] = shown[names["file_name"]].map(job.display_name)
    shown[names["row_number"]] = shown[names["row_number"]].map(lambda n: fmt.number(n, lang))
    components.table(shown.fillna(""))
    components.download(
        t("import_quarantine_download", lang),
        lambda: excel.quarantine_workbook(quarantined, lang),
        file_name="quarantine.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="imp_q",
        lang=lang,
        icon=":material/table_view:",
    )
