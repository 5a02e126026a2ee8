"""UI strings in Vietnamese (default) and English. Unit and procedure names stay as recorded."""
from __future__ import annotations

LANGS = ("vi", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Bản đồ thể chế", "en": "Institutional map"},
    "page_overview": {"vi": "Tổng quan", "en": "Overview"},
    "sidebar_filters": {"vi": "Bộ lọc", "en": "Filters"},
    "period_kind": {"vi": "Kỳ báo cáo", "en": "Reporting period"},
    "kind_month": {"vi": "Tháng", "en": "Month"},
    "kind_quarter": {"vi": "Quý", "en": "Quarter"},
    "kind_year": {"vi": "Năm", "en": "Year"},
    "kind_custom": {"vi": "Tùy chọn", "en": "Custom"},
    "period": {"vi": "Kỳ", "en": "Period"},
    "custom_range": {"vi": "Từ ngày – đến ngày", "en": "From – to"},
    "period_dates": {"vi": "Từ {start} đến {end} (ngày chốt số liệu: {cutoff})",
                     "en": "From {start} to {end} (cut-off day: {cutoff})"},
    "label_month": {"vi": "Tháng {n}/{y}", "en": "Month {n}/{y}"},
    "label_quarter": {"vi": "Quý {n}/{y}", "en": "Q{n} {y}"},
    "label_year": {"vi": "Năm {y}", "en": "Year {y}"},
    "label_custom": {"vi": "{start} – {end}", "en": "{start} – {end}"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "scope": {"vi": "Phạm vi số liệu", "en": "Scope"},
    "scope_territory": {"vi": "Toàn địa bàn", "en": "Whole territory"},
    "scope_own": {"vi": "Hồ sơ của đơn vị", "en": "Own dossiers"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "as_of": {"vi": "Dữ liệu đến ngày {date}", "en": "Data as of {date}"},
    "no_data_yet": {"vi": "Kho dữ liệu chưa có hồ sơ. Chạy `python -m dashboard demo` hoặc `python -m dashboard import TỆP`.",
                    "en": "The warehouse has no dossiers yet. Run `python -m dashboard demo` or `python -m dashboard import FILE`."},
    "no_warehouse": {"vi": "Chưa có kho dữ liệu tại {url}. Chạy `python -m dashboard demo` để tạo dữ liệu minh họa.",
                     "en": "No warehouse at {url}. Run `python -m dashboard demo` to build the demo."},
    "demo_banner": {"vi": "Dữ liệu minh họa — không phải số liệu thật của tỉnh.",
                    "en": "Demo data (dữ liệu minh họa) — not the province's real figures."},
    "no_data": {"vi": "không có dữ liệu", "en": "no data"},
    "share_link": {"vi": "Đường dẫn của trang chứa đủ bộ lọc: sao chép để chia sẻ.",
                   "en": "The page address carries every filter: copy it to share this view."},
    # KPI names
    "on_time_rate": {"vi": "Tỷ lệ đúng hạn (chính thức)", "en": "On-time rate (official)"},
    "on_time_rate_finished": {"vi": "Tỷ lệ đúng hạn trên hồ sơ đã giải quyết", "en": "On-time rate of finished dossiers"},
    "online_rate": {"vi": "Tỷ lệ hồ sơ trực tuyến", "en": "Online submission rate"},
    "online_payment_rate": {"vi": "Tỷ lệ thanh toán trực tuyến", "en": "Online payment rate"},
    "digitised_rate": {"vi": "Tỷ lệ số hóa hồ sơ", "en": "Digitisation rate"},
    "satisfaction_rate": {"vi": "Tỷ lệ hài lòng", "en": "Satisfaction rate"},
    "received": {"vi": "Tiếp nhận trong kỳ", "en": "Received in period"},
    "carried_in": {"vi": "Kỳ trước chuyển sang", "en": "Carried in"},
    "finished": {"vi": "Đã giải quyết", "en": "Finished"},
    "overdue": {"vi": "Hồ sơ quá hạn", "en": "Overdue dossiers"},
    "open_overdue": {"vi": "Đang xử lý quá hạn", "en": "Open and overdue"},
    "finished_late": {"vi": "Giải quyết quá hạn", "en": "Finished late"},
    "overdue_without_apology": {"vi": "Quá hạn chưa có phiếu xin lỗi", "en": "Overdue without apology letter"},
    "target": {"vi": "mục tiêu {value}", "en": "target {value}"},
    "vs_previous": {"vi": "so với kỳ trước", "en": "vs previous period"},
    "points": {"vi": "điểm %", "en": "pts"},
    "kpi_help_on_time_rate": {
        "vi": "(Trước hạn + đúng hạn + rút + tạm dừng + đang xử lý trong hạn) / (tiếp nhận + kỳ trước chuyển sang) — QĐ 766 và báo cáo của tỉnh.",
        "en": "(early + on time + withdrawn + paused + open in time) / (received + carried in) — Decision 766 and provincial reports."},
    "kpi_help_on_time_rate_finished": {"vi": "(Trước hạn + đúng hạn) / đã giải quyết — cách tính báo chí thường dùng.",
                                       "en": "(early + on time) / finished — the press convention."},
    "kpi_help_overdue": {"vi": "Giải quyết quá hạn trong kỳ + đang xử lý quá hạn tại cuối kỳ.",
                         "en": "Finished late in the period + open and overdue at its end."},
    # tables
    "rank_districts": {"vi": "Xếp hạng cấp huyện (toàn địa bàn)", "en": "District ranking (whole territory)"},
    "rank_communes": {"vi": "Xếp hạng cấp xã", "en": "Commune ranking"},
    "rank_departments": {"vi": "Xếp hạng sở, ban, ngành", "en": "Department ranking"},
    "rank_branches": {"vi": "Xếp hạng chi nhánh Văn phòng Đăng ký đất đai", "en": "Land-registry branch ranking"},
    "rank_children": {"vi": "Xếp hạng đơn vị trực thuộc", "en": "Ranking of subordinate units"},
    "col_rank": {"vi": "Hạng", "en": "Rank"},
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_handled": {"vi": "Phải giải quyết", "en": "To handle"},
    "below_target": {"vi": "{n} đơn vị dưới mục tiêu {target}", "en": "{n} units below the {target} target"},
    "nothing_to_rank": {"vi": "Không có đơn vị nào để xếp hạng trong phạm vi này.",
                        "en": "No units to rank in this scope."},
    "chart_target": {"vi": "Mục tiêu {value}", "en": "Target {value}"},
}


def t(key: str, lang: str = "vi", **kwargs) -> str:
    """The string for `key` in `lang`, formatted with kwargs."""
    text = STRINGS[key][lang if lang in LANGS else "vi"]
    return text.format(**kwargs) if kwargs else text
