"""Helpers for tests: put hand-made dossiers into a warehouse and read the counts back."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard.metrics import kpi
from dashboard.warehouse import queries, schema
from dashboard.warehouse.engine import bulk_insert, bump_data_version, make_engine

ROOT = Path(__file__).resolve().parents[1]
#: the dashboard's pages as AppTest switches to them
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
UNIT = "20335"  # Phường Tân Thạnh (Tam Kỳ)
#: a letter only Vietnamese writes (a text holding one is Vietnamese)
VI_LETTER = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


def dossier_rows(dossiers: list[kpi.Dossier], unit: str | list[str] = UNIT) -> pd.DataFrame:
    units = unit if isinstance(unit, list) else [unit] * len(dossiers)

    def ts(d):
        return None if d is None else datetime(d.year, d.month, d.day, 9, 30)

    return pd.DataFrame(
        [
            dict(
                code=f"T-{i:06d}",
                procedure_code="MH.0001",
                unit_code=u,
                received_at=ts(d.received),
                received_date=d.received,
                due_at=ts(d.due),
                due_date=d.due,
                end_at=ts(d.end),
                end_date=d.end,
                status=d.status,
                channel=d.channel,
                paid_online=d.paid_online,
                has_fee=d.has_fee,
                digitised=d.digitised,
                apology=d.apology,
                rating=d.rating,
                row_hash="test",
            )
            for i, (d, u) in enumerate(zip(dossiers, units))
        ]
    )


def put(engine: sa.Engine, dossiers: list[kpi.Dossier], unit: str | list[str] = UNIT) -> None:
    with engine.begin() as conn:
        conn.execute(schema.dossier.delete())
        if dossiers:
            conn.execute(
                schema.dossier.insert(),
                dossier_rows(dossiers, unit).astype(object).where(lambda f: f.notna(), None).to_dict("records"),
            )
        bump_data_version(conn)


def sql_counts(engine: sa.Engine, d1: date, d2: date) -> dict[str, dict[str, int]]:
    with engine.connect() as conn:
        df = queries.raw_unit_counts(conn, d1, d2)
    return {r["unit_code"]: {f: int(r[f]) for f in kpi.COUNT_FIELDS} for r in df.to_dict("records")}


def pure_counts(dossiers: list[kpi.Dossier], d1: date, d2: date) -> dict[str, int]:
    total = dict.fromkeys(kpi.COUNT_FIELDS, 0)
    for d in dossiers:
        for k, v in kpi.classify(d, d1, d2).items():
            total[k] += v
    return total


#: the tests' demo ends here (the demo's default, the last complete month, moves with the calendar)
DEMO_UNTIL = date(2025, 12, 31)
DEMO_UNTIL_ARG = ("--until", "2025-12")
#: the period the pages open on for that demo (the latest complete quarter) and its Vietnamese name
DEMO_QUARTER, DEMO_QUARTER_VI = "2025-Q4", "Quý 4/2025"


def demo_warehouse(url: str, scale: float = 0.02) -> sa.Engine:
    """A small demo warehouse (scale 0.02 unless told, seed 7) with its derived tables rebuilt as an import does:
    rollups for cut-offs 15 and 1, the listable dossiers, the per-day events and the data range."""
    from dashboard.warehouse import demo, rollups, units
    from dashboard.warehouse.engine import create_schema, make_engine

    e = make_engine(url)
    create_schema(e)
    with e.begin() as conn:
        units.load_units(conn)
        demo.build(conn, queries.all_units(conn), scale=scale, seed=7, until=DEMO_UNTIL)
        rollups.rebuild(conn)
    return e


__all__ = ["bulk_insert", "dossier_rows", "put", "sql_counts", "pure_counts", "UNIT", "demo_warehouse"]


class _TableParser(HTMLParser):
    """The cells of every <table> in a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(markup: str) -> list[pd.DataFrame]:
    """Each HTML table of the markup as a DataFrame of its cell texts (the first row is the header)."""
    p = _TableParser()
    p.feed(markup)
    return [pd.DataFrame(rows[1:], columns=rows[0]) for rows in p.tables if rows]


class _CardParser(HTMLParser):
    """label → value of every components.cards card in a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.cards: dict[str, str] = {}
        self._part: str | None = None
        self._label: list[str] = []
        self._value: list[str] = []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class", "")
        if cls in ("label", "value"):
            self._part = cls
        elif tag == "abbr":
            self._part = None  # the help mark is not part of the label

    def handle_endtag(self, tag):
        if tag == "div" and self._part == "value":
            self.cards["".join(self._label).strip()] = "".join(self._value).strip()
            self._label, self._value = [], []
        if tag == "div":
            self._part = None

    def handle_data(self, data):
        if self._part == "label":
            self._label.append(data)
        elif self._part == "value":
            self._value.append(data)


def page_cards(at) -> dict[str, str]:
    """label → value of the figure cards an AppTest run drew (components.cards)."""
    out: dict[str, str] = {}
    for e in at.get("html"):
        p = _CardParser()
        p.feed(e.proto.body)
        out.update(p.cards)
    return out


def page_tables(at) -> list[pd.DataFrame]:
    """The static tables an AppTest run drew (components.table draws them as HTML), in page order."""
    return [df for e in at.get("html") for df in html_tables(e.proto.body)]


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted: two warehouses with the same snapshot hold the same data."""
    e = make_engine(url, read_only=True)
    try:
        with e.connect() as conn:
            return {
                name: sorted((tuple(map(str, r)) for r in conn.execute(sa.select(t))), key=repr)
                for name, t in schema.metadata.tables.items()
            }
    finally:
        e.dispose()


class Reader:
    """Another process holding the warehouse open read-only, as the dashboard does while it serves."""

    def __init__(self, path: Path):
        code = (
            "import duckdb,sys;c=duckdb.connect(sys.argv[1],read_only=True);q='select count(*) from dossier'\n"
            "c.execute(q).fetchall();print('ready',flush=True)\n"
            "for _ in sys.stdin: print(c.execute(q).fetchone()[0],flush=True)"
        )
        self.p = subprocess.Popen(
            [sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.p.stdout is not None and self.p.stdout.readline().strip() == "ready"

    def dossiers(self) -> int:
        """The dossiers this reader sees now, on the file it opened."""
        assert self.p.stdin is not None and self.p.stdout is not None
        self.p.stdin.write("?\n")
        self.p.stdin.flush()
        return int(self.p.stdout.readline())

    def close(self) -> None:
        assert self.p.stdin is not None
        self.p.stdin.close()
        self.p.wait(timeout=60)


#: the national sync record's required columns, as the small exports the tests write have them
SYNC_HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo"]


def cli_here(url: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m dashboard ARGS` on the warehouse at `url` in this process, as run_cli gives it: no
    interpreter to start (2,4 s of imports each time), where nothing is to crash or be told apart."""
    import contextlib
    import io
    import os

    from dashboard import cli

    old = os.environ.get("DASHBOARD_DB_URL")
    os.environ["DASHBOARD_DB_URL"] = url
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
        return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DB_URL", None)
        else:
            os.environ["DASHBOARD_DB_URL"] = old


def run_cli(url: str, *args: str, crash: str | None = None) -> subprocess.CompletedProcess:
    """`python -m dashboard ARGS` in its own process on the warehouse at `url`; with `crash`, the process kills
    itself at that step ($DASHBOARD_CRASH_AT)."""
    import os

    from dashboard.config import ROOT as ROOT_DIR

    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_CRASH_AT"}
    env["DASHBOARD_DB_URL"] = url
    if crash:
        env["DASHBOARD_CRASH_AT"] = crash
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], env=env, cwd=ROOT_DIR, capture_output=True, text=True, timeout=600
    )


def assert_packed_as_the_rollup(conn: sa.Connection, cutoff: int, keys: list[str]) -> None:
    """rollup_pack's rows of these periods, unpacked, are the rollup's own rows (and there are some)."""
    from dashboard.warehouse import rollups, trends
    from dashboard.warehouse.engine import count_rows

    r = schema.rollup
    packed = rollups.unpack(conn, cutoff, keys)
    rows = count_rows(
        conn,
        sa.select(*[r.c[c] for c in trends.COLUMNS]).where(r.c.cutoff == cutoff, r.c.period_key.in_(keys)),
        trends.COLUMNS,
        keys=2,
    )
    assert packed is not None and len(packed) == len(rows) > 0
    order = ["period_key", "unit_code"]
    assert packed.sort_values(order, ignore_index=True).equals(rows.sort_values(order, ignore_index=True))
