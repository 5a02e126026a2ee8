"""The CLI end to end on data the project has never seen, checked against an independent SPEC §4 computation.

The expected numbers here are computed with plain pandas straight from the SPEC text, without the
project's metrics module.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from helpers import DEMO_UNTIL_ARG
from openpyxl import load_workbook

from dashboard.cli import main

UNITS = ["20335", "20341", "20344", "502", "503", "20398", "SO_TP", "CN_502", "49"]
PARENT = {
    "20335": "502",
    "20341": "502",
    "20344": "502",
    "20398": "503",
    "502": "49",
    "503": "49",
    "SO_TP": "49",
    "CN_502": "VPDKDD",
    "VPDKDD": "SO_TNMT",
    "SO_TNMT": "49",
}


def random_dossiers(n: int, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        rec = datetime(2024, 10, 1) + timedelta(days=rnd.randint(0, 200), minutes=rnd.randint(420, 1000))
        status = rnd.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 9, 4])
        due = rec + timedelta(days=rnd.randint(0, 30)) if rnd.random() > 0.1 else None
        end = (
            rec + timedelta(days=rnd.randint(0, 60), hours=rnd.randint(0, 8))
            if (status in (7, 9, 10) or rnd.random() < 0.1)
            else None
        )
        fmt = rnd.choice(["%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"])
        out.append(
            dict(
                MaHoSo=f"N-{seed}-{i}",
                MaTTHC=rnd.choice(["1.001", "2.002"]),
                MaDonVi=rnd.choice(UNITS),
                NgayTiepNhan=rec.strftime(fmt),
                NgayHenTra=due.strftime(fmt) if due else "",
                NgayKetThucXuLy=end.strftime(fmt) if end else "",
                TrangThaiHoSo=str(status),
                KenhThucHien=rnd.choice(["", "1", "2", "3"]),
                DuocThanhToanTrucTuyen=rnd.choice(["", "0", "1", "2"]),
                CoPhiLePhi=rnd.choice(["", "0", "1"]),
                HoSoCoThanhPhanSoHoa=rnd.choice(["", "0", "1"]),
                CoPhieuXinLoi=rnd.choice(["", "0", "1"]),
                DanhGiaHaiLong=rnd.choice(["", "1", "2", "3", "4"]),
            )
        )
    return out


def parse(s: str):
    for fmt in ("%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    return None


def independent(rows: list[dict], d1: date, d2: date) -> pd.DataFrame:
    """SPEC §4 from its text, one dossier at a time."""
    acc: dict[str, dict[str, int]] = {}
    for r in rows:
        st = int(r["TrangThaiHoSo"])
        if st in (1, 3):
            continue
        rec, due = parse(r["NgayTiepNhan"]), parse(r["NgayHenTra"]) if r["NgayHenTra"] else None
        end = parse(r["NgayKetThucXuLy"]) if st in (7, 9, 10) else None
        a = acc.setdefault(r["MaDonVi"], {})

        def inc(k):
            a[k] = a.get(k, 0) + 1

        if d1 <= rec <= d2:
            inc("received")
            if r["KenhThucHien"] == "2":
                inc("online")
            if r["CoPhiLePhi"] == "1":
                inc("fee")
            if r["DuocThanhToanTrucTuyen"] in ("1", "2"):
                inc("paid")
            if r["HoSoCoThanhPhanSoHoa"] == "1":
                inc("digitised")
        if rec < d1 and (end is None or end >= d1):
            inc("carried_in")
        late = False
        if st in (9, 10) and end and d1 <= end <= d2:
            inc("finished")
            if due is None or end == due:
                inc("finished_on_time")
            elif end < due:
                inc("finished_early")
            else:
                inc("finished_late")
                late = True
            if r["DanhGiaHaiLong"]:
                inc("rated")
                if r["DanhGiaHaiLong"] in ("1", "2"):
                    inc("satisfied")
        if st == 7 and end and d1 <= end <= d2:
            inc("withdrawn")
        if rec <= d2 and (end is None or end > d2):
            if st in (5, 6, 8):
                inc("paused")
            elif due is None or due >= d2:
                inc("open_in_time")
            else:
                inc("open_overdue")
                late = True
        if late and r["CoPhieuXinLoi"] != "1":
            inc("overdue_without_apology")
    df = pd.DataFrame.from_dict(acc, orient="index").fillna(0).astype(int)
    return df


def pct(n, d):
    return None if d == 0 else round(100 * n / d, 2)


def expected_rows(df: pd.DataFrame) -> dict[str, dict]:
    out = {}
    for code, r in df.iterrows():
        g = lambda k: int(r.get(k, 0))  # noqa: E731
        out[code] = dict(
            received=g("received"),
            carried_in=g("carried_in"),
            finished=g("finished"),
            finished_early=g("finished_early"),
            finished_on_time=g("finished_on_time"),
            finished_late=g("finished_late"),
            withdrawn=g("withdrawn"),
            paused=g("paused"),
            open_in_time=g("open_in_time"),
            open_overdue=g("open_overdue"),
            overdue=g("finished_late") + g("open_overdue"),
            overdue_without_apology=g("overdue_without_apology"),
            on_time_rate=pct(
                g("finished_early") + g("finished_on_time") + g("withdrawn") + g("paused") + g("open_in_time"),
                g("received") + g("carried_in"),
            ),
            on_time_rate_finished=pct(g("finished_early") + g("finished_on_time"), g("finished")),
            online_rate=pct(g("online"), g("received")),
            online_payment_rate=pct(g("paid"), g("fee")),
            digitised_rate=pct(g("digitised"), g("received")),
            satisfaction_rate=pct(g("satisfied"), g("rated")),
        )
    return out


@pytest.fixture
def warehouse(backend_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    assert main(["init"]) == 0
    return backend_url


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def report(capsys, *args) -> list[dict]:
    capsys.readouterr()
    assert main(["report", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "period, d1, d2",
    [("2025-Q1", date(2024, 12, 15), date(2025, 3, 14)), ("2025-01", date(2024, 12, 15), date(2025, 1, 14))],
)
def test_report_matches_independent_computation(warehouse, tmp_path, capsys, period, d1, d2):
    rows = random_dossiers(1500, seed=11)
    write(tmp_path / "unseen.csv", rows)
    assert main(["import", str(tmp_path / "unseen.csv")]) == 0
    got = {r["unit_code"]: r for r in report(capsys, "--period", period, "--cutoff", "15")}
    want = expected_rows(independent(rows, d1, d2))
    assert set(want) <= set(got)
    for code, w in want.items():
        g = {k: got[code][k] for k in w}
        assert g == w, code
    assert list(next(iter(got.values()))) == [
        "unit_code",
        "unit_name",
        "received",
        "carried_in",
        "finished",
        "finished_early",
        "finished_on_time",
        "finished_late",
        "withdrawn",
        "paused",
        "open_in_time",
        "open_overdue",
        "overdue",
        "overdue_without_apology",
        "on_time_rate",
        "on_time_rate_finished",
        "online_rate",
        "online_payment_rate",
        "digitised_rate",
        "satisfaction_rate",
    ]
    # a unit without dossiers has counts 0 and rates null
    assert got["20347"]["received"] == 0 and got["20347"]["on_time_rate"] is None


def test_territory_and_custom_range(warehouse, tmp_path, capsys):
    rows = random_dossiers(800, seed=5)
    write(tmp_path / "u.csv", rows)
    assert main(["import", str(tmp_path / "u.csv")]) == 0
    d1, d2 = date(2025, 1, 1), date(2025, 2, 10)
    got = {
        r["unit_code"]: r
        for r in report(capsys, "--from", str(d1), "--to", str(d2), "--level", "district", "--territory")
    }
    own = independent(rows, d1, d2)
    tam_ky = own.reindex(["502", "20335", "20341", "20344"]).fillna(0).sum()
    want = expected_rows(pd.DataFrame([tam_ky], index=["502"]))["502"]
    assert {k: got["502"][k] for k in want} == want
    # the district-level units of early 2025: Quảng Nam's 17 and old Đà Nẵng's 8 (Hoàng Sa included)
    assert set(got) == {str(c) for c in range(502, 519)} | {"490", "491", "492", "493", "494", "495", "497", "498"}


def test_csv_and_xlsx_output(warehouse, tmp_path, capsys):
    write(tmp_path / "u.csv", random_dossiers(300, seed=2))
    main(["import", str(tmp_path / "u.csv")])
    capsys.readouterr()
    assert main(["report", "--period", "2025-Q2", "--level", "commune"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"unit_code": str})
    assert len(df) == 233 + 47 and df["on_time_rate"].dropna().between(0, 100).all()  # both provinces' communes
    out = tmp_path / "r.xlsx"
    assert main(["report", "--period", "2025", "--level", "province", "--format", "xlsx", "--output", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Báo cáo"  # the official layout first, the exact rows on "report"
    ws = wb["report"]
    assert ws["A1"].value == "unit_code" and ws["A2"].value == "48"  # old Đà Nẵng, then Quảng Nam
    pdf = tmp_path / "r.pdf"
    assert main(["report", "--period", "2025-Q2", "--format", "pdf", "--output", str(pdf), "--lang", "en"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_import_exit_status_and_messages(warehouse, tmp_path, capsys):
    good = random_dossiers(5, seed=1)
    good[1]["MaDonVi"] = "nope"
    write(tmp_path / "a.csv", good)
    bad = [{k: v for k, v in r.items() if k != "MaTTHC"} for r in good]
    write(tmp_path / "b.csv", bad)
    code = main(["import", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")])
    out, err = capsys.readouterr()
    assert code == 1  # b.csv was refused whole
    assert "a.csv: 5 rows" in out and "quarantined 1" in out
    assert "a.csv line 3 [MaDonVi]" in err and "b.csv: REFUSED" in err and "MaTTHC" in err
    assert "1 of 2 file(s) failed" in err.splitlines()[-1]


def test_report_needs_a_period(warehouse, capsys):
    with pytest.raises(SystemExit):
        main(["report"])


def test_demo_if_empty_keeps_an_existing_warehouse(warehouse, tmp_path, capsys):
    write(tmp_path / "u.csv", random_dossiers(20, seed=3))
    main(["import", str(tmp_path / "u.csv")])
    capsys.readouterr()
    assert main(["demo", "--if-empty", "--quiet", *DEMO_UNTIL_ARG]) == 0
    assert "kept" in capsys.readouterr().out
    got = report(capsys, "--period", "2025")
    assert sum(r["received"] for r in got) <= 20  # the imported dossiers, not a demo


def test_clear_errors_without_a_warehouse(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB_URL", f"duckdb:///{tmp_path / 'missing.duckdb'}")
    assert main(["report", "--period", "2025-Q1"]) == 3  # the read-only open of a missing file fails
    assert "cannot open the warehouse" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "x.csv")]) == 2  # the file is created empty: no schema
    assert "run `python -m dashboard init`" in capsys.readouterr().err


def test_readme_documents_every_option_of_the_commands_it_shows():
    """A newcomer learns the CLI from the README: every option of the commands it names is there."""
    import argparse

    from helpers import ROOT

    from dashboard.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    def walk(p: argparse.ArgumentParser, path: str):
        for a in p._actions:  # argparse has no public way to walk its sub-commands
            if isinstance(a, argparse._SubParsersAction):
                for name, sp in a.choices.items():
                    yield from walk(sp, f"{path} {name}".strip())
            else:
                yield path, [o for o in a.option_strings if o.startswith("--") and o != "--help"]

    missing = [
        (path, o)
        for path, opts in walk(build_parser(), "")
        for o in opts
        if path.split(" ")[0] in ("users", "geo", "report", "demo", "import", "units") and o not in readme
    ]
    assert not missing, missing


def test_rebuild_makes_every_derived_table_again_and_the_same(tmp_path, monkeypatch, capsys):
    import sqlalchemy as sa

    from dashboard.warehouse import events, rollups, schema
    from dashboard.warehouse.engine import bump_data_version, make_engine

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert main(["demo", "--scale", "0.005", "--quiet", *DEMO_UNTIL_ARG]) == 0
    derived = (
        schema.rollup,
        schema.rollup_pack,
        schema.dossier_listable,
        schema.unit_day_event,
        schema.unit_month_event,
    )

    def tables():
        e = make_engine(url, read_only=True)
        with e.connect() as conn:
            out = {t.name: conn.execute(sa.select(t).order_by(*t.primary_key.columns)).all() for t in derived}
            out["stale"] = rollups.stale(conn) or not events.is_current(conn)
        e.dispose()
        return out

    before = tables()
    assert not before["stale"] and all(before[t.name] for t in derived)
    e = make_engine(url)
    with e.begin() as conn:
        bump_data_version(conn)  # as after a crash between an import's commit and its refresh
    e.dispose()
    assert tables()["stale"]
    assert main(["rebuild"]) == 0
    assert "rebuilt the derived tables" in capsys.readouterr().out
    assert tables() == before  # row for row
    monkeypatch.setenv("DASHBOARD_DB_URL", f"duckdb:///{tmp_path / 'none.duckdb'}")
    assert main(["rebuild"]) != 0  # no warehouse there: said, not a traceback
