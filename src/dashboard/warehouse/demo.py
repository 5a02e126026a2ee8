"""The seeded demo warehouse for Quảng Nam (SPEC §6). Same seed, same data.

Dossiers from 01/01/2022 to 30/06/2025 with a snapshot of their status at 30/06/2025: about
850 000 a year at scale 1 (departments ≈ 15 000 a quarter, district level ≈ 42 000), weekly and Tết
seasonality, the online share rising from ~30 % to ~85 %, land-registry branches late about 10 % of the
time in places, and Hội An, Núi Thành and Điện Bàn below the 95 % target in early 2025. Everything it
generates is illustrative ("dữ liệu minh họa"); procedure codes start with "MH." to say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.warehouse import schema
from dashboard.warehouse.engine import bulk_insert, bump_data_version, set_meta

START = date(2022, 1, 1)
AS_OF = date(2025, 6, 30)
ERA_2025 = date(2025, 1, 1)
PER_YEAR_FULL = 850_000
CHUNK = 500_000
TET = [date(2022, 2, 1), date(2023, 1, 22), date(2024, 2, 10), date(2025, 1, 29)]
HOLIDAYS = [date(y, m, d) for y in range(2022, 2026) for (m, d) in ((1, 1), (4, 30), (5, 1), (9, 2))]

#: yearly volume at scale 1 by unit kind (split among the units of that kind)
KIND_VOLUME = {"department": 60_000, "land_registry_branch": 92_000, "district": 76_000, "commune": 620_000}

# (field code, field name, procedure name, legal time limit in working days, online level, has fee)
P = tuple[str, str, str, int, int, bool]
COMMUNE_PROCS: list[tuple[P, float]] = [
    (("HT", "Hộ tịch", "Đăng ký khai sinh", 1, 4, False), 0.22),
    (("HT", "Hộ tịch", "Đăng ký kết hôn", 5, 3, False), 0.05),
    (("HT", "Hộ tịch", "Đăng ký khai tử", 1, 4, False), 0.05),
    (("HT", "Hộ tịch", "Cấp bản sao trích lục hộ tịch", 1, 4, True), 0.10),
    (("HT", "Hộ tịch", "Xác nhận tình trạng hôn nhân", 3, 4, False), 0.08),
    (("CT", "Chứng thực", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", 1, 3, True), 0.35),
    (("CT", "Chứng thực", "Chứng thực chữ ký trong giấy tờ, văn bản", 1, 3, True), 0.10),
    (("BTXH", "Bảo trợ xã hội", "Thực hiện trợ cấp xã hội hằng tháng", 20, 3, False), 0.05),
]
DISTRICT_PROCS: list[tuple[P, float]] = [
    (("DKKD", "Thành lập và hoạt động của hộ kinh doanh", "Đăng ký thành lập hộ kinh doanh", 3, 4, True), 0.30),
    (("XD", "Hoạt động xây dựng", "Cấp giấy phép xây dựng nhà ở riêng lẻ", 15, 3, True), 0.20),
    (("HT", "Hộ tịch", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", 3, 4, True), 0.15),
    (("CT", "Chứng thực", "Chứng thực bản sao từ bản chính giấy tờ do cơ quan nước ngoài cấp", 1, 3, True), 0.25),
    (("GD", "Giáo dục và Đào tạo", "Chuyển trường đối với học sinh trung học cơ sở", 3, 4, False), 0.10),
]
LAND_PROCS: list[tuple[P, float]] = [
    (
        ("DD", "Đất đai", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 10, 3, True),
        0.35,
    ),
    (("DD", "Đất đai", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", 30, 3, True), 0.15),
    (("DD", "Đất đai", "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3, 4, True), 0.30),
    (("DD", "Đất đai", "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3, 4, False), 0.20),
]
# department code -> (yearly volume at scale 1, procedures)
DEPARTMENT_PROCS: dict[str, tuple[int, list[tuple[P, float]]]] = {
    "SO_GTVT": (15_000, [(("GPLX", "Đường bộ", "Cấp đổi giấy phép lái xe", 5, 4, True), 1.0)]),
    "SO_TP": (
        9_000,
        [(("LLTP", "Lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", 10, 4, True), 1.0)],
    ),
    "SO_KHDT": (
        8_000,
        [
            (("DN", "Thành lập và hoạt động của doanh nghiệp", "Đăng ký thành lập doanh nghiệp", 3, 4, True), 0.5),
            (
                (
                    "DN",
                    "Thành lập và hoạt động của doanh nghiệp",
                    "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
                    3,
                    4,
                    True,
                ),
                0.5,
            ),
        ],
    ),
    "VPDKDD": (5_000, [(("DD", "Đất đai", "Đăng ký biến động đất đai đối với tổ chức", 10, 3, True), 1.0)]),
    "SO_XD": (3_000, [(("XD", "Hoạt động xây dựng", "Cấp giấy phép xây dựng công trình", 20, 3, True), 1.0)]),
    "SO_YT": (
        3_000,
        [(("KCB", "Khám bệnh, chữa bệnh", "Cấp giấy phép hành nghề khám bệnh, chữa bệnh", 30, 3, True), 1.0)],
    ),
    "SO_CT": (3_000, [(("LTHH", "Lưu thông hàng hóa", "Cấp giấy phép bán lẻ sản phẩm thuốc lá", 15, 4, True), 1.0)]),
    "SO_LDTBXH": (
        2_500,
        [(("VL", "Việc làm", "Cấp giấy phép lao động cho người lao động nước ngoài", 5, 4, True), 1.0)],
    ),
    "SO_GDDT": (2_000, [(("VB", "Văn bằng, chứng chỉ", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 1, 4, True), 1.0)]),
    "SO_NNPTNT": (
        2_000,
        [
            (
                (
                    "ATTP",
                    "Quản lý chất lượng nông lâm thủy sản",
                    "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                    15,
                    3,
                    True,
                ),
                1.0,
            )
        ],
    ),
    "SO_VHTTDL": (1_500, [(("LH", "Lữ hành", "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", 10, 4, True), 1.0)]),
    "SO_TNMT": (
        1_000,
        [(("TNN", "Tài nguyên nước", "Cấp giấy phép khai thác, sử dụng nước dưới đất", 30, 3, True), 1.0)],
    ),
    "SO_TTTT": (800, [(("BC", "Báo chí", "Cấp giấy phép xuất bản bản tin", 10, 4, False), 1.0)]),
    "SO_TC": (800, [(("NS", "Quản lý ngân sách", "Đăng ký mã số đơn vị có quan hệ với ngân sách", 2, 4, False), 1.0)]),
    "SO_KHCN": (
        600,
        [
            (
                (
                    "KHCN",
                    "Hoạt động khoa học và công nghệ",
                    "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
                    15,
                    3,
                    True,
                ),
                1.0,
            )
        ],
    ),
    "SO_NV": (500, [(("TCPCP", "Tổ chức phi chính phủ", "Công nhận ban vận động thành lập hội", 30, 3, False), 1.0)]),
    "BQL_KKT": (700, [(("DT", "Đầu tư", "Cấp giấy chứng nhận đăng ký đầu tư", 15, 3, False), 1.0)]),
    "SO_NGV": (300, [(("NG", "Ngoại giao", "Cho phép tổ chức hội nghị, hội thảo quốc tế", 15, 2, False), 1.0)]),
    "BAN_DT": (
        200,
        [
            (
                ("DTOC", "Công tác dân tộc", "Công nhận người có uy tín trong đồng bào dân tộc thiểu số", 10, 2, False),
                1.0,
            )
        ],
    ),
    "TTR_TINH": (200, [(("KN", "Giải quyết khiếu nại", "Giải quyết khiếu nại lần đầu", 30, 2, False), 1.0)]),
}

# probability that a dossier finishes late, by unit; 2025 troubles in some land-registry branches
# (503 Hội An, 517 Núi Thành, 507 Điện Bàn, 508 Duy Xuyên, 502 Tam Kỳ)
LATE_2025 = {
    "CN_503": 0.22,
    "CN_517": 0.14,
    "CN_507": 0.13,
    "CN_508": 0.10,
    "CN_502": 0.08,
    "503": 0.10,
    "517": 0.08,
    "507": 0.08,
}
LATE_AREA_2025 = {"503": 0.05, "517": 0.04, "507": 0.04}  # communes of those districts


@dataclass(frozen=True)
class DemoSummary:
    dossiers: int
    scale: float
    seed: int


def _procedures() -> tuple[pd.DataFrame, dict[str, list[tuple[int, float]]]]:
    """The demo procedure catalogue and, per unit kind or department, (procedure index, weight)."""
    rows: list[P] = []
    by_owner: dict[str, list[tuple[int, float]]] = {}

    def add(owner: str, procs: list[tuple[P, float]]) -> None:
        for proc, w in procs:
            if proc not in rows:
                rows.append(proc)
            by_owner.setdefault(owner, []).append((rows.index(proc), w))

    add("commune", COMMUNE_PROCS)
    add("district", DISTRICT_PROCS)
    add("land_registry_branch", LAND_PROCS)
    for dept, (_, procs) in DEPARTMENT_PROCS.items():
        add(dept, procs)
    cat = pd.DataFrame(rows, columns=["field_code", "field_name", "name", "limit_days", "level", "has_fee"])
    cat.insert(0, "code", [f"MH.{i + 1:04d}" for i in range(len(cat))])
    return cat, by_owner


def _day_weights(days: pd.DatetimeIndex) -> np.ndarray:
    w = np.where(days.day_of_week < 5, 1.0, np.where(days.day_of_week == 5, 0.12, 0.02))
    d = days.date
    for tet in TET:
        delta = np.array([(x - tet).days for x in d])
        w = np.where((delta >= -7) & (delta < 0), w * 1.3, w)
        w = np.where((delta >= 0) & (delta < 7), w * 0.04, w)
        w = np.where((delta >= 7) & (delta < 10), w * 0.8, w)
    w = np.where(np.isin(d, HOLIDAYS), w * 0.05, w)
    growth = 1 + 0.04 * (days.year.to_numpy() - 2022)
    return np.asarray(w * growth, dtype=float)


def _unit_plan(units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Yearly volume (scale 1) per unit version."""
    out = units.copy()
    vol = np.zeros(len(out))
    for kind, total in KIND_VOLUME.items():
        if kind == "department":
            continue
        mask = (out["kind"] == kind).to_numpy()
        base = rng.lognormal(0, 0.45, mask.sum())
        if kind == "commune":  # urban wards handle more
            base = base * np.where(out.loc[mask, "name"].str.startswith("Phường"), 2.2, 1.0)
        # averaged over the 2024 count of units of that kind
        n_units = ((out["kind"] == kind) & (out["valid_to"].isna() | (out["valid_to"] >= date(2024, 12, 31)))).sum()
        vol[mask] = total * base / base.mean() / max(n_units, 1) * (mask.sum() / max(mask.sum(), 1))
    for dept, (v, _) in DEPARTMENT_PROCS.items():
        vol[(out["code"] == dept).to_numpy()] = v
    out["volume"] = vol
    return out


def _late_prob(
    unit_code: np.ndarray, kind: np.ndarray, area: np.ndarray, is_2025: np.ndarray, base: np.ndarray
) -> np.ndarray:
    p = base.copy()
    for code, v in LATE_2025.items():
        p = np.where(is_2025 & (unit_code == code), v, p)
    for area_code, v in LATE_AREA_2025.items():
        p = np.where(is_2025 & (kind == "commune") & (area == area_code), v, p)
    return p


def generate(units: pd.DataFrame, scale: float = 0.1, seed: int = 2025, progress=None):
    """Yield DataFrames of dossier rows (warehouse columns), chunk by chunk."""
    cat, by_owner = _procedures()
    plan_rng = np.random.default_rng([seed, 0])
    plan = _unit_plan(units[units["kind"] != "province"], plan_rng)
    plan["late_base"] = plan_rng.uniform(0.005, 0.02, len(plan))
    plan.loc[plan["kind"] == "district", "late_base"] = plan_rng.uniform(0.02, 0.05, (plan["kind"] == "district").sum())
    is_branch = plan["kind"] == "land_registry_branch"
    plan.loc[is_branch, "late_base"] = plan_rng.uniform(0.03, 0.07, is_branch.sum())
    plan.loc[plan["kind"] == "department", "late_base"] = plan_rng.uniform(
        0.002, 0.015, (plan["kind"] == "department").sum()
    )
    plan["apology_p"] = plan_rng.uniform(0.35, 0.85, len(plan))
    plan.loc[plan["code"] == "SO_XD", "apology_p"] = 0.1

    days = pd.date_range(START, AS_OF, freq="D")
    weights = _day_weights(days)
    years = (AS_OF - START).days / 365.25
    total = int(round(scale * PER_YEAR_FULL * years))
    seqs = np.random.SeedSequence(seed).spawn(max(1, -(-total // CHUNK)))
    done = 0
    for chunk_no, ss in enumerate(seqs):
        n = min(CHUNK, total - done)
        if n <= 0:
            break
        rng = np.random.default_rng(ss)
        df = _chunk(rng, n, chunk_no, days, weights, plan, cat, by_owner)
        done += n
        if progress:
            progress(n)
        yield df


def _era_units(plan: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    d = day.date()
    valid = (plan["valid_from"] <= d) & (plan["valid_to"].isna() | (plan["valid_to"] >= d))
    return plan[valid & (plan["volume"] > 0)]


def _chunk(rng, n, chunk_no, days, weights, plan, cat, by_owner) -> pd.DataFrame:
    day_idx = rng.choice(len(days), size=n, p=weights / weights.sum())
    received_day = days[day_idx]
    is_2025 = received_day >= pd.Timestamp(ERA_2025)
    unit_rows = np.empty(n, dtype=np.int64)
    for era, mask in ((False, ~is_2025), (True, is_2025)):
        m = int(mask.sum())
        if not m:
            continue
        units = _era_units(plan, pd.Timestamp(ERA_2025) if era else pd.Timestamp(date(2024, 6, 30)))
        unit_rows[mask] = rng.choice(
            units.index.to_numpy(), size=m, p=(units["volume"] / units["volume"].sum()).to_numpy()
        )
    u = plan.loc[unit_rows]
    unit_code = u["code"].to_numpy()
    kind = u["kind"].to_numpy()
    area = u["area_code"].fillna("").to_numpy()

    # procedure by owner (department code or unit kind)
    proc_idx = np.empty(n, dtype=np.int64)
    owner = np.where(kind == "department", unit_code, kind)
    for key in np.unique(owner):
        mask = owner == key
        choices = by_owner[key]
        w = np.array([c[1] for c in choices])
        proc_idx[mask] = rng.choice([c[0] for c in choices], size=int(mask.sum()), p=w / w.sum())
    proc = cat.iloc[proc_idx]
    limit = proc["limit_days"].to_numpy()

    # time of day: office hours, online submissions around the clock
    progress_years = ((received_day - pd.Timestamp(START)).days / 365.25).to_numpy()
    online_share = 0.30 + 0.55 * np.clip(progress_years / 3.5, 0, 1) ** 1.2
    online_share = online_share + np.where(kind == "department", 0.05, np.where(kind == "commune", -0.04, 0))
    r = rng.random(n)
    channel = np.where(r < np.clip(online_share, 0, 0.97), 2, np.where(r > 0.98, 3, 1))
    minutes = np.where(channel == 2, rng.integers(6 * 60, 22 * 60, n), rng.integers(7 * 60 + 30, 17 * 60, n))
    received_at = received_day + pd.to_timedelta(minutes, unit="m")

    rec_d = received_day.values.astype("datetime64[D]")
    due_d = np.busday_offset(rec_d, limit, roll="forward")

    # outcome: late or not, how early, withdrawn, rejected, never finished
    late_p = _late_prob(unit_code, kind, area, is_2025, u["late_base"].to_numpy())
    late = rng.random(n) < late_p
    k = np.where(rng.random(n) < 0.25, limit, np.floor(rng.random(n) * limit).astype(np.int64))
    end_d = np.busday_offset(rec_d, k, roll="forward")
    delay = rng.geometric(0.18, n)
    end_d = np.where(late, np.busday_offset(due_d, delay, roll="forward"), end_d)
    fate = rng.random(n)
    rejected = fate < 0.006
    withdrawn = (fate >= 0.006) & (fate < 0.010)
    stuck = (fate >= 0.010) & (fate < 0.012)  # backlog that never finishes
    end_d = np.where(withdrawn, np.busday_offset(rec_d, rng.integers(0, 4, n), roll="forward"), end_d)
    as_of = np.datetime64(AS_OF, "D")
    finished_by_as_of = (end_d <= as_of) & ~stuck

    status = np.where(rng.random(n) < 0.85, 10, 9)
    status = np.where(withdrawn, 7, status)
    open_now = ~finished_by_as_of
    paused_draw = rng.random(n)
    open_status = np.where(
        paused_draw < 0.08,
        5,
        np.where(paused_draw < 0.12, 6, np.where(paused_draw < 0.13, 8, np.where(paused_draw < 0.23, 2, 4))),
    )
    status = np.where(open_now, open_status, status)
    fresh_online = (channel == 2) & ((as_of - rec_d).astype(int) <= 2) & (rng.random(n) < 0.3)
    status = np.where(open_now & fresh_online, 1, status)
    status = np.where(rejected, 3, status)
    has_end = np.isin(status, (7, 9, 10))
    end_minutes = rng.integers(8 * 60, 17 * 60, n)
    end_at = pd.to_datetime(end_d) + pd.to_timedelta(end_minutes, unit="m")
    end_at = end_at.where(has_end, pd.NaT)
    returned_at = (end_at + pd.to_timedelta(rng.integers(0, 3, n), unit="D")).where(status == 10, pd.NaT)
    due_at = pd.to_datetime(due_d) + pd.Timedelta(hours=17)

    has_fee = proc["has_fee"].to_numpy().astype(int)
    pay_p = np.where(channel == 2, 0.25 + 0.55 * np.clip(progress_years / 3.5, 0, 1), 0.02)
    paid = np.where((has_fee == 1) & (rng.random(n) < pay_p), np.where(rng.random(n) < 0.7, 1, 2), 0)
    digitised = (rng.random(n) < 0.15 + 0.65 * np.clip(progress_years / 3.5, 0, 1)).astype(int)
    is_late_case = late & ~withdrawn & ~rejected | (stuck & (due_d < as_of))
    apology = (is_late_case & (rng.random(n) < u["apology_p"].to_numpy())).astype(int)
    rated = np.isin(status, (9, 10)) & (rng.random(n) < 0.35)
    good = rng.choice([1, 2, 3, 4], size=n, p=[0.55, 0.38, 0.05, 0.02])
    bad = rng.choice([1, 2, 3, 4], size=n, p=[0.15, 0.35, 0.25, 0.25])
    rating = np.where(rated, np.where(late, bad, good), 0)
    supplements = rng.choice([0, 1, 2], size=n, p=[0.9, 0.09, 0.01])

    ymd = pd.Series(received_day.strftime("%y%m%d"))
    seq = pd.Series(np.arange(n) + chunk_no * CHUNK).astype(str).str.zfill(8)
    code = "H49." + pd.Series(unit_code) + "-" + ymd + "-" + seq

    df = pd.DataFrame(
        {
            "code": code.to_numpy(),
            "procedure_code": proc["code"].to_numpy(),
            "procedure_name": proc["name"].to_numpy(),
            "field_code": proc["field_code"].to_numpy(),
            "field_name": proc["field_name"].to_numpy(),
            "unit_code": unit_code,
            "received_at": received_at.to_numpy(),
            "received_date": rec_d,
            "due_at": due_at.to_numpy(),
            "due_date": due_d,
            "end_at": end_at.to_numpy(),
            "end_date": np.where(has_end, end_d, np.datetime64("NaT")).astype("datetime64[D]"),
            "returned_at": returned_at.to_numpy(),
            "status": status.astype(np.int16),
            "channel": channel.astype(np.int16),
            "online_level": proc["level"].to_numpy().astype(np.int16),
            "paid_online": paid.astype(np.int16),
            "has_fee": has_fee.astype(np.int16),
            "digitised": digitised.astype(np.int16),
            "apology": apology.astype(np.int16),
            "supplement_count": supplements.astype(np.int32),
            "rating": pd.array(np.where(rating > 0, rating, 0), dtype="Int16").astype("Int16"),
        }
    )
    df.loc[rating == 0, "rating"] = pd.NA
    df["row_hash"] = "demo"
    df["source_file"] = "demo"
    df["source_row"] = None
    return df


def build(conn: sa.Connection, units: pd.DataFrame, scale: float = 0.1, seed: int = 2025, progress=None) -> DemoSummary:
    """Replace the dossiers with the demo (caller loads units first and refreshes rollups after)."""
    cat, _ = _procedures()
    conn.execute(schema.dossier.delete())
    conn.execute(schema.procedure.delete())
    conn.execute(schema.field.delete())
    conn.execute(schema.quarantine.delete())
    conn.execute(schema.import_log.delete())
    fields = cat.drop_duplicates("field_code")
    conn.execute(schema.field.insert(), [{"code": r.field_code, "name": r.field_name} for r in fields.itertuples()])
    conn.execute(
        schema.procedure.insert(),
        [{"code": r.code, "name": r.name, "field_code": r.field_code} for r in cat.itertuples()],
    )
    total = 0
    for df in generate(units, scale=scale, seed=seed, progress=progress):
        total += bulk_insert(conn, schema.dossier, df)
    bump_data_version(conn)
    set_meta(conn, "demo", "true")
    set_meta(conn, "demo_scale", str(scale))
    set_meta(conn, "demo_seed", str(seed))
    return DemoSummary(dossiers=total, scale=scale, seed=seed)
