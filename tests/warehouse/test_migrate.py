"""Schema evolution: the migrations build exactly warehouse.schema, a warehouse built before migrations
existed is upgraded in place with its data, and ids come from sequences."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import sqlalchemy as sa

from dashboard import cli
from dashboard.warehouse import migrate, schema
from dashboard.warehouse.engine import create_schema, get_meta, make_engine, reserve_ids, set_meta

FIXTURES = Path(__file__).with_name("fixtures")


def _columns(conn) -> dict[str, dict[str, bool]]:
    """table → column → nullable, as the database has them (the migrations' own table left out)."""
    insp = sa.inspect(conn)
    return {
        t: {c["name"]: bool(c["nullable"]) for c in insp.get_columns(t)}
        for t in insp.get_table_names()
        if t != "alembic_version"
    }


def test_the_migrations_build_exactly_the_schema(backend_url):
    e = make_engine(backend_url)
    assert migrate.upgrade(e) == migrate.head()
    with e.connect() as conn:
        have = _columns(conn)
        assert migrate.is_current(conn)
        keys = {t: set(sa.inspect(conn).get_pk_constraint(t)["constrained_columns"]) for t in have}
    want = {t.name: {c.name: bool(c.nullable) for c in t.columns} for t in schema.metadata.sorted_tables}
    assert have == want
    duck = e.dialect.name == "duckdb"  # the dossier's key and indexes are PostgreSQL's only (revision 0006)
    keyless = (
        {"dossier", "rollup", "rollup_pack", "dossier_listable", "unit_day_event", "unit_month_event"}
        if duck
        else set()
    )
    assert keys == {
        t.name: set() if t.name in keyless else {c.name for c in t.primary_key.columns}
        for t in schema.metadata.sorted_tables
    }
    for table in (schema.dossier, schema.unit_day_event, schema.dossier_listable):
        with e.connect() as conn:
            indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes(table.name)}
        assert indexes == (set() if duck else {ix.name for ix in table.indexes}), table.name
    assert migrate.upgrade(e) == migrate.head()  # again: nothing to do
    e.dispose()


def test_head_is_the_newest_revision_file():
    """HEAD (what a warehouse is checked against without Alembic) is the revisions' own head."""
    assert migrate.HEAD == migrate.script_head()
    assert migrate.HEAD in migrate.revisions()


def test_an_embedded_warehouse_at_0005_loses_its_art_keys_and_keeps_every_row(tmp_path):
    from datetime import date

    from helpers import put

    from dashboard.metrics.kpi import Dossier

    e = make_engine(f"duckdb:///{tmp_path / 'w.duckdb'}")
    migrate.upgrade(e, "0005")
    with e.connect() as conn:
        assert sa.inspect(conn).get_pk_constraint("dossier")["constrained_columns"] == ["code"]
    with e.begin() as conn:
        from dashboard.warehouse import units

        units.load_units(conn)
    put(e, [Dossier(received=date(2025, 1, 1 + i % 28), status=4 + i % 2, due=date(2025, 2, 1)) for i in range(50)])

    derived = ("rollup", "dossier_listable", "unit_day_event")
    with e.begin() as conn:
        _derived_before_0007(conn)
    with e.connect() as conn:
        before = conn.execute(sa.select(schema.dossier).order_by(schema.dossier.c.code)).all()
        kept = {t: sorted(conn.execute(sa.select(schema.metadata.tables[t])).all()) for t in derived}
        assert all(kept.values())
    assert migrate.upgrade(e) == migrate.head()
    with e.connect() as conn:
        insp = sa.inspect(conn)
        for table in ("dossier", "rollup", "dossier_listable", "unit_day_event", "unit_month_event"):
            assert insp.get_pk_constraint(table)["constrained_columns"] == [], table
            assert {c["name"]: c["nullable"] for c in insp.get_columns(table)} == {
                c.name: bool(c.nullable) for c in schema.metadata.tables[table].columns
            }, table
        assert insp.get_indexes("dossier") == []
        assert conn.execute(sa.select(schema.dossier).order_by(schema.dossier.c.code)).all() == before
        assert {t: sorted(conn.execute(sa.select(schema.metadata.tables[t])).all()) for t in derived} == kept
        assert {c["name"]: c["nullable"] for c in insp.get_columns("dossier")} == {
            c.name: bool(c.nullable) for c in schema.dossier.columns
        }
    e.dispose()


def _derived_before_0007(conn) -> None:
    """What rollups.rebuild made before revision 0007: no monthly events (and no rollup_pack, revision 0010's)."""
    from unittest import mock

    from dashboard.warehouse import events, rollups

    with mock.patch.object(rollups, "pack"):
        for c in rollups.cutoffs():
            rollups.refresh(conn, c)
    rollups.refresh_listable(conn)
    t = schema.unit_day_event
    conn.execute(t.insert().from_select([c.name for c in t.columns], events.per_day(schema.dossier)))
    set_meta(conn, events.VERSION, get_meta(conn, "data_version") or "0")
    rollups.record_data_range(conn)


def test_a_warehouse_at_0006_gains_its_monthly_events_and_stays_current(backend_url):
    """Revision 0007 fills unit_month_event from the per-day events as they stand: the warehouse is current
    after the upgrade, and any range counted from days and months equals the dossiers' counts."""
    import random
    from datetime import date, timedelta

    from helpers import put
    from warehouse.test_events import _same

    from dashboard.metrics.kpi import Dossier
    from dashboard.warehouse import events, list_rollup, rollups, units

    e = make_engine(backend_url)
    migrate.upgrade(e, "0006")
    with e.begin() as conn:
        units.load_units(conn)
    rng = random.Random(7)
    rows = []
    for _ in range(400):
        got = date(2024, 11, 1) + timedelta(days=rng.randrange(150))
        due = got + timedelta(days=rng.randrange(1, 30))
        ended = rng.random() < 0.7
        rows.append(
            Dossier(
                received=got,
                due=due,
                status=rng.choice((4, 5, 6)) if ended else rng.choice((2, 3)),
                end=got + timedelta(days=rng.randrange(60)) if ended else None,
                apology=rng.choice((0, 1, None)),
            )
        )
    put(e, rows)
    with e.begin() as conn:
        _derived_before_0007(conn)
    assert migrate.upgrade(e) == migrate.head()
    with e.connect() as conn:
        m = schema.unit_month_event
        stored = sorted(conn.execute(sa.select(m)).all())
        assert stored and stored == sorted(conn.execute(events.per_month(sa.select(schema.unit_day_event))).all())
        assert events.is_current(conn)
        # revisions 0008's and 0010's tables: filled by the rebuild the upgrade asks for
        assert not list_rollup.is_current(conn) and not any(rollups.is_current(conn, c) for c in rollups.cutoffs())
        for _ in range(12):
            d1 = date(2024, 10, 20) + timedelta(days=rng.randrange(200))
            d2 = d1 + timedelta(days=rng.randrange(120))
            _same(conn, d1, d2)
    e.dispose()


def _overdue_dossiers_at(e, revision: str, seed: int):
    """A warehouse at `revision` (0007 or later) holding random dossiers with every apology state, its derived
    tables as a rebuild at 0007 wrote them (everything but list_rollup)."""
    import random
    from datetime import date, timedelta

    from helpers import put

    from dashboard.metrics.kpi import Dossier
    from dashboard.warehouse import events, units

    migrate.upgrade(e, revision)
    with e.begin() as conn:
        units.load_units(conn)
    rng = random.Random(seed)
    rows = []
    for _ in range(300):
        got = date(2025, 1, 1) + timedelta(days=rng.randrange(150))
        ended = rng.random() < 0.6
        rows.append(
            Dossier(
                received=got,
                due=got + timedelta(days=rng.randrange(1, 20)),
                status=rng.choice((4, 5, 6)) if ended else 2,
                end=got + timedelta(days=rng.randrange(40)) if ended else None,
                apology=rng.choice((0, 1, None)),
            )
        )
    put(e, rows)
    with e.begin() as conn:
        _derived_before_0007(conn)
        t = schema.unit_month_event
        conn.execute(
            t.insert().from_select([c.name for c in t.columns], events.per_month(sa.select(schema.unit_day_event)))
        )


def _upgraded_summary_equals_the_scan(e, backend_url, monkeypatch):
    """The CLI's upgrade leaves the warehouse current with list_rollup rebuilt; a quarter's overdue summary comes
    from the table, equals the scan, and counts "without an apology letter" as the report does (SPEC §4)."""
    from datetime import date

    from warehouse.test_list_rollup import _both

    from dashboard.cli import report_frame
    from dashboard.metrics import periods
    from dashboard.warehouse import list_rollup, overdue, rollups

    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    assert cli.main(["upgrade"]) == 0
    with e.connect() as conn:
        assert migrate.is_current(conn) and not rollups.stale(conn) and list_rollup.is_current(conn)
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.list_rollup)).scalar_one() > 0
        p = periods.containing(date(2025, 3, 20), "quarter", rollups.cutoffs()[0])
        s = overdue.Scope(p, tuple(conn.execute(sa.select(schema.unit.c.code)).scalars()), date(2025, 8, 1))
        kept, scanned = _both(conn, s)  # served from the table, equal to the scan
        assert any(int(r[5]) + int(r[6]) for r in kept)  # finished late or overdue somewhere
        assert kept == scanned
        summary = overdue.summary(conn, s)
        report = report_frame(conn, p, "province", True).sum(numeric_only=True)
        assert summary.overdue == report["overdue"]
        assert summary.without_apology == report["overdue_without_apology"]
        assert summary.apology_known < summary.overdue  # some letters unknown: not counted as missing


def test_a_warehouse_at_0007_is_rebuilt_once_by_the_upgrade_and_gains_its_list_rollup(backend_url, monkeypatch):
    """Revision 0008 creates list_rollup empty; the warehouse then reads as stale, and the CLI's upgrade rebuilds
    the derived tables, after which the overdue summary of a named period comes from the new table."""
    e = make_engine(backend_url)
    _overdue_dossiers_at(e, "0007", 8)
    with e.connect() as conn:
        assert sa.inspect(conn).has_table("list_rollup") is False
    _upgraded_summary_equals_the_scan(e, backend_url, monkeypatch)
    e.dispose()


def test_a_list_rollup_of_0008_is_rebuilt_with_the_apology_letters_counted_as_spec_says(backend_url, monkeypatch):
    """Revision 0008's table counted an unknown letter as missing; 0009 drops it with its version, so a table
    marked current at 0008 is not served again but rebuilt by the upgrade."""
    from dashboard.warehouse import list_rollup, rollups

    e = make_engine(backend_url)
    _overdue_dossiers_at(e, "0008", 9)
    with e.begin() as conn:  # a row no rebuild would write, under a current version
        conn.execute(
            sa.text("INSERT INTO list_rollup VALUES ('2025-Q1', :c, '20335', 'X', NULL, NULL, NULL, 0, 999, 999)"),
            {"c": rollups.cutoffs()[0]},
        )
        list_rollup.mark_current(conn)
    with e.connect() as conn:
        assert list_rollup.is_current(conn)
    _upgraded_summary_equals_the_scan(e, backend_url, monkeypatch)
    with e.connect() as conn:
        t = schema.list_rollup
        assert not conn.execute(sa.select(t).where(t.c.procedure_code == "X")).all()
    e.dispose()


def test_a_warehouse_built_before_migrations_upgrades_in_place(tmp_path, monkeypatch, capsys):
    path = tmp_path / "old.duckdb"
    with gzip.open(FIXTURES / "pre_alembic_cd4943f.duckdb.gz") as src, open(path, "wb") as out:
        shutil.copyfileobj(src, out)
    url = f"duckdb:///{path}"
    e = make_engine(url)
    with e.connect() as conn:
        assert migrate.current(conn) is None and not migrate.is_current(conn)
        old = {
            t: sa.Table(t, sa.MetaData(), autoload_with=conn)
            for t in ("dossier", "import_log", "quarantine", "official_score", "unit", "meta")
        }
        before = {
            t: conn.execute(sa.select(table).order_by(*schema.metadata.tables[t].primary_key.columns)).all()
            for t, table in old.items()
        }
    e.dispose()
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert cli.main(["upgrade"]) == 0
    assert "pre-migration → " + migrate.head() in capsys.readouterr().err
    e = make_engine(url)
    with e.connect() as conn:
        assert migrate.is_current(conn)
        # the old importer stored an empty cell as NULL; where an import gave a fact for some rows (its file
        # had the column) the NULLs become the SPEC's empty-cell default, otherwise they stay unknown
        names = [c.name for c in old["dossier"].columns]
        defaults = {"channel": 1, "paid_online": 0, "has_fee": 0, "digitised": 0, "apology": 0}
        rows = [dict(zip(names, r)) for r in before["dossier"]]
        for col, default in defaults.items():
            given = {r["import_id"] for r in rows if r[col] is not None}
            for r in rows:
                if r[col] is None and (r["import_id"] is None or r["import_id"] in given):
                    r[col] = default
        before["dossier"] = [tuple(r.values()) for r in rows]
        # the rollup gained counts: it is rebuilt, so its versions are cleared (pages read the dossiers meanwhile)
        before["meta"] = [r for r in before["meta"] if not r[0].startswith("rollup_version")]
        for t, rows in before.items():  # every row kept as it was, in the columns it had
            table = schema.metadata.tables[t]
            cols = [table.c[c.name] for c in old[t].columns]
            got = conn.execute(sa.select(*cols).order_by(*table.primary_key.columns)).all()
            if t == "meta":  # the upgrade rebuilt the rollup it cleared, and what a rebuild records
                got = [
                    r
                    for r in got
                    if not r[0].startswith(("rollup_version", "listable_", "list_rollup", "data_range", "events_"))
                ]
                rows = [r for r in rows if not r[0].startswith(("listable_", "data_range"))]
            assert got == rows, t
    e.dispose()
    # the next import's ids follow the old ones (import_log 1-2, quarantine 1)
    assert cli.main(["import", str(FIXTURES / "pre_alembic_a.csv")]) == 0
    e = make_engine(url, read_only=True)
    with e.connect() as conn:
        logs = conn.execute(sa.select(schema.import_log.c.id).order_by(schema.import_log.c.id)).scalars().all()
        assert logs == [1, 2, 3]
    e.dispose()


def test_ids_come_from_sequences_and_never_repeat(backend_url):
    e = make_engine(backend_url)
    create_schema(e)
    with e.connect() as a, e.connect() as b:  # two writers at once take different ids
        first = reserve_ids(a, schema.import_log, 3)
        second = reserve_ids(b, schema.import_log, 2)
        a.rollback()
        b.rollback()
    assert len(set(first) | set(second)) == 5 and sorted(first + second) == list(range(1, 6))
    e.dispose()


def test_sequences_start_after_the_ids_a_pre_migration_warehouse_holds(backend_url):
    """On either engine: the baseline's tables with ids written as max + 1 and no version table (how older
    code left a warehouse), then the upgrade; new ids follow the old ones."""
    e = make_engine(backend_url)
    migrate.upgrade(e, "0001")
    with e.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(schema.import_log.insert(), [{"id": i, "file_name": f"f{i}.csv"} for i in (1, 2, 7)])
    assert migrate.upgrade(e) == migrate.head()
    with e.connect() as conn:
        assert reserve_ids(conn, schema.import_log, 2) == [8, 9]
        assert reserve_ids(conn, schema.quarantine, 1) == [1]
    e.dispose()


def test_the_cli_migrates_in_a_fresh_process(tmp_path):
    """As a newcomer runs it: a process whose first connection comes before Alembic is imported (the
    DuckDB dialect then does not register Alembic's support by itself)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, DASHBOARD_DB_URL=f"duckdb:///{tmp_path / 'w.duckdb'}")
    for args in (["init"], ["upgrade"]):
        done = subprocess.run(
            [sys.executable, "-m", "dashboard", *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    assert migrate.head() in done.stdout


def test_a_warehouse_at_0009_is_rebuilt_once_by_the_upgrade_and_gains_its_rollup_pack(backend_url, monkeypatch):
    """Revision 0010 creates rollup_pack empty and takes the rollup's versions out: a warehouse whose rollup was
    current reads as stale (so the trends never read a pack that is not there), and the CLI's upgrade rebuilds
    it, packing every period of each cut-off day as the rollup holds it."""
    from helpers import assert_packed_as_the_rollup

    from dashboard.warehouse import rollups

    e = make_engine(backend_url)
    _overdue_dossiers_at(e, "0009", 10)
    with e.begin() as conn:
        for c in rollups.cutoffs():
            set_meta(conn, rollups._version_key(c), get_meta(conn, "data_version") or "0")
    with e.connect() as conn:
        assert all(rollups.is_current(conn, c) for c in rollups.cutoffs())
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.rollup)).scalar_one() > 0
    monkeypatch.setenv("DASHBOARD_DB_URL", backend_url)
    assert cli.main(["upgrade"]) == 0
    with e.connect() as conn:
        assert migrate.is_current(conn) and not rollups.stale(conn)
        for c in rollups.cutoffs():
            r, t = schema.rollup, schema.rollup_pack
            keys = sorted(conn.execute(sa.select(r.c.period_key).where(r.c.cutoff == c).distinct()).scalars())
            assert sorted(conn.execute(sa.select(t.c.period_key).where(t.c.cutoff == c)).scalars()) == keys
            assert_packed_as_the_rollup(conn, c, [k for k in keys if len(k) == 7])  # the months (YYYY-MM)
    e.dispose()
