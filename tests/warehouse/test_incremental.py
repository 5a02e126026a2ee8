"""An import refreshes only what it changed (warehouse/incremental.py), and the tables it leaves are exactly
those a full rebuild makes: random sequences of imports of new, changed and unchanged dossiers (dates that
move the data's range both ways, units that change) on both engines."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import put
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics.test_kpi import dossiers

from dashboard.metrics import kpi
from dashboard.warehouse import importer, incremental, rollups, schema
from dashboard.warehouse.engine import get_meta

UNITS = ["20335", "20341", "20356"]  # three wards of Tam Kỳ (valid through 2024)
HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo",
          "KenhThucHien", "DuocThanhToanTrucTuyen", "CoPhiLePhi", "HoSoCoThanhPhanSoHoa", "CoPhieuXinLoi",
          "DanhGiaHaiLong", "TenTTHC", "MaLinhVuc", "TenLinhVuc"]  # fmt: skip
DERIVED = schema.DERIVED
#: procedures and fields a row may have (list_rollup groups by them; a field or a name may be unknown)
PROCEDURES = [("2.000815", "Đăng ký khai sinh"), ("2.000815", ""), ("1.004227", "Cấp phép xây dựng")]
FIELDS = [("", ""), ("HT", "Hộ tịch"), ("HT", ""), ("XD", "Xây dựng")]
META = (rollups.DATA_RANGE, rollups.LISTABLE_LAST_DAY)


def _stamp(d: date | None) -> str:
    return "" if d is None else f"{d:%Y%m%d}093000"


def _cell(v) -> str:
    return "" if v is None else str(v)


def _write(path: Path, rows: list[tuple]) -> Path:
    """rows: (code, unit, dossier[, procedure, field]) — indexes into PROCEDURES and FIELDS (0 when absent)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for code, unit, d, *pf in rows:
            p, fl = pf or (0, 0)
            w.writerow([code, PROCEDURES[p][0], unit, _stamp(d.received), _stamp(d.due), _stamp(d.end), d.status,
                        _cell(d.channel), _cell(d.paid_online), _cell(d.has_fee), _cell(d.digitised),
                        _cell(d.apology), _cell(d.rating), PROCEDURES[p][1], *FIELDS[fl]])  # fmt: skip
    return path


def _tables(conn: sa.Connection) -> dict:
    out = {t.name: sorted((tuple(map(str, r)) for r in conn.execute(sa.select(t))), key=repr) for t in DERIVED}
    out["meta"] = {k: get_meta(conn, k) for k in META}
    return out


def _rebuilt(engine: sa.Engine) -> dict:
    """What a full rebuild makes of the same dossiers (in a transaction rolled back after)."""
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            rollups.rebuild(conn)
            return _tables(conn)
        finally:
            trans.rollback()


#: one import: (code number, unit, dossier) rows; codes from a small pool, so later imports change earlier rows
imports = st.lists(
    st.tuples(
        st.integers(0, 25),
        st.sampled_from(UNITS),
        dossiers(),
        st.integers(0, len(PROCEDURES) - 1),
        st.integers(0, len(FIELDS) - 1),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda r: r[0],
)


def _check_sequence(engine: sa.Engine, tmp: Path, base: list[kpi.Dossier], steps: list) -> None:
    put(engine, base)  # a base the imports add to, its derived tables rebuilt
    with engine.begin() as conn:
        rollups.rebuild(conn)
    for i, step in enumerate(steps):
        path = _write(tmp / f"import-{i}.csv", [(f"P-{n:03d}", unit, d, *pf) for n, unit, d, *pf in step])
        with engine.connect() as conn:
            assert incremental.ready(conn)
        (result,) = importer.import_files(engine, [path])
        assert not result.refused, result.refused
        with engine.connect() as conn:
            assert not rollups.stale(conn)  # refreshed in the import's transaction, no rebuild needed
            got = _tables(conn)
        assert got == _rebuilt(engine), f"after import {i}"
        if i == 0:  # the same file again: nothing changes, nothing to refresh
            (again,) = importer.import_files(engine, [path])
            assert not again.changed
            with engine.connect() as conn:
                assert _tables(conn) == got


@settings(max_examples=7, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(dossiers(), max_size=6), st.lists(imports, min_size=1, max_size=3))
def test_imports_refresh_to_what_a_rebuild_makes(engine, tmp_path_factory, base, steps):
    _check_sequence(engine, tmp_path_factory.mktemp("inc"), base, steps)


def test_a_moved_dossier_shrinks_the_range_and_its_periods(engine, tmp_path):
    """The only dossier of the first months moves a year on: the range shrinks, its periods go."""
    first = kpi.Dossier(date(2023, 3, 2), 10, due=date(2023, 3, 9), end=date(2023, 3, 8), channel=2)
    moved = kpi.Dossier(date(2024, 5, 2), 4, due=date(2024, 5, 9), channel=1)
    later = kpi.Dossier(date(2024, 4, 2), 10, due=date(2024, 4, 9), end=date(2024, 4, 30))
    _check_sequence(engine, tmp_path, [], [[(1, "20335", first), (2, "20341", later)], [(1, "20335", moved)]])
    with engine.connect() as conn:
        assert rollups.data_range(conn) == (date(2024, 4, 2), date(2024, 5, 2))
        keys = set(conn.execute(sa.select(schema.rollup.c.period_key).distinct()).scalars())
    assert "2023" not in keys and "2023-03" not in keys and "2024-05" in keys


def test_a_group_with_an_unknown_field_and_name_is_updated_in_place(engine, tmp_path):
    """list_rollup's groups may have no field and no procedure name (NULL): an import that moves one of their
    dossiers from open and overdue to finished late updates that group's row, not a second one beside it."""
    opened = kpi.Dossier(date(2024, 3, 2), 4, due=date(2024, 3, 9))
    late = kpi.Dossier(date(2024, 3, 2), 10, due=date(2024, 3, 9), end=date(2024, 3, 20))
    unknown = (1, 0)  # a procedure without a name, no field
    _check_sequence(
        engine,
        tmp_path,
        [],
        [[(1, "20335", opened, *unknown), (2, "20335", opened, *unknown)], [(1, "20335", late, *unknown)]],
    )
    with engine.connect() as conn:
        t = schema.list_rollup
        rows = conn.execute(
            sa.select(t.c.finished_late, t.c.open_overdue).where(t.c.period_key == "2024-03", t.c.cutoff == 1)
        ).all()
        assert conn.execute(sa.select(t.c.field_code, t.c.procedure_name).distinct()).all() == [(None, None)]
    assert rows == [(1, 1)]


def test_a_large_change_is_left_to_the_full_rebuild(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "MAX_CHANGED", 1)
    d = kpi.Dossier(date(2024, 2, 1), 4, due=date(2024, 2, 20))
    put(engine, [d])  # a warehouse with data (into an empty one the first file is rebuilt in its transaction)
    with engine.begin() as conn:
        rollups.rebuild(conn)
    path = _write(tmp_path / "two.csv", [("A", "20335", d), ("B", "20341", d)])
    importer.import_files(engine, [path])
    with engine.connect() as conn:
        assert rollups.stale(conn)  # left for the rebuild that `import` runs after the files


def test_the_first_file_into_an_empty_warehouse_is_counted_in_its_transaction(engine, tmp_path):
    d = kpi.Dossier(date(2024, 2, 1), 10, due=date(2024, 2, 20), end=date(2024, 2, 10))
    put(engine, [])
    with engine.begin() as conn:
        rollups.rebuild(conn)
    (result,) = importer.import_files(engine, [_write(tmp_path / "first.csv", [("A", "20335", d)])])
    assert result.new == 1
    with engine.connect() as conn:
        assert not rollups.stale(conn)
        assert _tables(conn) == _rebuilt(engine)
        assert rollups.data_range(conn) == (date(2024, 2, 1), date(2024, 2, 10))


@pytest.mark.parametrize("scale", [0.003])
def test_a_daily_file_into_the_demo_equals_a_rebuild(backend_url, tmp_path, scale):
    """A day's export into a demo warehouse: new dossiers and updates of stored ones (their status moves on)."""
    from helpers import demo_warehouse

    e = demo_warehouse(backend_url, scale=scale)
    with e.connect() as conn:
        d = schema.dossier
        stored = conn.execute(
            sa.select(d.c.code, d.c.unit_code, d.c.received_date, d.c.due_date)
            .where(d.c.status == 4, d.c.received_date >= date(2025, 11, 1))
            .order_by(d.c.code)
            .limit(40)
        ).all()
    assert stored
    rows = []
    for code, unit, received, due in stored:  # finished today, late or not
        rows.append((code, unit, kpi.Dossier(received, 10, due=due, end=date(2025, 12, 31), channel=2)))
    for i in range(30):  # received on the last day
        rows.append((f"NEW-{i}", stored[i % len(stored)][1], kpi.Dossier(date(2025, 12, 31), 2, due=date(2026, 1, 9))))
    path = _write(tmp_path / "daily.csv", rows)
    (result,) = importer.import_files(e, [path])
    assert (result.new, result.updated) == (30, len(stored)), result
    with e.connect() as conn:
        assert not rollups.stale(conn)
        got = _tables(conn)
    assert got == _rebuilt(e)
    e.dispose()
