"""Import rules of SPEC §2 on both backends: quarantine reasons, BOM/XLSX, upsert, idempotence, refusal."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from dashboard.warehouse import importer, schema

HEADER = [
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "MaDonVi",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "TrangThaiHoSo",
    "KenhThucHien",
    "MucDo",
    "DuocThanhToanTrucTuyen",
    "CoPhiLePhi",
    "HoSoCoThanhPhanSoHoa",
    "CoPhieuXinLoi",
    "SoLanBoSung",
    "DanhGiaHaiLong",
]


def row(code, **kw):
    base = dict(
        MaHoSo=code,
        MaTTHC="2.000815",
        TenTTHC="Chứng thực bản sao",
        MaLinhVuc="CT",
        TenLinhVuc="Chứng thực",
        MaDonVi="20335",
        NgayTiepNhan="20250106083000",
        NgayHenTra="20250110170000",
        NgayKetThucXuLy="20250109100000",
        TrangThaiHoSo="10",
        KenhThucHien="2",
        MucDo="4",
        DuocThanhToanTrucTuyen="1",
        CoPhiLePhi="1",
        HoSoCoThanhPhanSoHoa="1",
        CoPhieuXinLoi="0",
        SoLanBoSung="0",
        DanhGiaHaiLong="1",
    )
    base.update(kw)
    return base


def write_csv(path: Path, rows, header=HEADER, bom=False, extra=()):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(header) + list(extra))
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in list(header) + list(extra)})
    return path


def snapshot(engine):
    with engine.connect() as conn:
        d = sorted(tuple(r) for r in conn.execute(sa.select(schema.dossier).order_by(schema.dossier.c.code)))
        q = sorted(tuple(r) for r in conn.execute(sa.select(schema.quarantine)))
    return d, q


def quarantined(engine):
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(schema.quarantine).order_by(schema.quarantine.c.id))]


def run(engine, *paths):
    return importer.import_files(engine, list(paths))


@pytest.mark.parametrize(
    "changes, reason, fieldname",
    [
        (dict(MaTTHC=""), "missing_value", "MaTTHC"),
        (dict(NgayTiepNhan="31/02/2025"), "bad_date", "NgayTiepNhan"),
        (dict(NgayHenTra="hôm qua"), "bad_date", "NgayHenTra"),
        (dict(TrangThaiHoSo="11"), "bad_status", "TrangThaiHoSo"),
        (dict(TrangThaiHoSo="abc"), "bad_status", "TrangThaiHoSo"),
        (dict(TrangThaiHoSo="9", NgayKetThucXuLy=""), "missing_end_date", "NgayKetThucXuLy"),
        (dict(NgayKetThucXuLy="2025-01-05"), "end_before_received", "NgayKetThucXuLy"),
        (dict(MaDonVi="99999"), "unknown_unit", "MaDonVi"),
        (dict(KenhThucHien="4"), "code_out_of_range", "KenhThucHien"),
        (dict(MucDo="1"), "code_out_of_range", "MucDo"),
        (dict(DuocThanhToanTrucTuyen="3"), "code_out_of_range", "DuocThanhToanTrucTuyen"),
        (dict(DanhGiaHaiLong="5"), "code_out_of_range", "DanhGiaHaiLong"),
        (dict(SoLanBoSung="-1"), "code_out_of_range", "SoLanBoSung"),
    ],
)
def test_each_quarantine_reason(engine, tmp_path, changes, reason, fieldname):
    path = write_csv(tmp_path / "in.csv", [row("A1"), row("B2", **changes)])
    [res] = run(engine, path)
    assert (res.loaded, res.quarantined, res.superseded) == (1, 1, 0)
    [q] = quarantined(engine)
    assert (q["file_name"], q["row_number"], q["reason_code"], q["field"]) == ("in.csv", 3, reason, fieldname)
    assert q["dossier_code"] == "B2" and q["reason_vi"] and q["reason_en"]
    assert json.loads(q["raw"])["MaHoSo"] == "B2"  # the raw values are kept


def test_superseded_within_a_file_last_row_wins(engine, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [row("A1", TrangThaiHoSo="4", NgayKetThucXuLy=""), row("B2"), row("A1")])
    [res] = run(engine, path)
    assert (res.rows, res.loaded, res.quarantined, res.superseded) == (3, 2, 1, 1)
    [q] = quarantined(engine)
    assert (q["row_number"], q["reason_code"]) == (2, "superseded") and "4" in q["reason_en"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(schema.dossier.c.status).where(schema.dossier.c.code == "A1")).scalar() == 10


def test_bom_semicolon_and_case_insensitive_headers(engine, tmp_path):
    path = tmp_path / "bom.csv"
    header = [h.lower() if i % 2 else h.upper() for i, h in enumerate(HEADER)]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerow(list(row("Á-1", TenTTHC="Chứng thực; bản sao", NgayTiepNhan="06/01/2025 08:30").values()))
    [res] = run(engine, path)
    assert (res.loaded, res.quarantined) == (1, 0)
    with engine.connect() as conn:
        r = conn.execute(sa.select(schema.dossier)).one()._mapping
    assert r["code"] == "Á-1" and r["procedure_name"] == "Chứng thực; bản sao"
    assert str(r["received_date"]) == "2025-01-06" and r["received_at"].hour == 8


def test_xlsx_first_sheet_with_real_dates(engine, tmp_path):
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    r = row("X1")
    r.update(
        NgayTiepNhan=datetime(2025, 1, 6, 8, 30),
        NgayHenTra=datetime(2025, 1, 10, 17),
        TrangThaiHoSo=10,
        NgayKetThucXuLy="2025-01-09T10:00:00+07:00",
        KenhThucHien=2,
    )
    ws.append([r[h] for h in HEADER])
    ws.append([row("X2", TrangThaiHoSo="12")[h] for h in HEADER])
    wb.create_sheet("other").append(["ignored"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    [res] = run(engine, path)
    assert (res.loaded, res.quarantined) == (1, 1)
    with engine.connect() as conn:
        got = conn.execute(sa.select(schema.dossier)).one()._mapping
    assert str(got["end_date"]) == "2025-01-09" and got["end_at"].hour == 10 and got["channel"] == 2
    assert quarantined(engine)[0]["row_number"] == 3


def test_dates_in_all_accepted_formats(engine, tmp_path):
    rows = [
        row("F1", NgayTiepNhan="20250106083000"),
        row("F2", NgayTiepNhan="2025-01-06"),
        row("F3", NgayTiepNhan="2025-01-06T08:30:00"),
        row("F4", NgayTiepNhan="06/01/2025"),
        row("F5", NgayTiepNhan="6/1/2025 08:30:15"),
        row("F6", NgayTiepNhan="2025-01-06T01:30:00Z"),
    ]
    [res] = run(engine, write_csv(tmp_path / "dates.csv", rows))
    assert (res.loaded, res.quarantined) == (6, 0)
    with engine.connect() as conn:
        got = dict(conn.execute(sa.select(schema.dossier.c.code, schema.dossier.c.received_at)).all())
    assert {str(v.date()) for v in got.values()} == {"2025-01-06"}
    assert got["F6"].hour == 8  # 01:30 UTC is 08:30 in Vietnam


def test_upsert_by_code_and_same_file_twice_changes_nothing(engine, tmp_path):
    first = write_csv(
        tmp_path / "snap1.csv", [row("A1", TrangThaiHoSo="4", NgayKetThucXuLy=""), row("B2"), row("C3", MaDonVi="nope")]
    )
    [r1] = run(engine, first)
    assert (r1.new, r1.updated, r1.unchanged, r1.quarantined) == (2, 0, 0, 1)
    before = snapshot(engine)
    [r2] = run(engine, first)
    assert (r2.new, r2.updated, r2.unchanged, r2.quarantined) == (0, 0, 2, 1)
    assert snapshot(engine) == before  # neither the dossiers nor the quarantine changed
    second = write_csv(tmp_path / "snap2.csv", [row("A1")])  # A1 finished since
    [r3] = run(engine, second)
    assert (r3.new, r3.updated, r3.unchanged) == (0, 1, 0)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.select(schema.dossier.c.code, schema.dossier.c.status)).all())
        src = conn.execute(
            sa.select(schema.dossier.c.source_file, schema.dossier.c.source_row).where(schema.dossier.c.code == "A1")
        ).one()
    assert rows == {"A1": 10, "B2": 10}
    assert tuple(src) == ("snap2.csv", 2)


def test_extra_columns_are_kept(engine, tmp_path):
    path = write_csv(tmp_path / "extra.csv", [dict(row("E1"), ChuHoSo="Nguyễn Văn A")], extra=["ChuHoSo"])
    run(engine, path)
    with engine.connect() as conn:
        extra = conn.execute(sa.select(schema.dossier.c.extra)).scalar()
        log = conn.execute(sa.select(schema.import_log.c.extra_columns)).scalar()
    assert json.loads(extra) == {"ChuHoSo": "Nguyễn Văn A"} and json.loads(log) == ["ChuHoSo"]


def test_missing_required_column_refuses_file_and_changes_nothing(engine, tmp_path):
    run(engine, write_csv(tmp_path / "ok.csv", [row("A1"), row("B2", MaDonVi="x")]))
    before = snapshot(engine)
    bad = write_csv(tmp_path / "bad.csv", [row("Z9")], header=[h for h in HEADER if h != "MaDonVi"])
    [res] = run(engine, bad)
    assert res.refused and "MaDonVi" in res.refused and "bad.csv" in res.refused
    assert snapshot(engine) == before
    with engine.connect() as conn:
        log = conn.execute(
            sa.select(schema.import_log.c.status, schema.import_log.c.message).order_by(schema.import_log.c.id)
        ).all()
    assert log[-1][0] == "refused" and "MaDonVi" in log[-1][1]


def test_failure_mid_file_rolls_back_the_whole_file(engine, tmp_path, monkeypatch):
    run(engine, write_csv(tmp_path / "ok.csv", [row("A1")]))
    before = snapshot(engine)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_add_catalogue", boom)  # fails after dossiers were written
    with pytest.raises(RuntimeError):
        run(engine, write_csv(tmp_path / "next.csv", [row("B2"), row("C3", MucDo="9")]))
    assert snapshot(engine) == before


def test_undecodable_file_is_refused_with_a_clear_message(engine, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n\x81\x8d\x90\x9d\xff\n")  # undefined in cp1252 and cp1258
    [res] = run(engine, path)
    assert res.refused and "binary.csv" in res.refused and "UTF-8" in res.refused
