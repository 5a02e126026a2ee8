"""XLSX files: the overdue list export and the period report workbook (official layout).

Written with XlsxWriter in constant-memory mode (rows streamed in order), so 50 000 rows take seconds
and little memory. Every text cell goes through :func:`neutralise`: a value that begins with
= + - @ (or a tab / carriage return) gets a leading apostrophe, so no spreadsheet reads it as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from dashboard import fmt
from dashboard.charts import palette
from dashboard.i18n import t
from dashboard.metrics.periods import Period

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text that a spreadsheet could run as a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Sheet:
    """A worksheet with the few cell styles the files use and a writer that never writes a formula."""

    def __init__(self, wb: xlsxwriter.Workbook, name: str):
        self.ws = wb.add_worksheet(name)
        self.f_date = wb.add_format({"num_format": "dd/mm/yyyy"})
        self.f_int = wb.add_format({"num_format": "#,##0"})
        self.f_rate = wb.add_format({"num_format": "0.00"})
        self.f_bold = wb.add_format({"bold": True})
        self.f_title = wb.add_format({"bold": True, "font_size": 14})
        self.f_head = wb.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                "border": 1,
                "bg_color": palette.SHEET_HEAD,
            }
        )
        self.f_group = wb.add_format({"bold": True, "bg_color": palette.SHEET_GROUP, "num_format": "#,##0"})
        self.f_group_rate = wb.add_format({"bold": True, "bg_color": palette.SHEET_GROUP, "num_format": "0.00"})
        self.f_wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def put(self, row: int, col: int, value, style=None) -> None:
        ws = self.ws
        if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
            ws.write_blank(row, col, None, style)
        elif isinstance(value, (datetime, date)):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), style or self.f_date)
        elif isinstance(value, str):
            ws.write_string(row, col, neutralise(value), style)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, style)
        else:
            ws.write_number(row, col, float(value) if isinstance(value, float) else int(value), style)


# ---- The overdue list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ListMeta:
    """What the export writes above the rows: the filters that produced them."""

    list_kind: str
    unit_name: str
    unit_code: str
    territory: bool
    period: Period
    as_of: date
    due_days: int
    fields: Sequence[str] = ()  # names, as shown
    procedures: Sequence[str] = ()
    sort: str = "days_overdue"
    descending: bool = True
    demo: bool = False
    total: int | None = None  # rows in the list (known from the count query); written above the rows


def list_columns(kind: str, lang: str) -> list[tuple[str, str]]:
    """(frame column, header) of a list, in the order the page and the export show them."""
    days = (
        ("days_left", t("col_days_left", lang)) if kind == "due_soon" else ("days_overdue", t("col_days_overdue", lang))
    )
    return [
        ("code", t("col_code", lang)),
        ("procedure_code", t("col_procedure_code", lang)),
        ("procedure_name", t("col_procedure_name", lang)),
        ("field_name", t("col_field", lang)),
        ("unit_name", t("col_handling_unit", lang)),
        ("received_date", t("col_received", lang)),
        ("due_date", t("col_due", lang)),
        ("end_date", t("col_end", lang)),
        days,
        ("status_text", t("col_status", lang)),
        ("channel_text", t("col_channel", lang)),
        ("apology_text", t("col_apology", lang)),
    ]


def sort_label(kind: str, sort: str, descending: bool, lang: str) -> str:
    """How a list's order is named, on the page and in the export: its column's header and direction
    ("Số ngày quá hạn (giảm dần)"; days overdue are the days left on the due-soon list)."""
    headers = dict(list_columns(kind, lang))
    name = headers.get("days_left" if kind == "due_soon" and sort == "days_overdue" else sort, sort)
    return f"{name} ({t('sort_desc' if descending else 'sort_asc', lang).lower()})"


def readable(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add the words the lists show: status and channel names, apology yes/no, days left."""
    out = df.copy()
    out["status_text"] = [t(f"status_{int(s)}", lang) if pd.notna(s) else "" for s in out["status"]]
    out["channel_text"] = [t(f"channel_{int(c) if pd.notna(c) else 1}", lang) for c in out["channel"]]
    out["apology_text"] = [t("yes", lang) if a == 1 else t("no", lang) for a in out["apology"].fillna(0)]
    out["days_left"] = -out["days_overdue"]
    return out


EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel's serial dates (from 1900-03-01 on)


def _cell_kind(column: str) -> str:
    return "date" if column.endswith("_date") else "number" if column.startswith("days_") else "text"


def _cells(s: pd.Series, kind: str) -> list:
    """A list column as the values its cells take (None for an empty cell): neutralised text, Excel serial
    days for dates, numbers."""
    if kind == "date":
        days = (pd.to_datetime(s).dt.normalize() - EXCEL_EPOCH).dt.days
        return [None if pd.isna(v) else int(v) for v in days.tolist()]
    if kind == "number":
        return [None if pd.isna(v) else v for v in s.tolist()]
    return [neutralise(v) if isinstance(v, str) else None for v in s.astype("string").tolist()]


def _write_rows(sh: _Sheet, frame: pd.DataFrame, columns: list[str], first_row: int) -> int:
    """Write a frame's columns as rows from first_row on; returns the row after the last. Cells go in a
    column kind at a time (text, date, number), not through `put`'s checks per value."""
    kinds = [_cell_kind(c) for c in columns]
    write = [sh.ws.write_string if k == "text" else sh.ws.write_number for k in kinds]
    style = [sh.f_date if k == "date" else None for k in kinds]
    r = first_row
    for values in zip(*[_cells(frame[c], k) for c, k in zip(columns, kinds)]):
        for j, value in enumerate(values):
            if value is not None:  # an empty cell is left unwritten
                write[j](r, j, value, style[j])
        r += 1
    return r


def list_workbook(rows: pd.DataFrame | Iterable[pd.DataFrame], meta: ListMeta, lang: str = "vi") -> bytes:
    """The filtered list as an XLSX: the filters on top, then one row per dossier.

    `rows` may be one frame or an iterable of frames (pages), written as they come.
    """
    buf = io.BytesIO()
    # Shared strings (the default mode) write 50 000 rows in about 0.75 of the time constant_memory's
    # inline strings take, holding about 3.6 KiB a row until the file is closed (bench_overdue.py).
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    sh = _Sheet(wb, t(f"list_{meta.list_kind}", lang)[:31])
    cols = list_columns(meta.list_kind, lang)
    scope = t("scope_territory" if meta.territory else "scope_own", lang)
    everything = t("filter_all", lang)
    head = [
        (t("xl_unit", lang), f"{meta.unit_name} ({meta.unit_code})"),
        (t("xl_scope", lang), scope),
        (t("xl_period", lang), fmt.period_with_dates(meta.period, lang)),
        (t("xl_asof", lang), fmt.day(meta.as_of, lang)),
        (t("filter_field", lang), "; ".join(meta.fields) or everything),
        (t("filter_procedure", lang), "; ".join(meta.procedures) or everything),
        (t("xl_sort", lang), sort_label(meta.list_kind, meta.sort, meta.descending, lang)),
    ]
    if meta.list_kind == "due_soon":
        head.append((t("xl_due_days", lang), str(meta.due_days)))
    sh.put(0, 0, t("xl_title", lang, list=t(f"list_{meta.list_kind}", lang)), sh.f_title)
    r = 1
    for label, value in head:
        sh.put(r, 0, label, sh.f_bold)
        sh.put(r, 1, value)
        r += 1
    notes = [t("xl_neutralised", lang)] + ([t("xl_demo", lang)] if meta.demo else [])
    if meta.total is not None:
        sh.put(r, 0, t("xl_rows", lang), sh.f_bold)
        sh.put(r, 1, meta.total, sh.f_int)
        r += 1
    for note in notes:
        sh.put(r, 0, note)
        r += 1
    header_row = r + 1
    for j, (_, label) in enumerate(cols):
        sh.put(header_row, j, label, sh.f_head)
    widths = [26, 12, 50, 22, 30, 11, 11, 11, 10, 22, 14, 10]
    for j, w in enumerate(widths):
        sh.ws.set_column(j, j, w)
    sh.ws.freeze_panes(header_row + 1, 1)
    r = header_row + 1
    frames = [rows] if isinstance(rows, pd.DataFrame) else rows
    for frame in frames:
        r = _write_rows(sh, readable(frame, lang), [c for c, _ in cols], r)
    sh.ws.autofilter(header_row, 0, max(header_row, r - 1), len(cols) - 1)
    wb.close()
    return buf.getvalue()


# ---- The period report workbook ------------------------------------------------------------------


def report_workbook(
    report, flat: pd.DataFrame, lang: str = "vi", title: str | None = None, overdue: Iterable[pd.DataFrame] = ()
) -> bytes:
    """Sheets: the official table, the flat `report` rows (exactly kpi.REPORT_FIELDS), the
    methodology, and the overdue dossiers (`overdue`: frames with a "list" column, written as they come, e.g.
    report.overdue_frames(conn)). `report` is a reports.period.PeriodReport."""
    from dashboard.reports import period as pr

    buf = io.BytesIO()
    # constant memory: every sheet is written in row order and leaves memory as it goes, so a year's 70 000
    # overdue dossiers are streamed from the warehouse into the file, never held (cells in row order only:
    # the header's merged cells span columns, not rows)
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True})
    p = report.period
    name_title = title or t("xl_report_title", lang)

    # 1. Official layout
    sh = _Sheet(wb, t("xl_sheet_report", lang))
    ws = sh.ws
    ncols = 3 + len(pr.COLUMNS) + len(pr.RATE_COLUMNS)
    sh.put(0, 0, name_title, sh.f_title)
    sh.put(
        1,
        0,
        f"{t('xl_period', lang)}: {fmt.period_with_dates(p, lang)} · {t('xl_asof', lang)}: "
        f"{fmt.day(report.as_of, lang)}",
    )
    sh.put(2, 0, t("xl_demo", lang) if report.demo else "")
    top, sub = 4, 5
    for j in range(3):  # (a merge down two rows would write the second row before the first is done)
        ws.write_blank(top, j, None, sh.f_head)
    j = 3
    groups: list[tuple[str, int, int]] = []
    for gkey, _, _ in pr.COLUMNS:
        if groups and groups[-1][0] == gkey:
            groups[-1] = (gkey, groups[-1][1], j)
        else:
            groups.append((gkey, j, j))
        j += 1
    groups.append(("cg_rates", j, j + len(pr.RATE_COLUMNS) - 1))
    for gkey, first, last in groups:
        if first == last:
            ws.write_string(top, first, pr.label(gkey, lang), sh.f_head)
        else:
            ws.merge_range(top, first, top, last, pr.label(gkey, lang), sh.f_head)
    ws.set_row(sub, 45)
    for j, text in enumerate([t("xl_col_no", lang), t("col_unit", lang), t("xl_col_code", lang)]):
        ws.write_string(sub, j, text, sh.f_head)
    for j, (_, ckey, _) in enumerate(pr.COLUMNS):
        ws.write_string(sub, 3 + j, pr.label(ckey, lang), sh.f_head)
    for j, rate in enumerate(pr.RATE_COLUMNS):
        ws.write_string(sub, 3 + len(pr.COLUMNS) + j, pr.label(rate, lang), sh.f_head)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 38)
    ws.set_column(2, 2, 8)
    ws.set_column(3, ncols - 1, 11)
    ws.freeze_panes(sub + 1, 3)
    r = sub + 1
    for row in report.official().to_dict("records"):
        unit_row = row["row_type"] == "unit"
        f_num = None if unit_row else sh.f_group
        f_rate = sh.f_rate if unit_row else sh.f_group_rate
        name = (
            row["name"]
            if unit_row
            else (f"{row['number']}. {pr.label(row['name'], lang)}" if row["number"] else pr.label(row["name"], lang))
        )
        sh.put(r, 0, row["number"] if unit_row else "", f_num)
        sh.put(r, 1, name, f_num)
        sh.put(r, 2, row["code"], f_num)
        for j in range(len(pr.COLUMNS)):
            sh.put(r, 3 + j, row[f"c{j}"], f_num)
        for j, rate in enumerate(pr.RATE_COLUMNS):
            v = row[rate]
            sh.put(r, 3 + len(pr.COLUMNS) + j, None if v is None else round(v, 2), f_rate)
        r += 1

    # 2. The flat rows of `python -m dashboard report` (machine-readable, exact field names)
    sh2 = _Sheet(wb, "report")
    for j, col in enumerate(flat.columns):
        sh2.put(0, j, col)
    for i, rec in enumerate(flat.itertuples(index=False, name=None), start=1):
        for j, v in enumerate(rec):
            sh2.put(i, j, v)

    # 3. Methodology
    sh3 = _Sheet(wb, t("xl_sheet_method", lang))
    sh3.ws.set_column(0, 0, 32)
    sh3.ws.set_column(1, 1, 110)
    for i, (term, text) in enumerate(pr.METHOD["vi" if lang == "vi" else "en"]):
        sh3.put(i, 0, term, sh3.f_bold)
        sh3.put(
            i,
            1,
            text.format(start=fmt.day(p.start, lang), end=fmt.day(p.end, lang), rule=pr.period_rule(p, lang)),
            sh3.f_wrap,
        )

    # 4. Overdue dossiers
    sh4 = _Sheet(wb, t("xl_sheet_overdue", lang))
    cols = [("list_text", t("col_state", lang)), *list_columns("finished_late", lang)]
    for j, (_, label) in enumerate(cols):
        sh4.put(0, j, label, sh4.f_head)
    sh4.ws.freeze_panes(1, 2)
    for j, w in enumerate([20, 26, 12, 50, 22, 30, 11, 11, 11, 10, 22, 14, 10]):
        sh4.ws.set_column(j, j, w)
    r = 1
    state = {k: t(f"state_{k}", lang) for k in ("finished_late", "open_overdue")}
    for frame in overdue:
        if len(frame):
            rows = readable(frame, lang)
            r = _write_rows(sh4, rows.assign(list_text=rows["list"].map(state)), [c for c, _ in cols], r)
    if r > 1:
        sh4.ws.autofilter(0, 0, r - 1, len(cols) - 1)
    wb.close()
    return buf.getvalue()


def quarantine_columns(lang: str) -> dict[str, str]:
    """The quarantine's columns as the upload page and its workbook show them: column → heading."""
    return {
        "file_name": t("import_col_file", lang),
        "row_number": t("import_col_line", lang),
        "dossier_code": t("import_col_code", lang),
        "field": t("import_col_column", lang),
        "reason_vi" if lang == "vi" else "reason_en": t("import_col_reason", lang),
    }


def quarantine_workbook(rows: pd.DataFrame, lang: str = "vi") -> bytes:
    """The quarantined rows of an import: file, line, dossier, column and reason, then the row's own values
    as the file had them (one column per field), every text neutralised."""
    import json

    raw = [json.loads(r) if isinstance(r, str) and r.startswith(("{", "[")) else {} for r in rows["raw"]]
    fields: list[str] = []
    for r in raw:
        for k in r if isinstance(r, dict) else ():
            if k not in fields:
                fields.append(k)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sh = _Sheet(wb, t("import_quarantine_sheet", lang)[:31])
    columns = quarantine_columns(lang)
    for j, h in enumerate([*columns.values(), *fields]):
        sh.put(0, j, h, sh.f_head)
    for i, (rec, values) in enumerate(zip(rows[list(columns)].itertuples(index=False, name=None), raw), start=1):
        cells = [Path(str(rec[0] or "")).name, *rec[1:]]  # the file as the user named it, not its upload folder
        cells += [values.get(k) if isinstance(values, dict) else None for k in fields]
        for j, v in enumerate(cells):
            sh.put(i, j, v if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False))
    sh.ws.set_column(0, 0, 24)
    sh.ws.set_column(4, 4, 60)
    wb.close()
    return out.getvalue()
