"""The period report: every unit's own figures in the official layout (QĐ 766 progress report, as used
in Quảng Nam and documented in research/domain.md §B.4), with the definitions that produce them.

Rows are grouped I. Sở, ban, ngành · II. Chi nhánh VPĐKĐĐ · III. UBND cấp huyện · IV. UBND cấp xã.
Each unit row holds the unit's *own* dossiers, so the groups add up to the province total without
counting a dossier twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa

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

LABELS = {
    "grp_departments": {"vi": "Sở, ban, ngành", "en": "Departments and provincial bodies"},
    "grp_branches": {"vi": "Chi nhánh Văn phòng đăng ký đất đai", "en": "Land-registry branches"},
    "grp_districts": {"vi": "UBND cấp huyện", "en": "District people's committees"},
    "grp_communes": {"vi": "UBND cấp xã", "en": "Commune people's committees"},
    "total": {"vi": "Tổng cộng", "en": "Total"},
    "cg_received": {"vi": "Tiếp nhận", "en": "Received"},
    "cg_finished": {"vi": "Đã xử lý (gồm rút)", "en": "Processed (incl. withdrawn)"},
    "cg_open": {"vi": "Đang xử lý", "en": "In progress"},
    "cg_paused": {"vi": "Tạm dừng", "en": "Paused"},
    "cg_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "cg_rates": {"vi": "Tỷ lệ (%)", "en": "Rates (%)"},
    "c_total": {"vi": "Tổng số", "en": "Total"},
    "c_carried_in": {"vi": "Kỳ trước chuyển sang", "en": "Carried in"},
    "c_in_period": {"vi": "Trong kỳ", "en": "In the period"},
    "c_online": {"vi": "Trong kỳ: trực tuyến", "en": "In period: online"},
    "c_direct": {"vi": "Trong kỳ: trực tiếp", "en": "In period: in person"},
    "c_postal": {"vi": "Trong kỳ: bưu chính", "en": "In period: postal"},
    "c_early": {"vi": "Trước hạn", "en": "Early"},
    "c_on_time": {"vi": "Đúng hạn", "en": "On time"},
    "c_late": {"vi": "Quá hạn", "en": "Late"},
    "c_in_time": {"vi": "Trong hạn", "en": "In time"},
    "c_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "c_no_apology": {"vi": "Chưa có phiếu xin lỗi", "en": "Without apology letter"},
    "on_time_rate": {"vi": "Đúng hạn (chính thức)", "en": "On time (official)"},
    "on_time_rate_finished": {"vi": "Đúng hạn trên hồ sơ đã xử lý", "en": "On time among processed"},
    "online_rate": {"vi": "Nộp trực tuyến", "en": "Submitted online"},
    "online_payment_rate": {"vi": "Thanh toán trực tuyến", "en": "Paid online"},
    "digitised_rate": {"vi": "Số hóa", "en": "Digitised"},
    "satisfaction_rate": {"vi": "Hài lòng", "en": "Satisfied"},
}

#: The methodology sheet: one line per definition (SPEC §4; research/domain.md §B.3–B.4).
METHOD = {
    "vi": [
        (
            "Đơn vị",
            "Mỗi dòng là hồ sơ của chính đơn vị (MaDonVi), không cộng đơn vị cấp dưới; tổng nhóm và "
            "tổng cộng là tổng các dòng. Đơn vị lấy theo danh mục có hiệu lực trong kỳ.",
        ),
        ("Kỳ báo cáo", "Từ ngày {start} đến ngày {end}. {rule}"),
        ("So sánh ngày", "Mọi so sánh dùng ngày dương lịch (giờ Việt Nam), không dùng giờ phút."),
        ("Loại trừ", "Hồ sơ trạng thái 1 (mới đăng ký) và 3 (không được tiếp nhận) không tính vào chỉ tiêu nào."),
        ("Ngày kết thúc", "NgayKetThucXuLy với trạng thái 7, 9, 10; các trạng thái khác coi như chưa kết thúc."),
        (
            "Tiếp nhận trong kỳ",
            "Ngày tiếp nhận trong kỳ. Trực tuyến: KenhThucHien = 2; trực tiếp: 1 hoặc trống; bưu chính: 3.",
        ),
        ("Kỳ trước chuyển sang", "Tiếp nhận trước ngày đầu kỳ và chưa kết thúc trước ngày đầu kỳ."),
        ("Tiếp nhận: tổng số", "Trong kỳ + kỳ trước chuyển sang (số hồ sơ phải giải quyết)."),
        (
            "Đã xử lý",
            "Trạng thái 9, 10 kết thúc trong kỳ, cộng hồ sơ công dân rút (7) kết thúc trong kỳ. Trước hạn: "
            "kết thúc trước ngày hẹn trả; đúng hạn: đúng ngày hẹn trả hoặc không có ngày hẹn, và hồ sơ rút; "
            "quá hạn: sau ngày hẹn trả.",
        ),
        (
            "Đang xử lý",
            "Tiếp nhận đến cuối kỳ, chưa kết thúc đến cuối kỳ và không tạm dừng. Trong hạn: hẹn trả từ "
            "ngày cuối kỳ trở đi hoặc không có ngày hẹn; quá hạn: hẹn trả trước ngày cuối kỳ.",
        ),
        (
            "Tạm dừng",
            "Đang xử lý ở trạng thái 5 (bổ sung), 6 (nghĩa vụ tài chính) hoặc 8 (dừng xử lý): đồng hồ dừng, "
            "tính là đúng hạn.",
        ),
        ("Quá hạn", "Đã xử lý quá hạn + đang xử lý quá hạn. Chưa có phiếu xin lỗi: CoPhieuXinLoi khác 1."),
        ("Kiểm tra", "Tiếp nhận tổng số = Đã xử lý tổng số + Đang xử lý tổng số + Tạm dừng."),
        (
            "Tỷ lệ đúng hạn (chính thức)",
            "(Trước hạn + đúng hạn + rút + tạm dừng + đang xử lý trong hạn) / "
            "tiếp nhận tổng số — cách tính của QĐ 766 và báo cáo của tỉnh Quảng Nam.",
        ),
        (
            "Đúng hạn trên hồ sơ đã xử lý",
            "(Trước hạn + đúng hạn) / hồ sơ trạng thái 9, 10 kết thúc trong kỳ — cách tính báo chí và báo cáo cũ dùng.",
        ),
        ("Nộp trực tuyến", "Tiếp nhận trực tuyến / tiếp nhận trong kỳ."),
        (
            "Thanh toán trực tuyến",
            "Tiếp nhận trong kỳ có DuocThanhToanTrucTuyen 1 hoặc 2 / tiếp nhận trong kỳ có phí, lệ phí.",
        ),
        ("Số hóa", "Tiếp nhận trong kỳ có thành phần số hóa / tiếp nhận trong kỳ."),
        ("Hài lòng", "Đánh giá 1 hoặc 2 / số hồ sơ được đánh giá (1–4), trên hồ sơ đã xử lý trong kỳ."),
        ("Không có dữ liệu", "Tỷ lệ để trống khi mẫu số bằng 0."),
        (
            "Danh sách quá hạn",
            "Trang “Quá hạn”: hồ sơ giải quyết quá hạn trong kỳ và hồ sơ đang quá hạn tại cuối "
            "kỳ của mọi đơn vị; số ngày quá hạn tính đến ngày kết thúc hoặc ngày cuối kỳ.",
        ),
        (
            "Nguồn định nghĩa",
            "SPEC §4 của dự án; research/domain.md §B.3–B.4 (Quyết định 766/QĐ-TTg ngày 23/06/2022; báo cáo tỉnh Quảng Nam).",
        ),
    ],
    "en": [
        (
            "Units",
            "Each row holds the unit's own dossiers (MaDonVi), not those of units below it; group totals and "
            "the grand total are sums of rows. Units as listed for the period.",
        ),
        ("Period", "From {start} to {end}. {rule}"),
        ("Dates", "All comparisons use calendar dates (Vietnam time), not times of day."),
        ("Excluded", "Statuses 1 (newly registered) and 3 (not accepted) never count."),
        ("End date", "NgayKetThucXuLy for statuses 7, 9, 10; any other status is not ended."),
        (
            "Received in the period",
            "Received date inside the period. Online: KenhThucHien = 2; in person: 1 or empty; postal: 3.",
        ),
        ("Carried in", "Received before the first day and not ended before it."),
        ("Received: total", "In the period + carried in (the dossiers to handle)."),
        (
            "Processed",
            "Statuses 9, 10 ended in the period, plus withdrawals (7) ended in it. Early: ended before the "
            "due date; on time: on the due date or no due date, and withdrawals; late: after the due date.",
        ),
        (
            "In progress",
            "Received by the last day, not ended by it, not paused. In time: due on or after the last "
            "day or no due date; overdue: due before the last day.",
        ),
        (
            "Paused",
            "Open in status 5 (supplement), 6 (financial obligation) or 8 (stopped): the clock stops; counts "
            "as on time.",
        ),
        ("Overdue", "Processed late + in progress overdue. Without apology letter: CoPhieuXinLoi other than 1."),
        ("Check", "Received total = processed total + in progress total + paused."),
        (
            "On-time rate (official)",
            "(early + on time + withdrawn + paused + in progress in time) / received total "
            "— the QĐ 766 and Quảng Nam convention.",
        ),
        ("On time among processed", "(early + on time) / statuses 9, 10 ended in the period — the press convention."),
        ("Submitted online", "Received online / received in the period."),
        ("Paid online", "Received with DuocThanhToanTrucTuyen 1 or 2 / received with a fee or charge."),
        ("Digitised", "Received with digitised components / received in the period."),
        ("Satisfied", "Ratings 1 or 2 / rated dossiers (1–4), among dossiers processed in the period."),
        ("No data", "A rate is left empty when its denominator is 0."),
        (
            "Overdue list",
            "Sheet “Overdue”: dossiers processed late in the period and open and overdue at its end, "
            "of every unit; days overdue up to the end date or the last day.",
        ),
        (
            "Sources",
            "The project's SPEC §4; research/domain.md §B.3–B.4 (Decision 766/QĐ-TTg of 23/06/2022; Quảng Nam reports).",
        ),
    ],
}


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
    overdue_rows: pd.DataFrame = field(repr=False)  # list rows with a "list" column
    previous: pd.DataFrame | None = field(default=None, repr=False)  # same for the previous period (named only)
    districts: pd.DataFrame | None = field(default=None, repr=False)  # district level, whole territory
    demo: bool = False

    def official(self) -> pd.DataFrame:
        """The official table: a row per group ("group"), its units ("unit"), and the total ("total").

        Columns: row_type, number, code, name, then one per COLUMNS entry (c0…), then the rates.
        """
        rows = []
        for roman, key, kinds in GROUPS:
            members = self.units[self.units["kind"].isin(kinds)].sort_values(["code"])
            # the province's own row is only news when it handled dossiers itself (its total is the last row)
            idle = (members["kind"] == "province") & (members[list(kpi.COUNT_FIELDS)].sum(axis=1) == 0)
            members = members[~idle]
            rows.append(_row("group", roman, "", key, members))
            for i in range(len(members)):
                u = members.iloc[i]
                rows.append(_row("unit", str(i + 1), u["code"], u["name"], members.iloc[[i]]))
        rows.append(_row("total", "", "", "total", self.units))
        return pd.DataFrame(rows)

    def overdue_by_field(self) -> pd.DataFrame:
        """Overdue dossiers (and those without an apology letter) per field name, most first."""
        rows = self.overdue_rows
        return (
            rows.assign(no_apology=(rows["apology"].fillna(0) != 1).astype(int))
            .fillna({"field_name": "—"})
            .groupby("field_name")
            .agg(overdue=("code", "size"), no_apology=("no_apology", "sum"))
            .sort_values("overdue", ascending=False)
        )

    def totals(self) -> kpi.KpiRow:
        return kpi.KpiRow.from_counts(self.units[list(kpi.COUNT_FIELDS)].sum().to_dict())


def _row(kind: str, number: str, code: str, name: str, members: pd.DataFrame) -> dict:
    sums = members[list(kpi.COUNT_FIELDS)].sum()
    k = kpi.KpiRow.from_counts(sums.to_dict())
    out = {"row_type": kind, "number": number, "code": code, "name": name}
    for j, (_, _, parts) in enumerate(COLUMNS):
        out[f"c{j}"] = int(sum(getattr(k, p) for p in parts))
    out.update(k.rates())
    return out


def build(
    conn: sa.Connection,
    period: Period,
    *,
    overdue_limit: int | None = None,
    demo: bool = False,
    root: str | None = None,
) -> PeriodReport:
    """The period's report over every unit, or over the units under `root`."""
    units = queries.kpi_table(conn, period, level="all", territory=False, root=root)
    as_of = queries.as_of(conn) or period.end
    # the units' own codes and the retired units whose dossiers count at them: the same set as the headline
    scope = overdue.Scope(period, tuple(queries.scope_codes(conn, period, None, False, root)), as_of, root=root)
    frames = [
        overdue.page(conn, k, scope, sort="days_overdue", limit=overdue_limit).assign(list=k)
        for k in overdue.OVERDUE_LISTS
    ]
    previous = None
    if period.kind != "custom":
        previous = queries.kpi_table(conn, period.previous(), level="all", territory=False, root=root)
    districts = queries.kpi_table(conn, period, level="district", territory=True, root=root)
    return PeriodReport(
        period=period,
        as_of=as_of,
        units=units,
        demo=demo,
        previous=previous,
        districts=districts,
        overdue_rows=pd.concat(frames, ignore_index=True),
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
