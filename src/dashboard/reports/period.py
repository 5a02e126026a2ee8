"""The period report: every unit's own figures in the official layout (QĐ 766 progress report, as used
in Quảng Nam and documented in research/domain.md §B.4), with the definitions that produce them.

Rows are grouped I. Sở, ban, ngành · II. Chi nhánh VPĐKĐĐ · III. UBND cấp huyện · IV. UBND cấp xã.
Each unit row holds the unit's *own* dossiers, so the groups add up to the province total without
counting a dossier twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa

from dashboard.i18n import LANGS, method, section
from dashboard.metrics import kpi
from dashboard.metrics.periods import Period
from dashboard.warehouse import overdue, queries

#: (roman numeral, group label key, unit kinds). Provincial bodies other than departments sit in I.
GROUPS = (
    ("I", "grp_departments", ("department", "province", "other")),
    ("II", "grp_branches", ("land_registry_branch",)),
    ("III", "grp_districts", ("district",)),
    ("IV", "grp_communes", ("commune",)),
)

#: (column-group key, column key, counts summed) in the order of the official table.
COLUMNS = (
    ("cg_received", "c_total", ("received", "carried_in")),
    ("cg_received", "c_carried_in", ("carried_in",)),
    ("cg_received", "c_in_period", ("received",)),
    ("cg_received", "c_online", ("received_online",)),
    ("cg_received", "c_direct", ("received_direct",)),
    ("cg_received", "c_postal", ("received_postal",)),
    ("cg_finished", "c_total", ("finished", "withdrawn")),
    ("cg_finished", "c_early", ("finished_early",)),
    ("cg_finished", "c_on_time", ("finished_on_time", "withdrawn")),
    ("cg_finished", "c_late", ("finished_late",)),
    ("cg_open", "c_total", ("open_in_time", "open_overdue")),
    ("cg_open", "c_in_time", ("open_in_time",)),
    ("cg_open", "c_overdue", ("open_overdue",)),
    ("cg_paused", "c_total", ("paused",)),
    ("cg_overdue", "c_total", ("finished_late", "open_overdue")),
    ("cg_overdue", "c_no_apology", ("overdue_without_apology",)),
)
RATE_COLUMNS = kpi.RATE_FIELDS

#: labels of the official table (the catalogues' [report] table)
LABELS = section("report")

#: The methodology sheet: one line per definition (SPEC §4; research/domain.md §B.3–B.4), in each language
METHOD = {lang: method(lang) for lang in LANGS}


def period_rule(p: Period, lang: str) -> str:
    """How the period's days were chosen: a custom range, calendar months, or the cut-off day rule."""
    vi = lang == "vi"
    if p.kind == "custom":
        return "Khoảng ngày tùy chọn." if vi else "A custom range of days."
    if p.cutoff == 1:
        return "Kỳ theo tháng dương lịch." if vi else "Calendar months."
    c = p.cutoff
    if vi:
        return f"Kỳ tháng/quý/năm chốt số liệu ngày {c}: từ ngày {c} tháng trước đến ngày {c - 1} tháng cuối kỳ."
    return f"Named periods cut off on day {c}: from day {c} of the month before to day {c - 1} of the last month."


def label(key: str, lang: str) -> str:
    return LABELS[key][lang if lang in ("vi", "en") else "vi"]


@dataclass(frozen=True)
class PeriodReport:
    period: Period
    as_of: date
    units: pd.DataFrame = field(repr=False)  # kpi_table(level="all", own): one row per unit valid in the period
    scope: overdue.Scope | None = None  # whose overdue dossiers the report lists (read when a file is made)
    previous: pd.DataFrame | None = field(default=None, repr=False)  # same for the previous period (named only)
    districts: pd.DataFrame | None = field(default=None, repr=False)  # district level, whole territory
    demo: bool = False

    def official(self) -> pd.DataFrame:
        """The official table: a row per group ("group"), its units ("unit"), and the total ("total").

        Columns: row_type, number, code, name, then one per COLUMNS entry (c0…), then the rates. Built as one
        frame (a row of pandas per unit cost 2 ms, a second for the city's 500 units)."""
        counts = list(kpi.COUNT_FIELDS)
        parts = []
        for roman, key, kinds in GROUPS:
            members = self.units[self.units["kind"].isin(kinds)].sort_values(["code"])
            # the province's own row is only news when it handled dossiers itself (its total is the last row)
            idle = (members["kind"] == "province") & (members[counts].sum(axis=1) == 0)
            members = members[~idle]
            head = members[counts].sum().to_frame().T.assign(row_type="group", number=roman, code="", name=key)
            rows = members[[*counts, "code", "name"]].assign(
                row_type="unit", number=[str(i + 1) for i in range(len(members))]
            )
            parts += [head, rows]
        parts.append(self.units[counts].sum().to_frame().T.assign(row_type="total", number="", code="", name="total"))
        table = pd.concat(parts, ignore_index=True)
        table[counts] = table[counts].fillna(0).astype("int64")
        out = table[["row_type", "number", "code", "name"]].copy()
        for j, (_, _, cols) in enumerate(COLUMNS):
            out[f"c{j}"] = table[list(cols)].sum(axis=1).astype(int)
        rates = kpi.add_derived(table[counts])
        for name in RATE_COLUMNS:
            out[name] = [None if pd.isna(v) else float(v) for v in rates[name]]
        return out

    def overdue_frames(self, conn: sa.Connection, chunk: int = 20_000) -> Iterator[pd.DataFrame]:
        """The overdue dossiers (finished late, then open and overdue; most days overdue first), a frame of at
        most `chunk` rows at a time with a "list" column: for the workbook's sheet, written as they come."""
        if self.scope is None:
            return
        for kind in overdue.OVERDUE_LISTS:
            for frame in overdue.stream(conn, kind, self.scope, chunk=chunk):
                yield frame.assign(list=kind)

    def overdue_by_field(self, conn: sa.Connection) -> pd.DataFrame:
        """Overdue dossiers (and those without an apology letter) per field name, most first: one grouped scan."""
        if self.scope is None:
            return pd.DataFrame(columns=["overdue", "no_apology"]).rename_axis("field_name")
        by_field = overdue.summary(conn, self.scope).by_field
        grouped = (
            by_field.assign(field_name=by_field["field_name"].replace("", None).fillna("—"))
            .groupby("field_name")[["overdue", *overdue.APOLOGY]]
            .sum()
            .sort_values("overdue", ascending=False)
        )
        # None (no data) where no overdue dossier of the field says whether it had a letter
        return grouped.assign(no_apology=overdue.shown_without_apology(grouped))[["overdue", "no_apology"]]

    def totals(self) -> kpi.KpiRow:
        return kpi.KpiRow.from_counts(self.units[list(kpi.COUNT_FIELDS)].sum().to_dict())


def build(
    conn: sa.Connection,
    period: Period,
    *,
    demo: bool = False,
    root: str | None = None,
    counts: pd.DataFrame | None = None,
) -> PeriodReport:
    """The period's report over every unit, or over the units under `root`. Its overdue dossiers are read
    when a file is made (overdue_frames, overdue_by_field), not for the page. `counts`: the period's
    queries.unit_counts when the caller has them (the units' and the districts' tables share them)."""
    if counts is None:
        counts = queries.unit_counts(conn, period, root=root)
    units = queries.kpi_table(conn, period, level="all", territory=False, root=root, counts=counts)
    as_of = queries.as_of(conn) or period.end
    # the units' own codes and the retired units whose dossiers count at them: the same set as the headline
    scope = overdue.Scope(period, tuple(queries.scope_codes(conn, period, None, False, root)), as_of, root=root)
    previous = None
    if period.kind != "custom":
        previous = queries.kpi_table(conn, period.previous(), level="all", territory=False, root=root)
    districts = queries.kpi_table(conn, period, level="district", territory=True, root=root, counts=counts)
    return PeriodReport(
        period=period,
        as_of=as_of,
        units=units,
        scope=scope,
        demo=demo,
        previous=previous,
        districts=districts,
    )


def flat_rows(
    conn: sa.Connection, period: Period, level: str, territory: bool, root: str | None = None
) -> pd.DataFrame:
    """The rows of `python -m dashboard report`: exactly kpi.REPORT_FIELDS, rates rounded to 2 decimals
    (None = no data), provincial bodies first, then departments, branches, districts, communes."""
    table = queries.kpi_table(conn, period, level=level, territory=territory, root=root)
    table = table.rename(columns={"code": "unit_code", "name": "unit_name"})
    order = {"province": 0, "department": 1, "land_registry_branch": 2, "district": 3, "commune": 4, "other": 5}
    table = table.assign(_o=table["kind"].map(order)).sort_values(["_o", "unit_code"])
    out = table[list(kpi.REPORT_FIELDS)].copy()
    for name in kpi.RATE_FIELDS:
        out[name] = [None if pd.isna(v) else round(float(v), 2) for v in out[name]]
    return out.reset_index(drop=True)
