"""Import throughput (issue: real data in): a canonical CSV and the Vietnamese XLSX layout (title block,
Vietnamese headers, words in cells, units by name) into a fresh embedded warehouse, then the same file again
(every row unchanged). Prints rows/s, medians of --runs, peak RSS of the import process, and the reference
measured in the same run: reading the same file with Python's csv module alone (the floor of any import).

    .venv/bin/python benchmarks/bench_import.py --rows 200000 --xlsx-rows 20000 --runs 3

Budgets (issue 17): ≥ 100 000 rows/s canonical CSV at 1 000 000 rows, ≥ 50 000 rows/s XLSX, peak RSS ≤ 1.5 GiB,
a re-import at least as fast.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "MaDonVi", "NgayTiepNhan", "NgayHenTra"]
HEADER += ["NgayKetThucXuLy", "TrangThaiHoSo", "KenhThucHien", "DuocThanhToanTrucTuyen", "CoPhiLePhi"]
HEADER += ["HoSoCoThanhPhanSoHoa", "CoPhieuXinLoi", "DanhGiaHaiLong"]
UNITS = [("20341", "UBND phường An Mỹ"), ("502", "UBND TP. Tam Kỳ"), ("509", "UBND huyện Quế Sơn")]


def make_csv(path: Path, n: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            day = 1 + i % 28
            w.writerow(
                [f"B{i:08d}", "2.000815", "Chứng thực bản sao", "CT", "Chứng thực", UNITS[i % 3][0]]
                + [f"202501{day:02d}083000", f"202502{day:02d}170000", f"202502{day:02d}100000", "10"]
                + [str(1 + i % 3), str(i % 2), "1", str(i % 2), "0", str(1 + i % 4)]
            )


def make_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Chi tiết")
    ws.append(["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ"])
    ws.append(["Từ ngày 01/01/2025 đến ngày 28/02/2025"])
    ws.append(
        ["STT", "Mã hồ sơ", "Mã TTHC", "Tên thủ tục", "Đơn vị xử lý", "Ngày tiếp nhận", "Ngày hẹn trả"]
        + ["Ngày kết thúc xử lý", "Trạng thái", "Kênh nộp", "Đánh giá"]
    )
    for i in range(n):
        day = 1 + i % 28
        ws.append(
            [i + 1, f"X{i:08d}", "2.000815", "Chứng thực bản sao", UNITS[i % 3][1], f"{day:02d}/01/2025 08:30"]
            + [f"{day:02d}/02/2025", f"{day:02d}/02/2025 10:00", "Đã trả kết quả", "Trực tuyến", "Hài lòng"]
        )
    ws.append(["Tổng cộng", n])
    wb.save(path)


def timed_import(url: str, path: Path) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of `python -m dashboard import` in a process of its own."""
    code = (
        "import resource, sys, time; from dashboard import cli; t = time.perf_counter(); "
        f"rc = cli.main(['import', {str(path)!r}]); "
        "print('T', time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rc)"
    )
    env = dict(os.environ, DASHBOARD_DB_URL=url)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("T ")][-1].split()
    return float(line[1]), int(line[2])


def csv_floor(path: Path) -> float:
    t = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--xlsx-rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_import_"))
    src = tmp / "canonical.csv"
    make_csv(src, args.rows)
    xlsx = tmp / "vi.xlsx"
    make_xlsx(xlsx, args.xlsx_rows)
    print(f"{'file':<14}{'rows':>10}{'first s':>10}{'rows/s':>10}{'again s':>10}{'rows/s':>10}{'RSS MiB':>9}  ref")
    for label, path, n in (("canonical CSV", src, args.rows), ("Vietnamese XLSX", xlsx, args.xlsx_rows)):
        first, again, rss = [], [], 0
        for run in range(args.runs):
            url = f"duckdb:///{tmp / f'w{run}.duckdb'}"
            subprocess.run([sys.executable, "-m", "dashboard", "init"], env=dict(os.environ, DASHBOARD_DB_URL=url),
                           capture_output=True, check=True)  # fmt: skip
            s1, r1 = timed_import(url, path)
            s2, r2 = timed_import(url, path)
            first.append(s1)
            again.append(s2)
            rss = max(rss, r1, r2)
            (tmp / f"w{run}.duckdb").unlink()
        ref = statistics.median(csv_floor(src) for _ in range(args.runs)) if path == src else None
        m1, m2 = statistics.median(first), statistics.median(again)
        ref_s = f"csv.reader alone {ref:.2f} s ({args.rows / ref:,.0f} rows/s)" if ref else ""
        print(f"{label:<14}{n:>10,}{m1:>10.2f}{n / m1:>10,.0f}{m2:>10.2f}{n / m2:>10,.0f}{rss / 1024:>9.0f}  {ref_s}")


if __name__ == "__main__":
    main()
