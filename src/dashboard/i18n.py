"""UI strings in Vietnamese (default) and English. Unit and procedure names stay as recorded."""

from __future__ import annotations

import json

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
    "period_dates": {
        "vi": "Từ {start} đến {end} (ngày chốt số liệu: {cutoff})",
        "en": "From {start} to {end} (cut-off day: {cutoff})",
    },
    "label_month": {"vi": "Tháng {m}/{y}", "en": "{m} {y}"},  # m: 7 · Jul
    "label_quarter": {"vi": "Quý {n}/{y}", "en": "Q{n} {y}"},
    "label_year": {"vi": "Năm {y}", "en": "Year {y}"},
    "label_custom": {"vi": "{start} – {end}", "en": "{start} – {end}"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "scope": {"vi": "Phạm vi số liệu", "en": "Scope"},
    "scope_territory": {"vi": "Toàn địa bàn", "en": "Whole territory"},
    "scope_own": {"vi": "Hồ sơ của đơn vị", "en": "Own dossiers"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "as_of": {"vi": "Dữ liệu đến ngày {date}", "en": "Data as of {date}"},
    "no_data_yet": {
        "vi": "Kho dữ liệu chưa có hồ sơ. Chạy `python -m dashboard demo` hoặc `python -m dashboard import TỆP`.",
        "en": "The warehouse has no dossiers yet. Run `python -m dashboard demo` or `python -m dashboard import FILE`.",
    },
    "no_warehouse": {
        "vi": "Chưa có kho dữ liệu tại {url}. Chạy `python -m dashboard demo` để tạo dữ liệu minh họa.",
        "en": "No warehouse at {url}. Run `python -m dashboard demo` to build the demo.",
    },
    "demo_banner": {
        "vi": "Dữ liệu minh họa — không phải số liệu thật của tỉnh.",
        "en": "Demo data — not the province's real figures.",
    },
    "no_data": {"vi": "không có dữ liệu", "en": "no data"},
    "share_link": {
        "vi": "Đường dẫn của trang chứa đủ bộ lọc: sao chép để chia sẻ.",
        "en": "The page address carries every filter: copy it to share this view.",
    },
    # KPI names
    "on_time_rate": {"vi": "Tỷ lệ đúng hạn (chính thức)", "en": "On-time rate (official)"},
    "on_time_rate_finished": {
        "vi": "Tỷ lệ đúng hạn trên hồ sơ đã giải quyết",
        "en": "On-time rate of finished dossiers",
    },
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
        "en": "(early + on time + withdrawn + paused + open in time) / (received + carried in) — Decision 766 and provincial reports.",
    },
    "kpi_help_on_time_rate_finished": {
        "vi": "(Trước hạn + đúng hạn) / đã giải quyết — cách tính báo chí thường dùng.",
        "en": "(early + on time) / finished — the press convention.",
    },
    "kpi_help_overdue": {
        "vi": "Giải quyết quá hạn trong kỳ + đang xử lý quá hạn tại cuối kỳ.",
        "en": "Finished late in the period + open and overdue at its end.",
    },
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
    "nothing_to_rank": {
        "vi": "Không có đơn vị nào để xếp hạng trong phạm vi này.",
        "en": "No units to rank in this scope.",
    },
    "band_ok": {"vi": "Đạt mục tiêu (≥ {target})", "en": "On target (≥ {target})"},
    "band_near": {"vi": "Gần mục tiêu ({lo} – dưới {hi})", "en": "Near target ({lo} – under {hi})"},
    "band_low": {"vi": "Dưới {lo}", "en": "Below {lo}"},
    "page_map": {"vi": "Bản đồ", "en": "Map"},
    "page_overdue": {"vi": "Hồ sơ quá hạn", "en": "Overdue dossiers"},
    "map_units": {"vi": "Huyện, xã", "en": "Districts and communes"},
    "map_provinces": {"vi": "63 tỉnh, thành: PAR Index, SIPAS", "en": "63 provinces: PAR Index, SIPAS"},
    "metric": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "district_pick": {"vi": "Xem các xã của huyện", "en": "Show the communes of"},
    "whole_province": {"vi": "— Toàn tỉnh (cấp huyện) —", "en": "— Whole province (districts) —"},
    "back_to_districts": {"vi": "← Quay lại bản đồ cấp huyện", "en": "← Back to the district map"},
    "commune_pick": {"vi": "Chọn xã để xem hồ sơ quá hạn", "en": "Pick a commune to see its overdue dossiers"},
    "open_overdue_list": {
        "vi": "Mở danh sách hồ sơ quá hạn của {name} ({period})",
        "en": "Open the overdue dossiers of {name} ({period})",
    },
    "map_hint": {
        "vi": "Bấm vào một huyện trên bản đồ, hoặc chọn ở ô “{picker}” phía trên, để xem các xã.",
        "en": "Click a district on the map, or pick it in “{picker}” above, to see its communes.",
    },
    "map_hint_commune": {
        "vi": "Bấm vào một xã trên bản đồ, hoặc chọn ở ô “{picker}” phía trên, để mở hồ sơ quá hạn của xã.",
        "en": "Click a commune on the map, or pick it in “{picker}” above, to open its overdue dossiers.",
    },
    "no_layer": {
        "vi": "Chưa có ranh giới {level} cho kỳ {period}. Cài bộ ranh giới mẫu: `python -m dashboard geo install --from ../shared/geo`, "
        "hoặc nhập tệp của bạn: `python -m dashboard geo import TỆP --level {level_code}`. Các trang khác vẫn dùng được.",
        "en": "No {level} boundaries for {period}. Install the demo pack: `python -m dashboard geo install --from ../shared/geo`, "
        "or bring your own: `python -m dashboard geo import FILE --level {level_code}`. Every other page works without them.",
    },
    "level_district": {"vi": "cấp huyện", "en": "district"},
    "level_commune": {"vi": "cấp xã", "en": "commune"},
    "level_province": {"vi": "cấp tỉnh", "en": "province"},
    "no_polygon": {"vi": "Đơn vị chưa có ranh giới trên bản đồ", "en": "Units without a polygon on the map"},
    "hover_rank": {"vi": "Hạng {rank}/{n}", "en": "Rank {rank} of {n}"},
    "hover_counts": {"vi": "{num} / {den} hồ sơ", "en": "{num} / {den} dossiers"},
    "hover_overdue": {
        "vi": "Giải quyết quá hạn {late} · đang quá hạn {open}",
        "en": "Finished late {late} · open overdue {open}",
    },
    "index": {"vi": "Chỉ số", "en": "Index"},
    "year": {"vi": "Năm", "en": "Year"},
    "no_published": {"vi": "chưa có số liệu", "en": "no published figure"},
    "published_score": {"vi": "Điểm (%)", "en": "Score (%)"},
    "published_table": {"vi": "Số liệu công bố và nguồn", "en": "Published figures and sources"},
    "col_province": {"vi": "Tỉnh, thành", "en": "Province"},
    "col_score": {"vi": "Điểm", "en": "Score"},
    "col_quality": {"vi": "Mức tin cậy", "en": "Reliability"},
    "col_source": {"vi": "Nguồn", "en": "Source"},
    "col_note": {"vi": "Ghi chú", "en": "Note"},
    "quality_verified": {"vi": "đã kiểm chứng", "en": "verified"},
    "quality_derived": {"vi": "suy ra", "en": "derived"},
    "quality_uncertain": {"vi": "chưa chắc chắn", "en": "uncertain"},
    "quality_demo": {"vi": "dữ liệu minh họa", "en": "demo data"},
    "home_outline": {"vi": "Viền đậm: {name}", "en": "Bold outline: {name}"},
    "national_average": {"vi": "Bình quân cả nước: {value}", "en": "National average: {value}"},
    "col_code": {"vi": "Mã hồ sơ", "en": "Dossier code"},
    "col_procedure": {"vi": "Thủ tục", "en": "Procedure"},
    "col_field": {"vi": "Lĩnh vực", "en": "Field"},
    "col_received": {"vi": "Tiếp nhận", "en": "Received"},
    "col_due": {"vi": "Hẹn trả", "en": "Due"},
    "col_end": {"vi": "Kết thúc", "en": "Ended"},
    "col_days_overdue": {"vi": "Số ngày quá hạn", "en": "Days overdue"},
    "col_apology": {"vi": "Phiếu xin lỗi", "en": "Apology letter"},
    "col_state": {"vi": "Tình trạng", "en": "State"},
    "state_finished_late": {"vi": "Giải quyết quá hạn", "en": "Finished late"},
    "state_open_overdue": {"vi": "Đang xử lý quá hạn", "en": "Open, overdue"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "chart_target": {"vi": "Mục tiêu {value}", "en": "Target {value}"},
    # ---- Hồ sơ quá hạn ----
    "list_finished_late": {"vi": "Giải quyết quá hạn trong kỳ", "en": "Finished late in the period"},
    "list_open_overdue": {"vi": "Đang quá hạn tại cuối kỳ", "en": "Open and overdue at period end"},
    "list_due_soon": {"vi": "Sắp đến hạn", "en": "Due soon"},
    "list_help_finished_late": {
        "vi": "Trạng thái 9, 10 kết thúc trong kỳ sau ngày hẹn trả.",
        "en": "Status 9 or 10, ended in the period after the due date.",
    },
    "list_help_open_overdue": {
        "vi": "Chưa kết thúc tại {end}, không tạm dừng, hẹn trả trước {end}.",
        "en": "Not ended at {end}, not paused, due before {end}.",
    },
    "list_help_due_soon": {
        "vi": "Đang xử lý (không tạm dừng) tại {asof}, hẹn trả trong {n} ngày tới ({asof} – {until}).",
        "en": "Open (not paused) at {asof}, due within the next {n} days ({asof} – {until}).",
    },
    "due_days": {"vi": "Sắp đến hạn: trong số ngày", "en": "Due soon: within days"},
    "filter_field": {"vi": "Lĩnh vực", "en": "Field"},
    "filter_procedure": {"vi": "Thủ tục", "en": "Procedure"},
    "filter_all": {"vi": "Tất cả", "en": "All"},
    "choose_units": {"vi": "Chọn đơn vị", "en": "Choose units"},
    "choose_provinces": {"vi": "Chọn tỉnh, thành phố", "en": "Choose provinces"},
    "filter_dropped": {
        "vi": "Không có hồ sơ nào thuộc {what} {codes} trong các danh sách của đơn vị và kỳ này, "
        "nên bộ lọc đó được bỏ: đang hiện mọi {what}.",
        "en": "No dossier of {what} {codes} is on this unit's lists for the period, so that filter "
        "was dropped: showing every {what}.",
    },
    "filter_dropped_some": {
        "vi": "Không có hồ sơ nào thuộc {what} {codes} trong các danh sách của đơn vị và kỳ này, "
        "nên mã đó được bỏ khỏi bộ lọc.",
        "en": "No dossier of {what} {codes} is on this unit's lists for the period, so it was taken out of the filter.",
    },
    "sort_by": {"vi": "Sắp xếp theo", "en": "Sort by"},
    "sort_desc": {"vi": "Giảm dần", "en": "Descending"},
    "sort_asc": {"vi": "Tăng dần", "en": "Ascending"},
    "page_no": {"vi": "Trang", "en": "Page"},
    "page_of": {
        "vi": "Trang {page}/{pages} · hồ sơ {first}–{last} trên {total}",
        "en": "Page {page}/{pages} · dossiers {first}–{last} of {total}",
    },
    "rows_per_page": {"vi": "Số dòng mỗi trang", "en": "Rows per page"},
    "list_empty": {"vi": "Không có hồ sơ nào trong danh sách này.", "en": "No dossier in this list."},
    "summary_scope": {
        "vi": "Tổng hợp hồ sơ quá hạn của đơn vị trong kỳ (không theo bộ lọc lĩnh vực, thủ tục).",
        "en": "Overdue dossiers of the unit in the period (before the field and procedure filters).",
    },
    "sum_overdue": {"vi": "Hồ sơ quá hạn", "en": "Overdue dossiers"},
    "sum_no_apology": {"vi": "Quá hạn chưa có phiếu xin lỗi", "en": "Overdue without apology letter"},
    "sum_no_apology_share": {"vi": "{share} số hồ sơ quá hạn", "en": "{share} of overdue dossiers"},
    "sum_due_soon": {"vi": "Sắp đến hạn ({n} ngày)", "en": "Due soon ({n} days)"},
    "sum_by_field": {"vi": "Quá hạn theo lĩnh vực", "en": "Overdue by field"},
    "sum_by_procedure": {"vi": "Thủ tục có nhiều hồ sơ quá hạn nhất", "en": "Procedures with most overdue"},
    "sum_by_unit": {"vi": "Đơn vị có nhiều hồ sơ quá hạn nhất", "en": "Units with most overdue"},
    "col_count_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "col_count_no_apology": {"vi": "Chưa xin lỗi", "en": "No apology"},
    "col_handling_unit": {"vi": "Đơn vị xử lý", "en": "Handling unit"},
    "col_procedure_code": {"vi": "Mã thủ tục", "en": "Procedure code"},
    "col_procedure_name": {"vi": "Tên thủ tục", "en": "Procedure name"},
    "col_status": {"vi": "Trạng thái", "en": "Status"},
    "col_channel": {"vi": "Kênh", "en": "Channel"},
    "col_days_left": {"vi": "Số ngày còn lại", "en": "Days left"},
    "status_1": {"vi": "Mới đăng ký", "en": "Newly registered"},
    "status_2": {"vi": "Được tiếp nhận", "en": "Received"},
    "status_3": {"vi": "Không được tiếp nhận", "en": "Not accepted"},
    "status_4": {"vi": "Đang xử lý", "en": "In progress"},
    "status_5": {"vi": "Yêu cầu bổ sung giấy tờ", "en": "Supplement requested"},
    "status_6": {"vi": "Yêu cầu thực hiện nghĩa vụ tài chính", "en": "Financial obligation requested"},
    "status_7": {"vi": "Công dân rút hồ sơ", "en": "Withdrawn by citizen"},
    "status_8": {"vi": "Dừng xử lý", "en": "Processing stopped"},
    "status_9": {"vi": "Đã xử lý xong", "en": "Processed"},
    "status_10": {"vi": "Đã trả kết quả", "en": "Result returned"},
    "channel_1": {"vi": "Trực tiếp", "en": "In person"},
    "channel_2": {"vi": "Trực tuyến", "en": "Online"},
    "channel_3": {"vi": "Bưu chính công ích", "en": "Public postal service"},
    "export_xlsx": {"vi": "Tải danh sách (XLSX)", "en": "Download the list (XLSX)"},
    "export_prepare": {"vi": "Chuẩn bị tệp XLSX ({n} hồ sơ)", "en": "Prepare the XLSX file ({n} dossiers)"},
    "export_too_many": {
        "vi": "Danh sách có {n} hồ sơ; tệp xuất giới hạn {max} dòng — hãy lọc thêm.",
        "en": "The list has {n} dossiers; an export holds at most {max} rows — filter further.",
    },
    "sheet_filters": {"vi": "Bộ lọc", "en": "Filters"},
    "xl_title": {"vi": "Danh sách hồ sơ — {list}", "en": "Dossier list — {list}"},
    "xl_unit": {"vi": "Đơn vị", "en": "Unit"},
    "xl_scope": {"vi": "Phạm vi", "en": "Scope"},
    "xl_period": {"vi": "Kỳ báo cáo", "en": "Period"},
    "xl_asof": {"vi": "Số liệu đến ngày", "en": "Data as of"},
    "xl_due_days": {"vi": "Sắp đến hạn trong (ngày)", "en": "Due soon within (days)"},
    "xl_rows": {"vi": "Số hồ sơ", "en": "Dossiers"},
    "xl_sort": {"vi": "Sắp xếp", "en": "Sorted by"},
    "xl_generated": {"vi": "Xuất lúc", "en": "Exported at"},
    "xl_demo": {"vi": "Dữ liệu minh họa, không phải số liệu thật.", "en": "Demo data, not real figures."},
    "xl_neutralised": {
        "vi": "Giá trị bắt đầu bằng = + - @ được thêm dấu ' để không bị hiểu là công thức.",
        "en": "Values beginning with = + - @ carry a leading ' so they are never read as formulas.",
    },
    "open_overdue_page": {"vi": "Xem hồ sơ quá hạn của đơn vị", "en": "See the unit's overdue dossiers"},
    # ---- Cảnh báo sớm ----
    "warning_title": {"vi": "Cảnh báo sớm", "en": "Early warning"},
    "warning_help": {
        "vi": "Đơn vị có tỷ lệ đúng hạn dưới {target} trong kỳ hoặc giảm hơn {drop} điểm so với kỳ trước; "
        "số hồ sơ sắp đến hạn trong {n} ngày kể từ {asof}.",
        "en": "Units whose on-time rate is below {target} this period or fell more than {drop} points "
        "from the previous one; dossiers due within {n} days of {asof}.",
    },
    "warning_none": {
        "vi": "Không có đơn vị nào dưới {target} hoặc giảm hơn {drop} điểm.",
        "en": "No unit below {target} or down more than {drop} points.",
    },
    "col_previous": {"vi": "Kỳ trước", "en": "Previous"},
    "col_change": {"vi": "Thay đổi (điểm)", "en": "Change (points)"},
    "col_reason": {"vi": "Lý do", "en": "Reason"},
    "col_due_soon": {"vi": "Sắp đến hạn", "en": "Due soon"},
    "reason_below": {"vi": "Dưới {target}", "en": "Below {target}"},
    "reason_drop": {"vi": "Giảm {points} điểm", "en": "Down {points} points"},
    "col_link": {"vi": "Danh sách", "en": "List"},
    # ---- Báo cáo ----
    "page_report": {"vi": "Báo cáo", "en": "Report"},
    "report_intro": {
        "vi": "Báo cáo tình hình giải quyết thủ tục hành chính của kỳ theo mẫu: I. Sở, ban, ngành · "
        "II. Chi nhánh VPĐKĐĐ · III. UBND cấp huyện · IV. UBND cấp xã; số liệu của chính đơn vị "
        "(không cộng đơn vị cấp dưới).",
        "en": "The period's administrative-procedure report in the official layout: I. Departments · "
        "II. Land-registry branches · III. District people's committees · IV. Commune people's "
        "committees; each unit's own dossiers.",
    },
    "report_xlsx": {"vi": "Tải báo cáo (XLSX)", "en": "Download the report (XLSX)"},
    "warehouse_outdated": {
        "vi": "Kho dữ liệu được tạo bởi một phiên bản cũ hơn. Người quản trị hãy chạy "
        "`python -m dashboard upgrade` (dữ liệu được giữ nguyên).",
        "en": "The warehouse was built by an older version. The operator should run "
        "`python -m dashboard upgrade` (its data is kept).",
    },
    "pdf_unavailable": {"vi": "Bản PDF cần thêm thư viện: {command}", "en": "The PDF needs more libraries: {command}"},
    "download_building": {"vi": "Đang tạo tệp…", "en": "Making the file…"},
    "download_save": {"vi": "Lưu {file}", "en": "Save {file}"},
    "download_failed": {
        "vi": "Không tạo được tệp {file}. Lỗi đã được ghi vào nhật ký cho người quản trị; hãy thử "
        "lại, hoặc báo cho họ nếu lỗi lặp lại.",
        "en": "Could not make {file}. The error was written to the operator's log; try again, or "
        "tell them if it happens again.",
    },
    "report_pdf": {"vi": "Tải bản tóm tắt một trang (PDF)", "en": "Download the one-page summary (PDF)"},
    "report_prepare": {"vi": "Chuẩn bị tệp báo cáo", "en": "Prepare the report files"},
    "no_layer_short": {
        "vi": "Chưa có ranh giới huyện cho kỳ này (python -m dashboard geo install).",
        "en": "No district boundaries for this period (python -m dashboard geo install).",
    },
    "col_on_time_short": {"vi": "Đúng hạn", "en": "On time"},
    "pdf_method": {
        "vi": "Tỷ lệ đúng hạn (chính thức, QĐ 766) = (trước hạn + đúng hạn + rút + tạm dừng + đang xử lý trong hạn) "
        "/ (tiếp nhận trong kỳ + kỳ trước chuyển sang); mục tiêu {target}. Quá hạn = đã xử lý quá hạn trong kỳ "
        "+ đang xử lý quá hạn tại cuối kỳ. So sánh theo ngày dương lịch; hồ sơ trạng thái 1 và 3 không tính. "
        "Định nghĩa đầy đủ: trang “Phương pháp” của tệp XLSX.",
        "en": "Official on-time rate (QĐ 766) = (early + on time + withdrawn + paused + in progress in time) / "
        "(received in the period + carried in); target {target}. Overdue = processed late in the period + "
        "in progress and overdue at its end. Calendar dates; statuses 1 and 3 never count. Full "
        "definitions: the “Methodology” sheet of the XLSX file.",
    },
    # ---- Xu hướng ----
    "page_trends": {"vi": "Xu hướng", "en": "Trends"},
    "trend_span": {"vi": "Khoảng thời gian", "en": "Time span"},
    "trend_span_n": {"vi": "{n} tháng", "en": "{n} months"},
    "trend_span_all": {"vi": "Tất cả", "en": "All"},
    "trend_months": {
        "vi": "Theo tháng (kỳ chốt ngày {cutoff}), từ {start} đến {end}.",
        "en": "By month (cut-off day {cutoff}), from {start} to {end}.",
    },
    "trend_on_time": {"vi": "Tỷ lệ giải quyết đúng hạn theo tháng", "en": "On-time resolution by month"},
    "trend_digital": {
        "vi": "Trực tuyến, thanh toán trực tuyến và số hóa theo tháng",
        "en": "Online submission, online payment and digitisation by month",
    },
    "trend_compare": {"vi": "So sánh đơn vị", "en": "Compare units"},
    "trend_compare_units": {"vi": "Đơn vị so sánh (tối đa {n})", "en": "Units to compare (at most {n})"},
    "trend_table": {"vi": "Số liệu theo tháng", "en": "Monthly figures"},
    "trend_merged": {
        "vi": "Cộng cả đơn vị đã sáp nhập vào (trước thời điểm sáp nhập)",
        "en": "Include the units merged into it (before the merger)",
    },
    "trend_merged_help": {
        "vi": "Bật: các tháng trước sáp nhập cộng cả số liệu của đơn vị tiền thân, để so sánh cùng phạm vi.",
        "en": "On: months before the merger also count the predecessor units, so the line compares like with like.",
    },
    "trend_continues": {
        "vi": "{unit} hết hiệu lực từ {date}; từ đó số liệu tiếp nối bằng {successor} (đơn vị kế thừa).",
        "en": "{unit} ceased on {date}; from then on the line continues with its successor, {successor}.",
    },
    "national_average_line": {"vi": "Bình quân cả nước", "en": "National average"},
    "col_component": {"vi": "Lĩnh vực / nhóm", "en": "Field / group"},
    "score_points": {"vi": "điểm", "en": "points"},
    "chosen_period": {"vi": "Kỳ đang chọn", "en": "Chosen period"},
    "merger_note": {"vi": "{date}: {retired} → {successor}", "en": "{date}: {retired} → {successor}"},
    "received_online": {"vi": "Tiếp nhận trực tuyến", "en": "Received online"},
    "col_month": {"vi": "Tháng", "en": "Month"},
    "col_shown_unit": {"vi": "Số liệu của", "en": "Figures of"},
    "published_title": {
        "vi": "SIPAS và PAR Index theo năm (số liệu công bố)",
        "en": "SIPAS and PAR Index by year (published figures)",
    },
    "published_peers": {"vi": "Tỉnh so sánh", "en": "Peer provinces"},
    "published_help": {
        "vi": "Chấm đặc: số liệu đã kiểm chứng · chấm rỗng: số suy ra · hình thoi rỗng: chưa chắc chắn. "
        "Số trên đường của tỉnh là thứ hạng / 63. Di chuột để xem nguồn.",
        "en": "Filled dot: verified · open dot: derived · open diamond: uncertain. The numbers on the "
        "home province's line are its rank / 63. Hover for the source.",
    },
    "par_components": {
        "vi": "Các lĩnh vực thành phần của PAR Index — {province}",
        "en": "PAR Index component fields — {province}",
    },
    "par_components_help": {
        "vi": "Vạch chéo: số liệu chưa chắc chắn (điểm tối đa từng lĩnh vực chưa được công bố).",
        "en": "Hatched: uncertain figures (the maximum of each field is not published).",
    },
    "published_points": {"vi": "Điểm", "en": "Points"},
    "no_published_rows": {
        "vi": "Chưa có số liệu công bố cho lựa chọn này.",
        "en": "No published figures for this choice.",
    },
    # ---- Chỉ số 766 ----
    "page_scorecard": {"vi": "Chỉ số 766", "en": "766 index"},
    "score_estimate": {"vi": "Điểm ước tính từ dữ liệu hồ sơ", "en": "Estimate from dossier data"},
    "score_estimate_value": {"vi": "{est} / {max} điểm", "en": "{est} / {max} points"},
    "score_100": {"vi": "Quy đổi thang 100", "en": "On a 100-point scale"},
    "score_band": {"vi": "Xếp loại (ước tính)", "en": "Band (estimate)"},
    "score_official": {"vi": "Điểm chính thức (đã nhập)", "en": "Official score (imported)"},
    "score_official_none": {"vi": "chưa nhập", "en": "not imported"},
    "score_note": {
        "vi": "Ước tính từ dữ liệu hồ sơ của kho, không phải điểm chính thức: chỉ tính được {computable} trên 100 "
        "điểm của Bộ chỉ số 766; phần còn lại cần dữ liệu khác (công bố, công khai TTHC, phản ánh kiến nghị…). "
        "Xếp loại dùng điểm quy đổi thang 100 với ngưỡng {bands} (ngưỡng chính thức chưa được công bố).",
        "en": "An estimate from the warehouse's dossier data, not an official score: only {computable} of the "
        "766 index's 100 points can be computed; the rest needs other data (publication of procedures, "
        "petitions…). The band uses the 100-point equivalent with cut-offs {bands} (the official "
        "cut-offs are not published).",
    },
    "col_group": {"vi": "Nhóm chỉ số", "en": "Group"},
    "col_group_max": {"vi": "Điểm tối đa", "en": "Max points"},
    "col_indicator": {"vi": "Chỉ tiêu tính từ hồ sơ", "en": "Indicator computed from dossiers"},
    "col_value": {"vi": "Giá trị", "en": "Value"},
    "col_full_at": {"vi": "Đủ điểm khi đạt", "en": "Full points at"},
    "col_points": {"vi": "Điểm ước tính", "en": "Estimated points"},
    "col_official": {"vi": "Điểm chính thức", "en": "Official points"},
    "col_basis": {"vi": "Ghi chú", "en": "Note"},
    "group_publicity": {"vi": "Công khai, minh bạch", "en": "Publicity and transparency"},
    "group_progress": {"vi": "Tiến độ giải quyết", "en": "Progress of resolution"},
    "group_online": {"vi": "Dịch vụ công trực tuyến", "en": "Online public services"},
    "group_payment": {"vi": "Thanh toán trực tuyến", "en": "Online payment"},
    "group_digitisation": {"vi": "Số hóa hồ sơ", "en": "Digitisation of dossiers"},
    "group_satisfaction": {"vi": "Mức độ hài lòng", "en": "Satisfaction"},
    "group_total": {"vi": "Tổng", "en": "Total"},
    "ind_progress": {"vi": "2.1 Tỷ lệ đúng hạn (chính thức)", "en": "2.1 On-time rate (official)"},
    "ind_online": {"vi": "3.3 Tỷ lệ hồ sơ trực tuyến", "en": "3.3 Online dossiers"},
    "ind_payment": {"vi": "3.6 Tỷ lệ hồ sơ thanh toán trực tuyến", "en": "3.6 Dossiers paid online"},
    "ind_digitisation": {"vi": "4.3 Tỷ lệ hồ sơ có thành phần số hóa", "en": "4.3 Dossiers with digitised components"},
    "ind_satisfaction": {
        "vi": "5.4 Tỷ lệ hài lòng trong giải quyết TTHC",
        "en": "5.4 Satisfaction with dossier handling",
    },
    "basis_not_computable": {"vi": "Không tính được từ dữ liệu hồ sơ", "en": "Cannot be computed from dossier data"},
    "basis_no_data": {
        "vi": "Không có dữ liệu trong kỳ (mẫu số bằng 0)",
        "en": "No data in the period (zero denominator)",
    },
    "basis_whole": {
        "vi": "Cả nhóm tính theo chỉ tiêu này (cách chia điểm trong nhóm chưa công bố)",
        "en": "The whole group scored from this indicator (the split of its points is not published)",
    },
    "basis_partial": {
        "vi": "Chỉ tính được {part} / {max} điểm của nhóm; phần còn lại cần dữ liệu khác",
        "en": "Only {part} of the group's {max} points can be computed; the rest needs other data",
    },
    "basis_full": {"vi": "Tính đủ cả nhóm", "en": "The whole group"},
    "linear": {"vi": "tỷ lệ thuận (100 %)", "en": "proportional (100 %)"},
    "band_excellent": {"vi": "Xuất sắc", "en": "Excellent"},
    "band_good": {"vi": "Tốt", "en": "Good"},
    "band_fair": {"vi": "Khá", "en": "Fair"},
    "band_average": {"vi": "Trung bình", "en": "Average"},
    "band_weak": {"vi": "Yếu", "en": "Weak"},
    "band_none": {"vi": "Không có dữ liệu", "en": "No data"},
    "score_by_month": {
        "vi": "Điểm ước tính (thang 100) theo tháng",
        "en": "Estimated score (100-point scale) by month",
    },
    "score_method": {"vi": "Cách tính", "en": "How it is computed"},
    "score_method_text": {
        "vi": "Điểm một chỉ tiêu = điểm tối đa × min(tỷ lệ, ngưỡng) / ngưỡng; tỷ lệ làm tròn 2 chữ số như Cổng DVCQG. "
        "Tiến độ (20 điểm) lấy tỷ lệ đúng hạn chính thức = (trước hạn + đúng hạn + rút + tạm dừng + đang xử lý trong "
        "hạn) / (tiếp nhận + kỳ trước chuyển sang), tính tỷ lệ thuận (chưa xác nhận được là tuyến tính). DVC trực "
        "tuyến (12): tỷ lệ hồ sơ nộp trực tuyến, đủ điểm từ 50 %. Thanh toán trực tuyến (10): hồ sơ đã thanh toán "
        "trực tuyến / hồ sơ có phí, lệ phí; ngưỡng chưa công bố nên tính tỷ lệ thuận. Số hóa (chỉ tiêu 4.3, 2/22 "
        "điểm): hồ sơ có thành phần số hóa / hồ sơ tiếp nhận, đủ điểm từ 80 %. Hài lòng (chỉ tiêu 5.4, 6/18 điểm): "
        "hồ sơ được đánh giá hài lòng / hồ sơ được đánh giá, đủ điểm từ 90 % (Cổng tính 100 % − tỷ lệ quá hạn − tỷ "
        "lệ không hài lòng). Chỉ tiêu không có dữ liệu không được cộng và không tính vào điểm tối đa. Nguồn: "
        "Mô tả công thức tính chỉ số 766 (research/domain.md §A.3).",
        "en": "An indicator's points = max × min(rate, threshold) / threshold; rates rounded to 2 decimals as on the "
        "national portal. Progress (20 points) uses the official on-time rate = (early + on time + withdrawn + "
        "paused + in progress in time) / (received + carried in), proportionally (linearity is not confirmed). "
        "Online services (12): share of dossiers submitted online, full points from 50 %. Online payment (10): "
        "dossiers paid online / dossiers with a fee; no published threshold, so proportional. Digitisation "
        "(indicator 4.3, 2 of 22 points): dossiers with digitised components / received, full points from 80 %. "
        "Satisfaction (indicator 5.4, 6 of 18 points): dossiers rated satisfied / rated, full points from 90 % "
        "(the portal computes 100 % − overdue share − dissatisfied share). An indicator without data adds "
        "nothing and leaves the maximum. Source: the 766 formula description (research/domain.md §A.3).",
    },
    "score_period_not_mean": {
        "vi": "{period} được {score} điểm ({band}) vì điểm của kỳ tính trên toàn bộ hồ sơ của kỳ, không phải trung bình "
        "điểm các tháng: mỗi tỷ lệ lấy tổng số hồ sơ của cả kỳ rồi mới quy ra điểm, nên kỳ có thể xếp loại khác "
        "các tháng của nó.",
        "en": "{period} scores {score} ({band}) because a period's score is computed on all of its dossiers, not as "
        "the mean of its months' scores: each rate is taken over the whole period before it becomes points, so "
        "a period can fall in another band than its months.",
    },
    "score_published": {"vi": "Điểm 766 đã công bố của tỉnh", "en": "Published 766 score of the province"},
    "open_rankings": {"vi": "Xem xếp hạng các đơn vị", "en": "See the rankings of units"},
    # ---- Xếp hạng ----
    "page_rankings": {"vi": "Xếp hạng", "en": "Rankings"},
    "rank_group": {"vi": "Nhóm đơn vị", "en": "Group of units"},
    "rank_group_district": {"vi": "UBND cấp huyện", "en": "Districts"},
    "rank_group_commune": {"vi": "UBND cấp xã", "en": "Communes"},
    "rank_group_department": {"vi": "Sở, ban, ngành", "en": "Departments"},
    "rank_group_land_registry_branch": {"vi": "Chi nhánh VPĐKĐĐ", "en": "Land-registry branches"},
    "rank_measure": {"vi": "Xếp hạng theo", "en": "Rank by"},
    "score_100_label": {"vi": "Chỉ số 766 (ước tính, thang 100)", "en": "766 index (estimate, 100-point scale)"},
    "rank_in_district": {"vi": "Thuộc huyện", "en": "In district"},
    "rank_all_districts": {"vi": "Tất cả các huyện", "en": "All districts"},
    "col_previous_rank": {"vi": "Hạng kỳ trước", "en": "Previous rank"},
    "col_movement": {"vi": "Thay đổi", "en": "Movement"},
    "col_band": {"vi": "Xếp loại 766 (ước tính)", "en": "766 band (estimate)"},
    "col_map": {"vi": "Bản đồ", "en": "Map"},
    "col_overdue_list": {"vi": "Danh sách quá hạn", "en": "Overdue list"},
    "rank_help": {
        "vi": "Đơn vị bằng giá trị (làm tròn 2 chữ số) cùng hạng; kỳ trước: {previous}. ↑/↓: lên/xuống bao nhiêu bậc.",
        "en": "Units with equal values (to 2 decimals) share a rank; previous period: {previous}. ↑/↓: places up/down.",
    },
    "rank_fell": {"vi": "Giảm hạng nhiều nhất", "en": "Fell furthest"},
    "rank_fell_none": {"vi": "Không đơn vị nào giảm hạng.", "en": "No unit fell."},
    "rank_bands": {"vi": "Ngưỡng xếp loại (thang 100): {bands}", "en": "Band cut-offs (100-point scale): {bands}"},
    # ---- sign-in and scope ----
    "auth_sign_in": {"vi": "Đăng nhập", "en": "Sign in"},
    "auth_sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "auth_username": {"vi": "Tên đăng nhập", "en": "Username"},
    "auth_password": {"vi": "Mật khẩu", "en": "Password"},
    "auth_failed": {"vi": "Tên đăng nhập hoặc mật khẩu không đúng.", "en": "Wrong username or password."},
    "auth_oidc_sign_in": {"vi": "Đăng nhập bằng tài khoản công vụ", "en": "Sign in with your official account"},
    "auth_unknown_account": {
        "vi": "Tài khoản {email} chưa được cấp quyền xem bảng điều khiển. Đề nghị liên hệ quản trị viên.",
        "en": "The account {email} has no access to this dashboard yet. Please ask the administrator.",
    },
    "auth_header_missing": {
        "vi": "Không xác định được người dùng: máy chủ trung gian không gửi tiêu đề {header} hoặc tên trong đó chưa được cấp quyền.",
        "en": "You could not be identified: the proxy sent no {header} header, or the user it names has no access.",
    },
    "auth_bad_file": {
        "vi": "Không đọc được tệp người dùng, nên bảng điều khiển không mở: {error}",
        "en": "The users file cannot be read, so the dashboard stays closed: {error}",
    },
    "auth_open": {
        "vi": "Chế độ mở: chưa cấu hình tệp người dùng, ai mở trang cũng xem được mọi đơn vị.",
        "en": "Open access: no users file is configured, so anyone who opens the page sees every unit.",
    },
    "auth_anonymous": {
        "vi": "Chưa đăng nhập: xem toàn bộ (cho phép truy cập ẩn danh).",
        "en": "Not signed in: viewing everything (anonymous access is allowed).",
    },
    "auth_signed_in": {
        "vi": "Đăng nhập: {name} — {role}. Phạm vi: {scope}.",
        "en": "Signed in: {name} — {role}. Scope: {scope}.",
    },
    "auth_scope_all": {"vi": "toàn tỉnh", "en": "the whole province"},
    "auth_scope_unit": {"vi": "{unit} và các đơn vị trực thuộc", "en": "{unit} and the units under it"},
    "role_leader": {"vi": "lãnh đạo", "en": "leader"},
    "role_department_head": {"vi": "thủ trưởng đơn vị", "en": "head of unit"},
    "scope_empty": {
        "vi": "Đơn vị của bạn không tồn tại trong {period}: chọn kỳ khác.",
        "en": "Your unit did not exist in {period}: choose another period.",
    },
    "scope_no_map_units": {
        "vi": "Không có huyện, xã nào trong phạm vi của bạn để vẽ bản đồ.",
        "en": "There are no districts or communes in your scope to map.",
    },
    # ---- projector ----
    "page_present": {"vi": "Trình chiếu", "en": "Projector"},
    "present_map": {"vi": "Tỷ lệ đúng hạn — {units}", "en": "On-time rate by {units}"},
    "present_worst": {"vi": "Đúng hạn thấp nhất — {units}", "en": "Lowest on-time rates by {units}"},
    "present_below": {"vi": "{n} đơn vị dưới {target}", "en": "{n} units below {target}"},
    "present_trends": {"vi": "Xu hướng 12 tháng", "en": "The last 12 months"},
    "present_overdue": {"vi": "Hồ sơ quá hạn", "en": "Overdue dossiers"},
    "present_most_overdue": {"vi": "Đơn vị có nhiều hồ sơ quá hạn nhất", "en": "Units with the most overdue dossiers"},
    "present_units_under": {"vi": "đơn vị trực thuộc", "en": "subordinate unit"},
    "present_prev": {"vi": "◀ Trước", "en": "◀ Back"},
    "present_next": {"vi": "Sau ▶", "en": "Next ▶"},
    "present_pause": {"vi": "‖ Dừng", "en": "‖ Pause"},
    "present_resume": {"vi": "▶ Chạy", "en": "▶ Play"},
    "present_exit": {"vi": "✕ Thoát", "en": "✕ Exit"},
    "present_paused": {"vi": "đang dừng", "en": "paused"},
    "present_every": {"vi": "tự chuyển sau {n} giây", "en": "next slide in {n} s"},
    "present_footer": {
        "vi": "Trang {i}/{n} · {state} · phím ← → chuyển trang, Space dừng/chạy, Esc thoát",
        "en": "Slide {i}/{n} · {state} · keys ← → change slide, Space pause/play, Esc exit",
    },
    # ---- names and downloads ----
    "index_par": {"vi": "PAR Index", "en": "PAR Index"},
    "index_sipas": {"vi": "SIPAS", "en": "SIPAS"},
    "index_766": {"vi": "766", "en": "766"},
    # a language is named in itself in the picker
    "lang_name_vi": {"vi": "Tiếng Việt", "en": "Tiếng Việt"},
    "lang_name_en": {"vi": "English", "en": "English"},
    "xl_report_title": {
        "vi": "Báo cáo tình hình giải quyết thủ tục hành chính",
        "en": "Administrative procedures: progress report",
    },
    "xl_sheet_report": {"vi": "Báo cáo", "en": "Official table"},
    "xl_sheet_method": {"vi": "Phương pháp", "en": "Methodology"},
    "xl_sheet_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "xl_col_no": {"vi": "STT", "en": "No."},
    "xl_col_code": {"vi": "Mã", "en": "Code"},
    "pdf_province": {"vi": "Tỉnh Quảng Nam", "en": "Quảng Nam province"},
    "pdf_title": {"vi": "Tình hình giải quyết thủ tục hành chính", "en": "Administrative procedures: period summary"},
    "pdf_vs_previous": {"vi": "điểm so với kỳ trước", "en": "pts vs previous"},
    "pdf_map_title": {"vi": "Tỷ lệ đúng hạn theo huyện", "en": "On-time rate by district"},
    "pdf_lowest": {"vi": "Đơn vị có tỷ lệ đúng hạn thấp nhất", "en": "Units furthest below target"},
    "pdf_by_group": {"vi": "Theo nhóm đơn vị (hồ sơ của chính đơn vị)", "en": "By group of units (own dossiers)"},
    "pdf_group": {"vi": "Nhóm", "en": "Group"},
    "pdf_scope_note": {
        "vi": "* toàn địa bàn huyện; sở, ngành và chi nhánh: hồ sơ của chính đơn vị.",
        "en": "* whole district territory; departments and branches: own dossiers.",
    },
    "col_source_help": {
        "vi": "Trang đã đăng số liệu (bấm để mở)",
        "en": "The page that published the figure (click to open)",
    },
    "published_absent": {
        "vi": "Không có số liệu {index} đã công bố cho: {names}.",
        "en": "No published {index} figure for: {names}.",
    },
    # ---- Names recorded with published figures (PUBLISHED_TERMS) ----
    "par_leadership": {"vi": "Lãnh đạo, chỉ đạo", "en": "Leadership and direction"},
    "par_legal": {"vi": "Văn bản quy phạm pháp luật", "en": "Legal documents"},
    "par_procedures": {"vi": "Cải cách thủ tục hành chính", "en": "Administrative procedure reform"},
    "par_organisation": {"vi": "Tổ chức bộ máy", "en": "Organisation of the apparatus"},
    "par_civil_service": {"vi": "Cán bộ, công chức, viên chức", "en": "Civil servants and public employees"},
    "par_public_finance": {"vi": "Tài chính công", "en": "Public finance"},
    "par_modernisation": {"vi": "Hiện đại hóa hành chính", "en": "Modernisation of the administration"},
}

#: names recorded in data/published_indices.csv (as the sources print them) → the catalogue key that names
#: them in English; in Vietnamese they are shown as recorded
PUBLISHED_TERMS = {
    "Bình quân cả nước": "national_average_line",
    "Lãnh đạo, chỉ đạo": "par_leadership",
    "VBQPPL": "par_legal",
    "Cải cách TTHC": "par_procedures",
    "Tổ chức bộ máy": "par_organisation",
    "CBCCVC": "par_civil_service",
    "Tài chính công": "par_public_finance",
    "Hiện đại hóa": "par_modernisation",
    "Công khai minh bạch": "group_publicity",
    "Công khai, minh bạch": "group_publicity",
    "Tiến độ giải quyết": "group_progress",
    "DVC trực tuyến": "group_online",
    "Dịch vụ công trực tuyến": "group_online",
    "Thanh toán trực tuyến": "group_payment",
    "Mức độ hài lòng": "group_satisfaction",
    "Số hóa hồ sơ": "group_digitisation",
}


def published_term(text, lang: str = "vi"):
    """A name recorded with a published figure, in the UI's language (unknown names stay as recorded)."""
    key = PUBLISHED_TERMS.get(text) if isinstance(text, str) else None
    return t(key, lang) if key and lang == "en" else text


def note_text(stored, lang: str = "vi") -> str:
    """A published figure's note as stored ({"vi": …, "en": …} from the CSV's note_vi and note columns; a
    warehouse loaded before notes were bilingual holds the English text alone) in the UI's language."""
    if not isinstance(stored, str) or not stored:
        return ""
    if stored.startswith("{"):
        try:
            notes = json.loads(stored)
        except ValueError:
            return stored
        return notes.get(lang) or notes.get("en") or notes.get("vi") or ""
    return stored


def t(key: str, lang: str = "vi", **kwargs) -> str:
    """The string for `key` in `lang`, formatted with kwargs."""
    text = STRINGS[key][lang if lang in LANGS else "vi"]
    return text.format(**kwargs) if kwargs else text
