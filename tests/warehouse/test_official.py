"""Import of official 766 scores: every row lands or is quarantined with file, row, field and reason."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.warehouse import official, schema
from dashboard.warehouse.importer import ImportRefused

GOOD = """unit,period,group,score,max_score
49,2025-03,Tiến độ giải quyết,18.4,20
49,2025-03,DVC trực tuyến,"7,7",12
49,2025-03,total,80.1,100
49,2025-03,Tổng,80.2,100
ZZ,2025-03,total,50,100
49,2025-13,total,50,100
49,2025-03,nonsense,5,10
49,2025-03,payment,11,10
502,2025-Q1,payment,,10
"""


def _import(engine, path):
    with engine.begin() as conn:
        return official.import_scores(conn, path, 15)


def test_rows_land_or_are_quarantined_with_a_reason(engine, tmp_path):
    path = tmp_path / "diem766.csv"
    path.write_text(GOOD, encoding="utf-8")
    r = _import(engine, path)
    assert (r.rows, r.loaded, r.new, r.quarantined, r.superseded) == (9, 3, 3, 6, 1)
    with engine.connect() as conn:
        got = official.scores(conn, "49", "2025-03").set_index("group_key")
        q = pd.DataFrame(
            conn.execute(
                sa.select(
                    schema.quarantine.c.row_number,
                    schema.quarantine.c.reason_code,
                    schema.quarantine.c.field,
                    schema.quarantine.c.reason_en,
                ).where(schema.quarantine.c.file_name == "diem766.csv")
            ).all()
        )
    assert got.loc["progress", "score"] == 18.4 and got.loc["online", "score"] == 7.7  # vi-VN decimal comma
    assert got.loc["total", "score"] == 80.2 and got.loc["total", "source_row"] == 5  # the last row wins
    reasons = {(r.row_number, r.reason_code, r.field) for r in q.itertuples()}
    assert reasons == {
        (4, "superseded", "group"),
        (6, "unknown_unit", "unit"),
        (7, "bad_period", "period"),
        (8, "unknown_group", "group"),
        (9, "out_of_range", "score"),
        (10, "required", "score"),
    }
    assert r.rows == r.loaded + r.quarantined  # nothing lost
    # the same file again changes nothing and repeats no quarantine entry
    again = _import(engine, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.quarantine)).scalar() == 6


def test_a_file_without_a_required_column_is_refused_whole(engine, tmp_path):
    path = tmp_path / "thieu.csv"
    path.write_text("unit,period,score,max_score\n49,2025-03,18,20\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="group"):
        _import(engine, path)
    with engine.connect() as conn:
        assert official.scores(conn, "49", "2025-03").empty


def test_group_names_are_matched_without_diacritics_or_case():
    assert official.group_key("SỐ HÓA HỒ SƠ") == "digitisation"
    assert official.group_key("so hoa ho so") == "digitisation"
    assert official.group_key("Mức độ hài lòng") == "satisfaction"
    assert official.group_key("Công khai, minh bạch") == "publicity"
    assert official.group_key("xyz") is None


def test_cli_imports_scores_into_an_older_warehouse(tmp_path, monkeypatch, capsys):
    from dashboard import cli

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert cli.main(["init"]) == 0
    e = sa.create_engine(url)
    with e.begin() as conn:  # a warehouse built before the table existed (and before migrations)
        conn.exec_driver_sql("DROP TABLE official_score")
        conn.exec_driver_sql("DROP TABLE alembic_version")
    e.dispose()
    path = tmp_path / "s.csv"
    path.write_text("Unit,Period,Group,Score,Max_Score\n49,2025-Q1,total,80.1,100\n", encoding="utf-8")
    assert cli.main(["import-766", str(path)]) == 0
    assert "loaded 1 (new 1" in capsys.readouterr().out
    e = sa.create_engine(url)
    with e.connect() as conn:
        assert official.scores(conn, "49", "2025-Q1")["score"].tolist() == [80.1]
    e.dispose()


def test_files_go_through_the_shared_pipeline_one_transaction_each(engine, tmp_path):
    """import_files: a refused file is logged and reported, the files around it are imported; the log and the
    quarantine are written as the dossier import writes them (re-importing adds no quarantine twice)."""
    good = tmp_path / "diem.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "thieu.csv"
    bad.write_text("unit,period,score,max_score\n49,2025-03,18,20\n", encoding="utf-8")
    first, refused, again = official.import_files(engine, [good, bad, good], 15)
    assert first.refused is None and first.loaded > 0 and first.quarantined > 0
    assert refused.refused and "group" in refused.refused
    assert again.refused is None and again.unchanged == first.loaded and again.new == 0
    with engine.connect() as conn:
        log = conn.execute(
            sa.select(schema.import_log.c.file_name, schema.import_log.c.status).order_by(schema.import_log.c.id)
        ).all()
        q = conn.execute(sa.select(sa.func.count()).select_from(schema.quarantine)).scalar_one()
    assert [tuple(r) for r in log] == [("diem.csv", "loaded"), ("thieu.csv", "refused"), ("diem.csv", "loaded")]
    assert q == first.quarantined  # the second import of the same file repeats none
