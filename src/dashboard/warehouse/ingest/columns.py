"""The canonical dossier columns (SPEC §2), the headers real exports give them, and the words they write
in cells. Everything is matched on names.fold() keys: case-, diacritic-, space- and punctuation-insensitive."""

from __future__ import annotations

from dashboard.warehouse.ingest.names import fold

REQUIRED = ("MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "TrangThaiHoSo")
OPTIONAL = (
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "KenhThucHien",
    "MucDo",
    "DuocThanhToanTrucTuyen",
    "CoPhiLePhi",
    "HoSoCoThanhPhanSoHoa",
    "CoPhieuXinLoi",
    "SoLanBoSung",
    "DanhGiaHaiLong",
)
CANONICAL = REQUIRED + OPTIONAL
#: a unit named instead of coded; resolved to MaDonVi by the unit matcher
UNIT_NAME = "TenDonVi"
DATES = ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra")

#: canonical column → the headers that name it (besides its own name)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "MaHoSo": ("Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ", "ho_so_id", "SoHoSo"),
    "MaTTHC": ("Mã thủ tục", "Mã TTHC", "Mã thủ tục hành chính", "MaThuTuc"),
    "TenTTHC": ("Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính", "Thủ tục", "Thủ tục hành chính", "TenThuTuc"),
    "MaLinhVuc": ("Mã lĩnh vực",),
    "TenLinhVuc": ("Lĩnh vực", "Tên lĩnh vực"),
    "MaDonVi": ("Mã đơn vị", "Mã cơ quan", "MaCoQuan", "Mã đơn vị xử lý"),
    UNIT_NAME: (
        "Đơn vị xử lý",
        "Đơn vị",
        "Cơ quan giải quyết",
        "Cơ quan xử lý",
        "Đơn vị giải quyết",
        "Tên đơn vị",
        "DonViXuLy",
        "TenCoQuan",
    ),
    "NgayTiepNhan": ("Ngày tiếp nhận", "Ngày nhận", "Ngày nhận hồ sơ", "Thời gian tiếp nhận"),
    "NgayHenTra": ("Ngày hẹn trả", "Hạn xử lý", "Hạn giải quyết", "Ngày hẹn trả kết quả", "Hạn trả kết quả"),
    "NgayKetThucXuLy": (
        "Ngày kết thúc xử lý",
        "Ngày hoàn thành",
        "Ngày xử lý xong",
        "Ngày kết thúc",
        "Ngày hoàn thành xử lý",
    ),
    "NgayTra": ("Ngày trả kết quả", "Ngày trả"),
    "TrangThaiHoSo": ("Trạng thái", "Trạng thái hồ sơ", "Tình trạng", "Tình trạng hồ sơ"),
    "KenhThucHien": ("Kênh nộp", "Hình thức nộp", "Kênh thực hiện", "Kênh tiếp nhận", "Hình thức tiếp nhận"),
    "MucDo": ("Mức độ", "Mức độ DVC", "Mức độ dịch vụ công"),
    "DuocThanhToanTrucTuyen": ("Thanh toán trực tuyến", "Đã thanh toán trực tuyến", "Thanh toán TT"),
    "CoPhiLePhi": ("Có phí, lệ phí", "Phí, lệ phí", "Có phí lệ phí", "Phí lệ phí", "Lệ phí"),
    "HoSoCoThanhPhanSoHoa": ("Số hóa", "Có thành phần số hóa", "Hồ sơ có thành phần số hóa", "Đã số hóa"),
    "CoPhieuXinLoi": ("Phiếu xin lỗi", "Có phiếu xin lỗi", "Xin lỗi"),
    "SoLanBoSung": ("Số lần bổ sung", "Lần bổ sung"),
    "DanhGiaHaiLong": ("Đánh giá", "Mức độ hài lòng", "Đánh giá hài lòng", "Kết quả đánh giá"),
}

#: fold(header) → canonical column
HEADER_KEYS: dict[str, str] = {}
for _col in (*CANONICAL, UNIT_NAME):
    for _name in (_col, *SYNONYMS.get(_col, ())):
        HEADER_KEYS.setdefault(fold(_name), _col)


def canonical(header: object) -> str | None:
    """The canonical column a header names, or None."""
    return HEADER_KEYS.get(fold(header))


# ---- words in cells ----------------------------------------------------------------------------

_STATUS_WORDS = {
    1: ("Mới đăng ký", "Đăng ký mới", "Mới", "Chờ tiếp nhận", "Mới nộp"),
    2: ("Được tiếp nhận", "Đã tiếp nhận", "Tiếp nhận", "Mới tiếp nhận"),
    3: ("Không được tiếp nhận", "Không tiếp nhận", "Từ chối tiếp nhận", "Từ chối"),
    4: ("Đang xử lý", "Đang giải quyết", "Đang thụ lý", "Đang thực hiện"),
    5: (
        "Yêu cầu bổ sung",
        "Yêu cầu bổ sung giấy tờ",
        "Yêu cầu bổ sung hồ sơ",
        "Chờ bổ sung",
        "Bổ sung hồ sơ",
        "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    ),
    6: (
        "Yêu cầu nghĩa vụ tài chính",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Chờ thực hiện nghĩa vụ tài chính",
        "Thực hiện nghĩa vụ tài chính",
    ),
    7: ("Công dân rút", "Công dân yêu cầu rút hồ sơ", "Công dân rút hồ sơ", "Rút hồ sơ", "Đã rút", "Rút"),
    8: ("Dừng xử lý", "Tạm dừng", "Tạm dừng xử lý", "Dừng giải quyết"),
    9: ("Đã xử lý xong", "Xử lý xong", "Đã xử lý", "Đã giải quyết", "Đã hoàn thành", "Hoàn thành", "Chờ trả kết quả"),
    10: ("Đã trả kết quả", "Trả kết quả", "Đã trả", "Đã trả kết quả cho công dân"),
}
_YES = ("Có", "x", "X", "1", "TRUE", "Đúng", "Yes", "Y", "Đã", "Có phí", "Có phiếu")
_NO = ("Không", "0", "FALSE", "Sai", "No", "N", "Chưa", "Không có", "Miễn phí", "Không phí")

#: canonical column → fold(word) → code (a column's own numbers are accepted besides)
WORDS: dict[str, dict[str, int]] = {
    "TrangThaiHoSo": {fold(w): code for code, ws in _STATUS_WORDS.items() for w in ws},
    "KenhThucHien": {
        **{fold(w): 1 for w in ("Trực tiếp", "Nộp trực tiếp", "Tại quầy", "Một cửa", "Bộ phận một cửa")},
        **{fold(w): 2 for w in ("Trực tuyến", "Nộp trực tuyến", "Qua mạng", "Online", "Dịch vụ công trực tuyến")},
        **{
            fold(w): 3 for w in ("Bưu chính", "Bưu chính công ích", "BCCI", "Qua bưu điện", "Bưu điện", "Qua bưu chính")
        },
    },
    "MucDo": {
        **{fold(w): 2 for w in ("Mức độ 2", "Mức 2", "Cung cấp thông tin", "Thông tin")},
        **{fold(w): 3 for w in ("Mức độ 3", "Mức 3", "Một phần", "Trực tuyến một phần", "DVC một phần")},
        **{fold(w): 4 for w in ("Mức độ 4", "Mức 4", "Toàn trình", "Trực tuyến toàn trình", "DVC toàn trình")},
    },
    "DuocThanhToanTrucTuyen": {
        **{fold(w): 0 for w in _NO},
        **{fold(w): 1 for w in (*_YES, "Cổng DVC quốc gia", "Cổng dịch vụ công quốc gia", "Quốc gia")},
        **{fold(w): 2 for w in ("Cổng tỉnh", "Hệ thống tỉnh", "Cổng thanh toán của tỉnh", "Tỉnh")},
    },
    "CoPhiLePhi": {**{fold(w): 0 for w in _NO}, **{fold(w): 1 for w in _YES}},
    "HoSoCoThanhPhanSoHoa": {**{fold(w): 0 for w in _NO}, **{fold(w): 1 for w in (*_YES, "Đã số hóa", "Số hóa")}},
    "CoPhieuXinLoi": {**{fold(w): 0 for w in _NO}, **{fold(w): 1 for w in (*_YES, "Đã xin lỗi", "Có xin lỗi")}},
    "DanhGiaHaiLong": {
        **{fold(w): 1 for w in ("Rất hài lòng",)},
        **{fold(w): 2 for w in ("Hài lòng",)},
        **{fold(w): 3 for w in ("Bình thường", "Chấp nhận được", "Tạm hài lòng")},
        **{fold(w): 4 for w in ("Không hài lòng", "Chưa hài lòng")},
    },
}

#: coded columns and the codes they accept
CODES: dict[str, tuple[int, ...]] = {
    "TrangThaiHoSo": tuple(range(1, 11)),
    "KenhThucHien": (1, 2, 3),
    "MucDo": (2, 3, 4),
    "DuocThanhToanTrucTuyen": (0, 1, 2),
    "CoPhiLePhi": (0, 1),
    "HoSoCoThanhPhanSoHoa": (0, 1),
    "CoPhieuXinLoi": (0, 1),
    "DanhGiaHaiLong": (1, 2, 3, 4),
}
#: SPEC §2: what an empty cell of a present column means (absent from CODES_DEFAULT: stays unknown)
EMPTY_MEANS: dict[str, int] = {
    "KenhThucHien": 1,
    "DuocThanhToanTrucTuyen": 0,
    "CoPhiLePhi": 0,
    "HoSoCoThanhPhanSoHoa": 0,
    "CoPhieuXinLoi": 0,
}
#: import column → dossier column
TARGET = {
    "KenhThucHien": "channel",
    "MucDo": "online_level",
    "DuocThanhToanTrucTuyen": "paid_online",
    "CoPhiLePhi": "has_fee",
    "HoSoCoThanhPhanSoHoa": "digitised",
    "CoPhieuXinLoi": "apology",
    "DanhGiaHaiLong": "rating",
    "SoLanBoSung": "supplement_count",
}
