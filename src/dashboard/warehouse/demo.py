"""The seeded demo warehouse (SPEC §6): today's Thành phố Đà Nẵng in every period. Same seed and same
last month, same data.

Dossiers from 01/01/2022 to the end of the last complete month before the day it is built (`until` fixes
it) with a snapshot of their status on that day, for every unit of the unit list in each of its eras: the
two old provinces (Quảng Nam ≈ 850 000 dossiers a year at scale 1, old Đà Nẵng about 45 % more on top)
with their districts and communes to 30/06/2025, then the city's communes and departments. A unit that
a reorganisation creates takes over its predecessors' work (volumes by the unit list's crosswalk; the
work of abolished districts moves to the communes), so totals run on across each reform. Weekly and Tết
seasonality, the online share rising from ~30 % to ~85 %, land-registry branches late about 10 % of the
time in places, Hội An, Núi Thành and Điện Bàn below the 95 % target in early 2025, and a dip in the
months after 01/07/2025 while the new communes take over the districts' procedures. Everything it
generates is illustrative ("dữ liệu minh họa"); procedure codes start with "MH." to say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard.warehouse import schema
from dashboard.warehouse.engine import bulk_insert, bump_data_version, set_meta

START = date(2022, 1, 1)
#: dossiers drawn from one random stream: the unit of generation, and so of the build's memory (a block of
#: 500 000 rows took 1,4 GB of pandas at once); the data do not depend on how blocks are grouped into inserts
BLOCK = 50_000
TET = [date(2022, 2, 1), date(2023, 1, 22), date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17)]
TET += [date(2027, 2, 6), date(2028, 1, 26), date(2029, 2, 13), date(2030, 2, 3)]
HOLIDAYS = [date(y, m, d) for y in range(2022, 2031) for (m, d) in ((1, 1), (4, 30), (5, 1), (9, 2))]

#: mean yearly volume of one unit at scale 1 by kind (Quảng Nam's 2024: 18 districts, 241 communes, 18
#: branches handling 76 000, 620 000 and 92 000 dossiers a year); departments in DEPARTMENT_PROCS
UNIT_VOLUME = {"land_registry_branch": 92_000 / 18, "district": 76_000 / 18, "commune": 620_000 / 241}
#: share of a department's volume in DEPARTMENT_PROCS that a department of the same work without an entry
#: of its own handles (old Đà Nẵng's departments)
OTHER_DEPARTMENT_SHARE = 0.8
#: the first months after a reorganisation that moves procedures to new units: late more often
REFORM_DIP_MONTHS = 4
REFORM_DIP_LATE = 0.07

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
# (503 Hội An, 517 Núi Thành, 507 Điện Bàn, 508 Duy Xuyên, 502 Tam Kỳ), easing in 2026
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
    until: date


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


def last_complete_month(today: date) -> date:
    """The last day of the last complete month before `today` (the demo's default end)."""
    return date(today.year, today.month, 1) - timedelta(days=1)


def month_end(year: int, month: int) -> date:
    """The last day of a month (`demo --until YYYY-MM`)."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _eras(units: pd.DataFrame, as_of: date) -> list[date]:
    """The first day of each era: the demo's start and every day the unit list changes before as_of."""
    changes = {d for d in units["valid_from"] if START < d <= as_of}
    changes |= {d + timedelta(days=1) for d in units["valid_to"].dropna() if START <= d < as_of}
    return [START, *sorted(changes)]


def _valid(plan: pd.DataFrame, d: date) -> np.ndarray:
    return ((plan["valid_from"] <= d) & (plan["valid_to"].isna() | (plan["valid_to"] >= d))).to_numpy()


def _unit_plan(
    units: pd.DataFrame, rng: np.random.Generator, successors: dict[str, set[str]], as_of: date
) -> pd.DataFrame:
    """Yearly volume (scale 1) and, for departments, the DEPARTMENT_PROCS entries run, per unit version.

    Units of the first era draw their volume; a department there runs its own entry or, without one, that
    of a department of the same name or of its successor (another province's department of the same work,
    OTHER_DEPARTMENT_SHARE of the volume).
    A unit a later era brings in takes over the units of its kind that end the day before and name it as
    successor or carry its code on: their volume and procedures. Then each era's units outside the
    departments are scaled so that their total equals the previous era's (the work of an abolished
    district moves to the communes that took over its territory)."""
    out = units.reset_index(drop=True).copy()
    base = rng.lognormal(0, 0.45, len(out))
    base = base / base.mean()
    is_ward = out["name"].str.startswith("Phường").to_numpy()
    kind = out["kind"].to_numpy()
    drawn = out["kind"].map(UNIT_VOLUME).fillna(0.0).to_numpy() * base * np.where((kind == "commune") & is_ward, 1.8, 1)
    entries: list[tuple[str, ...]] = [()] * len(out)
    eras = _eras(out, as_of)
    first = _valid(out, eras[0])
    first_depts = np.flatnonzero(first & (kind == "department"))
    by_name = {out.at[i, "name"]: out.at[i, "code"] for i in first_depts if out.at[i, "code"] in DEPARTMENT_PROCS}
    for i in first_depts:
        code, name = out.at[i, "code"], out.at[i, "name"]
        if code in DEPARTMENT_PROCS:
            own = [code]
        elif name in by_name:
            own = [by_name[name]]
        else:
            own = sorted(s for s in successors.get(code, ()) if s in DEPARTMENT_PROCS)
        entries[i] = tuple(own)
        share = 1.0 if code in DEPARTMENT_PROCS else OTHER_DEPARTMENT_SHARE
        drawn[i] = share * sum(DEPARTMENT_PROCS[e][0] for e in own)
    vol = np.where(first, drawn, 0.0)
    for prev_day, day in zip(eras, eras[1:]):
        before, now = _valid(out, prev_day), _valid(out, day)
        ended = before & ~now
        codes = out["code"].to_numpy()
        for i in np.flatnonzero(now & ~before):
            code = codes[i]
            takes_over = np.array([c == code or code in successors.get(c, ()) for c in codes])
            gone = ended & (kind == kind[i]) & takes_over
            vol[i] = vol[gone].sum() if gone.any() else drawn[i]
            took = sorted({e for j in np.flatnonzero(gone) for e in entries[j]})
            entries[i] = tuple(took) or ((code,) if code in DEPARTMENT_PROCS else ())
        keep, was = now & (kind != "department"), before & (kind != "department")
        if vol[keep].sum() > 0:
            vol[keep] *= vol[was].sum() / vol[keep].sum()
    out["volume"] = vol
    out["dept_entries"] = pd.Series(entries, index=out.index, dtype=object)
    return out


def _late_prob(
    unit_code: np.ndarray,
    kind: np.ndarray,
    area: np.ndarray,
    received: pd.DatetimeIndex,
    base: np.ndarray,
    started: np.ndarray,
) -> np.ndarray:
    p = base.copy()
    year = received.year.to_numpy()
    is_2025, is_2026 = year == 2025, year == 2026
    for code, v in LATE_2025.items():
        p = np.where(is_2025 & (unit_code == code), v, p)
        p = np.where(is_2026 & (unit_code == code), (v + p) / 2, p)  # easing
    for area_code, v in LATE_AREA_2025.items():
        p = np.where(is_2025 & (kind == "commune") & (area == area_code), v, p)
    # units a reorganisation created, learning the procedures handed to them
    months = (received.values.astype("datetime64[D]") - started).astype(int) / 30.44
    fresh = (started > np.datetime64(START)) & (months < REFORM_DIP_MONTHS) & np.isin(kind, ("commune", "department"))
    return np.where(fresh, p + REFORM_DIP_LATE * (1 - months / REFORM_DIP_MONTHS), p)


def _successors(crosswalk: pd.DataFrame | None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    if crosswalk is not None:
        for code, succ in zip(crosswalk["code"], crosswalk["successor_code"]):
            out.setdefault(code, set()).add(succ)
    return out


@dataclass(frozen=True)
class _Prepared:
    """What every chunk of one demo shares: the unit plan, the procedures, the days and how many dossiers."""

    as_of: date
    plan: pd.DataFrame
    cat: pd.DataFrame
    by_owner: dict
    days: pd.DatetimeIndex
    weights: np.ndarray
    era_of_day: np.ndarray
    eras: list[date]
    total: int


def _prepare(units: pd.DataFrame, scale: float, seed: int, until: date | None, crosswalk) -> _Prepared:
    as_of = until or last_complete_month(date.today())
    if as_of < START:
        raise ValueError(f"the demo runs from {START:%m/%Y}: --until {as_of:%Y-%m} is before it")
    cat, by_owner = _procedures()
    plan_rng = np.random.default_rng([seed, 0])
    plan = _unit_plan(units[units["kind"] != "province"], plan_rng, _successors(crosswalk), as_of)
    # departments choose among the procedures of the entries they run (per version: codes are reused)
    plan["owner"] = plan["kind"]
    is_dept = plan["kind"] == "department"
    plan.loc[is_dept, "owner"] = ["#" + str(i) for i in plan.index[is_dept]]
    for key, entries in zip(plan.loc[is_dept, "owner"], plan.loc[is_dept, "dept_entries"]):
        by_owner[key] = [c for e in entries for c in by_owner[e]]
    plan = plan[~is_dept | (plan["dept_entries"].map(len) > 0)]
    plan["late_base"] = plan_rng.uniform(0.01, 0.04, len(plan))
    plan.loc[plan["kind"] == "district", "late_base"] = plan_rng.uniform(0.03, 0.08, (plan["kind"] == "district").sum())
    is_branch = plan["kind"] == "land_registry_branch"
    plan.loc[is_branch, "late_base"] = plan_rng.uniform(0.04, 0.09, is_branch.sum())
    plan.loc[plan["kind"] == "department", "late_base"] = plan_rng.uniform(
        0.004, 0.025, (plan["kind"] == "department").sum()
    )
    plan["apology_p"] = plan_rng.uniform(0.35, 0.85, len(plan))
    plan.loc[plan["code"] == "SO_XD", "apology_p"] = 0.1

    days = pd.date_range(START, as_of, freq="D")
    seasonal = _day_weights(days)
    eras = _eras(plan, as_of)
    era_of_day = (
        np.searchsorted(np.array(eras, dtype="datetime64[D]"), days.values.astype("datetime64[D]"), "right") - 1
    )
    # each day's expected count follows its era's volume; the day weights give the seasonality
    era_volume = np.array([plan["volume"].to_numpy()[_valid(plan, d)].sum() for d in eras])
    weights = seasonal * era_volume[era_of_day]
    total = int(round(scale * weights.sum() / seasonal.sum() * len(days) / 365.25))
    return _Prepared(as_of, plan, cat, by_owner, days, weights, era_of_day, eras, total)


def generate(
    units: pd.DataFrame,
    scale: float = 0.1,
    seed: int = 2025,
    progress=None,
    until: date | None = None,
    crosswalk: pd.DataFrame | None = None,
):
    """Yield DataFrames of dossier rows (warehouse columns), block by block, received from START to `until`
    (default: the end of the last complete month) with their status on that day. `crosswalk` (code,
    successor_code) tells which units take over which."""
    p = _prepare(units, scale, seed, until, crosswalk)
    seqs = np.random.SeedSequence(seed).spawn(max(1, -(-p.total // BLOCK)))
    done = 0
    for block_no, ss in enumerate(seqs):
        n = min(BLOCK, p.total - done)
        if n <= 0:
            break
        rng = np.random.default_rng(ss)
        df = _block(rng, n, block_no, p)
        done += n
        if progress:
            progress(n)
        yield df


def expected_total(
    units: pd.DataFrame, scale: float, until: date | None = None, crosswalk=None, seed: int = 2025
) -> int:
    """How many dossiers `generate` makes with the same arguments (for a progress bar)."""
    return _prepare(units, scale, seed, until, crosswalk).total


def _block(rng, n, block_no, p: _Prepared) -> pd.DataFrame:
    days, weights, eras, plan, cat, by_owner = p.days, p.weights, p.eras, p.plan, p.cat, p.by_owner
    day_idx = rng.choice(len(days), size=n, p=weights / weights.sum())
    received_day = days[day_idx]
    unit_rows = np.empty(n, dtype=np.int64)
    day_era = p.era_of_day[day_idx]
    for era in np.unique(day_era):
        mask = day_era == era
        units = plan[_valid(plan, eras[era]) & (plan["volume"] > 0).to_numpy()]
        unit_rows[mask] = rng.choice(
            units.index.to_numpy(), size=int(mask.sum()), p=(units["volume"] / units["volume"].sum()).to_numpy()
        )
    u = plan.loc[unit_rows]
    unit_code = u["code"].to_numpy()
    kind = u["kind"].to_numpy()
    area = u["area_code"].fillna("").to_numpy()

    # procedure by owner (department code or unit kind)
    proc_idx = np.empty(n, dtype=np.int64)
    owner = u["owner"].to_numpy()
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
    started = u["valid_from"].to_numpy().astype("datetime64[D]")
    late_p = _late_prob(unit_code, kind, area, received_day, u["late_base"].to_numpy(), started)
    late = rng.random(n) < late_p
    k = np.where(rng.random(n) < 0.25, limit, np.floor(rng.random(n) * limit).astype(np.int64))
    end_d = np.busday_offset(rec_d, k, roll="forward")
    delay = rng.geometric(0.18, n)
    end_d = np.where(late, np.busday_offset(due_d, delay, roll="forward"), end_d)
    fate = rng.random(n)
    rejected = fate < 0.006
    withdrawn = (fate >= 0.006) & (fate < 0.010)
    # the backlog: dossiers that hang for months (2 to 14 of working days past due); a share never ending
    # would pile up over the years until it alone pulled every month's rate down
    stuck = (fate >= 0.010) & (fate < 0.013)
    end_d = np.where(stuck, np.busday_offset(due_d, rng.integers(40, 300, n), roll="forward"), end_d)
    end_d = np.where(withdrawn, np.busday_offset(rec_d, rng.integers(0, 4, n), roll="forward"), end_d)
    as_of = np.datetime64(p.as_of, "D")
    finished_by_as_of = end_d <= as_of

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
    is_late_case = (late | stuck) & ~withdrawn & ~rejected
    apology = (is_late_case & (rng.random(n) < u["apology_p"].to_numpy())).astype(int)
    rated = np.isin(status, (9, 10)) & (rng.random(n) < 0.35)
    good = rng.choice([1, 2, 3, 4], size=n, p=[0.55, 0.38, 0.05, 0.02])
    bad = rng.choice([1, 2, 3, 4], size=n, p=[0.15, 0.35, 0.25, 0.25])
    rating = np.where(rated, np.where(late, bad, good), 0)
    supplements = rng.choice([0, 1, 2], size=n, p=[0.9, 0.09, 0.01])

    ymd = pd.Series(received_day.strftime("%y%m%d"))
    seq = pd.Series(np.arange(n) + block_no * BLOCK).astype(str).str.zfill(8)
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


def build(
    conn: sa.Connection,
    units: pd.DataFrame,
    scale: float = 0.1,
    seed: int = 2025,
    progress=None,
    until: date | None = None,
    rows_per_insert: int = 200_000,
    commit=None,
) -> DemoSummary:
    """Replace the dossiers with the demo up to `until` (default: the end of the last complete month); the
    caller loads units first and refreshes rollups after. Generated a block at a time and written every
    `rows_per_insert` rows, so the build's memory does not grow with the scale. `commit` (the connection's
    commit), when given, is called after each insert: a transaction as large as the whole demo held its rows
    in memory until the end (2 GB at 3 M dossiers). Until the last commit the meta key "demo" says "building"."""
    from dashboard.warehouse import queries

    as_of = until or last_complete_month(date.today())
    walk = queries.crosswalk(conn)
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
    set_meta(conn, "demo", "building")
    total = 0
    batch: list[pd.DataFrame] = []
    for df in generate(units, scale=scale, seed=seed, progress=progress, until=as_of, crosswalk=walk):
        batch.append(df)
        if sum(map(len, batch)) >= rows_per_insert:
            total += bulk_insert(conn, schema.dossier, pd.concat(batch, ignore_index=True))
            batch = []
            if commit:
                commit()
    if batch:
        total += bulk_insert(conn, schema.dossier, pd.concat(batch, ignore_index=True))
    bump_data_version(conn)
    set_meta(conn, "demo", "true")
    set_meta(conn, "demo_scale", str(scale))
    set_meta(conn, "demo_seed", str(seed))
    set_meta(conn, "demo_until", as_of.isoformat())
    return DemoSummary(dossiers=total, scale=scale, seed=seed, until=as_of)
