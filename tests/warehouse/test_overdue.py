"""The overdue lists hold exactly the dossiers SPEC §4 names, page without gaps, and add up to the report."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from helpers import UNIT, put
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics.test_kpi import dossiers as kpi_dossiers  # the KPI property tests' random dossiers

from dashboard.metrics import hierarchy, kpi, kpi_sql, periods
from dashboard.metrics.kpi import Dossier as D
from dashboard.warehouse import overdue, queries, schema

CASES = [  # (period, cut-off, unit, territory)
    ("2025-Q1", 15, "49", True),
    ("2024-12", 15, "502", True),  # Tam Kỳ and its communes
    ("2024", 15, "CN_506", False),  # a land-registry branch
    ("2025-06", 1, "CN_503", False),  # Hội An's land-registry branch, late often in 2025
    ("2023-Q3", 15, "SO_TP", False),
]


def _scope(conn, key, cutoff, unit, territory, **kw) -> overdue.Scope:
    p = periods.parse(key, cutoff)
    codes = tuple(queries.scope_codes(conn, p, unit, territory))
    return overdue.Scope(p, codes, queries.as_of(conn), **kw)


def _dossiers(conn, codes) -> pd.DataFrame:
    d = schema.dossier
    rows = conn.execute(
        sa.select(
            d.c.code,
            d.c.received_date,
            d.c.status,
            d.c.due_date,
            d.c.end_date,
            d.c.apology,
            d.c.field_code,
            d.c.procedure_code,
        ).where(d.c.unit_code.in_(codes))
    ).all()
    return pd.DataFrame(rows, columns=["code", "received", "status", "due", "end", "apology", "field", "proc"])


def _reference(df: pd.DataFrame, s: overdue.Scope) -> dict[str, dict[str, int]]:
    """{list: {code: days overdue}} from the pure SPEC §4 definition, one dossier at a time."""
    out = {k: {} for k in overdue.LISTS}
    for r in df.itertuples(index=False):
        d = D(r.received, int(r.status), due=r.due, end=r.end, apology=r.apology)
        c = kpi.classify(d, s.period.start, s.period.end)
        if c["finished_late"]:
            out["finished_late"][r.code] = (r.end - r.due).days
        if c["open_overdue"]:
            out["open_overdue"][r.code] = (s.period.end - r.due).days
        if kpi.is_due_soon(d, s.as_of, s.due_days):
            out["due_soon"][r.code] = (s.as_of - r.due).days
    return out


@pytest.mark.parametrize("key, cutoff, unit, territory", CASES)
def test_lists_equal_the_spec_definition(demo_engine, key, cutoff, unit, territory):
    with demo_engine.connect() as conn:
        s = _scope(conn, key, cutoff, unit, territory, due_days=5)
        want = _reference(_dossiers(conn, s.unit_codes), s)
        for kind in overdue.LISTS:
            got = overdue.page(conn, kind, s, limit=None)
            assert dict(zip(got["code"], got["days_overdue"])) == want[kind], kind
            assert overdue.count(conn, kind, s) == len(want[kind])
    assert sum(len(v) for v in want.values()) > 0  # the cases are not all empty


@pytest.mark.parametrize("key, cutoff, unit, territory", CASES[:3])
def test_summary_ties_to_the_report_counts(demo_engine, key, cutoff, unit, territory):
    with demo_engine.connect() as conn:
        s = _scope(conn, key, cutoff, unit, territory)
        summary = overdue.summary(conn, s)
        counts = queries.unit_counts(conn, s.period, list(s.unit_codes))[list(kpi.COUNT_FIELDS)].sum()
    assert summary.counts["finished_late"] == counts["finished_late"]
    assert summary.counts["open_overdue"] == counts["open_overdue"]
    assert summary.overdue == counts["finished_late"] + counts["open_overdue"] > 0
    assert summary.without_apology == counts["overdue_without_apology"]
    for table in (summary.by_field, summary.by_procedure, summary.by_unit):
        assert table["overdue"].sum() == summary.overdue
        assert table["overdue"].is_monotonic_decreasing
    assert set(summary.by_unit["unit_code"]) <= set(s.unit_codes)
    assert summary.by_unit["unit_name"].notna().all()


def test_filters_by_field_and_procedure(demo_engine):
    with demo_engine.connect() as conn:
        s = _scope(conn, "2024", 15, "49", True)
        everything = overdue.page(conn, "finished_late", s, limit=None)
        field = everything["field_code"].value_counts().index[0]
        only = overdue.page(conn, "finished_late", overdue.Scope(**{**s.__dict__, "fields": (field,)}), limit=None)
        assert set(only["code"]) == set(everything.loc[everything["field_code"] == field, "code"])
        proc = only["procedure_code"].iloc[0]
        both = overdue.Scope(**{**s.__dict__, "fields": (field,), "procedures": (proc,)})
        got = overdue.page(conn, "finished_late", both, limit=None)
        assert set(got["code"]) == set(only.loc[only["procedure_code"] == proc, "code"])
        assert overdue.count(conn, "finished_late", both) == len(got) > 0
        assert overdue.counts(conn, both) == {k: overdue.count(conn, k, both) for k in overdue.LISTS}
        assert overdue.counts(conn, s) == overdue.summary(conn, s).counts
        summary = overdue.summary(conn, s)  # the page's filtered counts come from the summary's groups
        for fields, procs in (((field,), ()), ((field,), (proc,)), ((), (proc,)), (("no-such-field",), ())):
            filtered = overdue.Scope(**{**s.__dict__, "fields": fields, "procedures": procs})
            assert summary.counts_for(fields, procs) == overdue.counts(conn, filtered)
        opts = overdue.options(conn, s)
        assert field in set(opts["field_code"]) and proc in set(opts["procedure_code"])


@pytest.mark.parametrize(
    "sort, descending", [("days_overdue", True), ("received_date", False), ("code", False), ("due_date", True)]
)
def test_pages_cover_the_list_once_in_order(demo_engine, sort, descending):
    with demo_engine.connect() as conn:
        s = _scope(conn, "2024", 15, "49", True)
        whole = overdue.page(conn, "finished_late", s, sort=sort, descending=descending, limit=None)
        size = 37
        pages = [
            overdue.page(conn, "finished_late", s, sort=sort, descending=descending, offset=o, limit=size)
            for o in range(0, len(whole) + size, size)
        ]
    assert len(whole) > 3 * size
    joined = pd.concat(pages, ignore_index=True)
    assert list(joined["code"]) == list(whole["code"])  # no gap, no overlap, same order
    assert all(len(p) == size for p in pages[:-2]) and pages[-1].empty
    keys = list(zip(whole[sort], whole["code"]))
    primary = [k[0] for k in keys]
    assert primary == sorted(primary, reverse=descending)
    for (a, ca), (b, cb) in zip(keys, keys[1:]):
        if a == b:
            assert ca < cb  # ties broken by dossier code


def test_unknown_list_and_sort_are_refused(demo_engine):
    with demo_engine.connect() as conn:
        s = _scope(conn, "2024", 15, "49", True)
        with pytest.raises(ValueError, match="unknown list"):
            overdue.count(conn, "late", s)
        with pytest.raises(ValueError, match="unknown sort"):
            overdue.page(conn, "due_soon", s, sort="received_date; drop table dossier")


def test_days_overdue_are_calendar_days(engine):
    """Across a leap day, a month end and a year end; the page's numbers are whole days as ints, and
    pandas' datetime64 (microsecond unit by default in pandas 3) gives the same days."""
    p = periods.custom(date(2024, 1, 1), date(2025, 1, 10))
    ds = [
        D(date(2024, 2, 20), 10, due=date(2024, 2, 28), end=date(2024, 3, 1)),  # 2 days (29 Feb)
        D(date(2024, 12, 1), 9, due=date(2024, 12, 30), end=date(2025, 1, 2)),  # 3 days over the new year
        D(date(2024, 6, 1), 10, due=date(2024, 6, 5), end=date(2024, 6, 5)),  # on time: not listed
        D(date(2024, 11, 1), 4, due=date(2024, 11, 30)),  # open: 41 days at 10/01/2025
        D(date(2024, 11, 1), 5, due=date(2024, 11, 2)),
    ]  # paused: not overdue
    put(engine, ds)
    with engine.connect() as conn:
        s = overdue.Scope(p, (UNIT,), date(2025, 1, 10))
        late = overdue.page(conn, "finished_late", s, limit=None)
        open_ = overdue.page(conn, "open_overdue", s, limit=None)
    assert sorted(late["days_overdue"].tolist()) == [2, 3]
    assert open_["days_overdue"].tolist() == [41]
    as_dt = (pd.to_datetime(late["end_date"]) - pd.to_datetime(late["due_date"])).dt.days
    assert str(pd.to_datetime(late["end_date"]).dtype) in ("datetime64[us]", "datetime64[ns]", "datetime64[s]")
    assert as_dt.tolist() == late["days_overdue"].tolist()
    assert late["days_overdue"].dtype == "Int64"


def test_due_soon_window_and_sign(engine):
    as_of = date(2025, 6, 30)
    ds = [
        D(date(2025, 6, 1), 4, due=as_of),
        D(date(2025, 6, 1), 4, due=as_of + timedelta(days=3)),
        D(date(2025, 6, 1), 4, due=as_of + timedelta(days=4)),
        D(date(2025, 6, 1), 6, due=as_of),
    ]
    put(engine, ds)
    with engine.connect() as conn:
        s = overdue.Scope(periods.parse("2025-06", 15), (UNIT,), as_of, due_days=3)
        got = overdue.page(conn, "due_soon", s, sort="due_date", descending=False, limit=None)
        wider = overdue.count(conn, "due_soon", overdue.Scope(s.period, s.unit_codes, as_of, due_days=4))
    assert got["days_overdue"].tolist() == [0, -3]  # 0 = due today, -3 = three days left
    assert wider == 3


def test_a_successor_takes_over_the_open_dossiers_of_the_unit_merged_into_it(demo_engine):
    """Units retired on 01/01/2025 left dossiers open after that date; from then on they belong to the
    successor's figures and overdue list, and the province total still counts every one of them."""
    p = periods.parse("2025-Q2", 15)
    d = schema.dossier
    with demo_engine.connect() as conn:
        succ = queries.successor_map(conn)
        walk = queries.crosswalk(conn)
        gone = sorted(walk.loc[walk["effective_date"] <= p.start, "code"])  # retired before the period
        left = conn.execute(
            sa.select(d.c.unit_code, sa.func.count().label("n"))
            .where(d.c.unit_code.in_(gone), kpi_sql.relevant_sql(d.c, p.start, p.end))
            .group_by(d.c.unit_code)
            .order_by(sa.text("n DESC"), d.c.unit_code)
        ).all()
        assert left, "the demo should leave some dossiers of merged units open into 2025"
        retired = left[0][0]
        heir = succ[retired]
        assert retired in queries.scope_codes(conn, p, heir, False)
        own = queries.unit_counts(conn, p).set_index("unit_code")
        table = queries.kpi_table(conn, p, level="all").set_index("code")
        assert retired not in table.index
        for f in ("carried_in", "finished", "open_overdue", "open_in_time"):
            assert table.loc[heir, f] == own[f].get(heir, 0) + sum(
                own[f].get(c, 0)
                for c in succ
                if c not in table.index and hierarchy.successor_in(c, succ, set(table.index)) == heir
            )
        provinces = queries.kpi_table(conn, p, level="province", territory=True)
        for f in kpi.COUNT_FIELDS:
            assert provinces[f].sum() == own[f].sum()  # every dossier of the period counted once
        s = overdue.Scope(p, tuple(queries.scope_codes(conn, p, heir, False)), queries.as_of(conn))
        assert overdue.counts(conn, s)["open_overdue"] == table.loc[heir, "open_overdue"]


@pytest.mark.parametrize("key, cutoff, unit, territory", CASES)
def test_the_listable_table_gives_the_same_lists_as_the_dossiers(
    demo_engine, key, cutoff, unit, territory, monkeypatch
):
    from dashboard.warehouse import rollups

    with demo_engine.connect() as conn:
        s = _scope(conn, key, cutoff, unit, territory, due_days=5)
        assert overdue.source(conn, s) is schema.dossier_listable  # the demo builds it
        listable = conn.execute(sa.select(sa.func.count()).select_from(schema.dossier_listable)).scalar()
        assert 0 < listable < conn.execute(sa.select(sa.func.count()).select_from(schema.dossier)).scalar() / 5
        fast = {k: overdue.page(conn, k, s, limit=None) for k in overdue.LISTS}
        fast_summary = overdue.summary(conn, s)
        monkeypatch.setattr(rollups, "listable_serves", lambda *_: False)
        assert overdue.source(conn, s) is schema.dossier
        for kind in overdue.LISTS:
            pd.testing.assert_frame_equal(overdue.page(conn, kind, s, limit=None), fast[kind])
        raw_summary = overdue.summary(conn, s)
    assert raw_summary.counts == fast_summary.counts
    pd.testing.assert_frame_equal(raw_summary.by_procedure, fast_summary.by_procedure)


def test_the_listable_table_is_read_only_while_current(engine):
    from dashboard.warehouse import rollups
    from dashboard.warehouse.engine import bump_data_version

    put(
        engine,
        [
            D(date(2025, 1, 2), 4, due=date(2025, 1, 20)),  # open and overdue
            D(date(2025, 1, 2), 10, due=date(2025, 1, 20), end=date(2025, 1, 10)),  # in time: never listed
            D(date(2025, 1, 2), 10, due=date(2025, 1, 5), end=date(2025, 1, 9)),
        ],
    )  # late
    p = periods.custom(date(2025, 1, 1), date(2025, 1, 31))
    with engine.begin() as conn:
        assert rollups.refresh_listable(conn) == 2
        last = queries.as_of(conn)
        s = overdue.Scope(p, (UNIT,), last)
        assert overdue.source(conn, s) is schema.dossier_listable
        # an as-of date before the last data day could need a dossier that ended later than it
        assert overdue.source(conn, overdue.Scope(p, (UNIT,), last - timedelta(days=1))) is schema.dossier
        bump_data_version(conn)  # the dossiers changed: the table is stale until rebuilt
        assert overdue.source(conn, s) is schema.dossier
        rollups.refresh_listable(conn)
        assert overdue.source(conn, s) is schema.dossier_listable
        assert overdue.counts(conn, s) == {"finished_late": 1, "open_overdue": 1, "due_soon": 0}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(kpi_dossiers(), min_size=1, max_size=25),
    st.dates(date(2023, 12, 1), date(2025, 2, 28)),
    st.integers(0, 100),
    st.integers(0, 200),
)
def test_the_listable_table_skips_only_what_no_list_can_name(engine, monkeypatch, ds, start, days, after):
    """Random dossiers (statuses that do not end carrying end dates too), periods and as-of dates: the lists
    read from dossier_listable, which skips what ended before the period (rollups.listed_from), equal the
    lists read from the dossiers."""
    from dashboard.warehouse import rollups

    put(engine, ds)
    p = periods.custom(start, start + timedelta(days=days))
    s = overdue.Scope(p, (UNIT,), p.end + timedelta(days=after), due_days=5)
    with engine.begin() as conn:
        rollups.refresh_listable(conn)
    with engine.connect() as conn:
        for serves, table in ((True, schema.dossier_listable), (False, schema.dossier)):
            monkeypatch.setattr(rollups, "listable_serves", lambda *_, v=serves: v)
            assert overdue.source(conn, s) is table
        monkeypatch.setattr(rollups, "listable_serves", lambda *_: True)
        fast = ({k: overdue.page(conn, k, s, limit=None) for k in overdue.LISTS}, overdue.counts(conn, s))
        monkeypatch.setattr(rollups, "listable_serves", lambda *_: False)
        raw = ({k: overdue.page(conn, k, s, limit=None) for k in overdue.LISTS}, overdue.counts(conn, s))
    assert fast[1] == raw[1]
    for kind in overdue.LISTS:
        pd.testing.assert_frame_equal(fast[0][kind], raw[0][kind])


def test_a_reused_code_is_named_by_the_unit_it_was_when_the_dossier_came(engine):
    """Code 20335 was Phường Tân Thạnh until 30/06/2025 and is Phường Bàn Thạch since (SPEC §1): a list names
    each dossier by its unit's version at receipt, a summary each code by its version in the period."""
    from dashboard.warehouse import units

    with engine.begin() as conn:
        units.load_units(conn)
    before = D(date(2025, 1, 6), 10, due=date(2025, 1, 10), end=date(2025, 1, 20), apology=0)
    after = D(date(2025, 8, 4), 10, due=date(2025, 8, 8), end=date(2025, 8, 20), apology=0)
    put(engine, [before, after], "20335")
    with engine.connect() as conn:
        year = overdue.Scope(periods.parse("2025", 15), ("20335",), date(2025, 12, 31))
        listed = overdue.page(conn, "finished_late", year).set_index("received_date")["unit_name"]
        assert listed.to_dict() == {date(2025, 8, 4): "Phường Bàn Thạch", date(2025, 1, 6): "Phường Tân Thạnh"}
        for key, name in (("2025-Q1", "Phường Tân Thạnh"), ("2025-Q3", "Phường Bàn Thạch")):
            s = overdue.Scope(periods.parse(key, 15), ("20335",), date(2025, 12, 31))
            assert list(overdue.summary(conn, s).by_unit["unit_name"]) == [name]
