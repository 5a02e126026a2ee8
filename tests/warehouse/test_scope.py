"""A viewer's scope is enforced in the SQL of every page query: rows outside the root's subtree never
come back, whatever unit codes the caller passes, and rows inside are the same as unscoped."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.metrics import kpi, periods
from dashboard.reports import period as period_report
from dashboard.warehouse import official, overdue, queries, schema, scope, trends

P = periods.parse("2025-Q2", 15)  # after Nông Sơn (519) merged into Quế Sơn (509) on 01/01/2025
ROOTS = ["509", "20335", "SO_TP", "VPDKDD"]  # a district, a commune, a department, the land-registry office


def reference_subtree(conn, root: str, start: date, end: date) -> set[str]:
    """The subtree walked in Python from the unit versions and the crosswalk (not the CTE)."""
    units = queries.all_units(conn)
    valid = units[(units["valid_from"] <= end) & (units["valid_to"].isna() | (units["valid_to"] >= start))]
    edges = list(zip(valid["code"], valid["parent_code"])) + list(
        zip(*[queries.crosswalk(conn)[c] for c in ("code", "successor_code")])
    )
    out, frontier = {root}, {root}
    while frontier:
        frontier = {c for c, p in edges if p in frontier} - out
        out |= frontier
    return out


@pytest.mark.parametrize("root", ROOTS)
def test_the_cte_is_the_subtree_with_merged_units(demo_engine, root):
    with demo_engine.connect() as conn:
        got = scope.codes(conn, root, P.start, P.end)
        assert got == reference_subtree(conn, root, P.start, P.end)
    if root == "509":
        assert {"509", "519"} <= got  # Nông Sơn's dossiers count at Quế Sơn, so its head sees them
        assert "502" not in got and "49" not in got


@pytest.mark.parametrize("root", ROOTS)
def test_units_and_kpi_tables_stay_inside_and_equal_the_unscoped_rows(demo_engine, root):
    with demo_engine.connect() as conn:
        allowed = scope.codes(conn, root, P.start, P.end)
        units = queries.units_in_period(conn, P.start, P.end, root)
        every = queries.units_in_period(conn, P.start, P.end)
        assert set(units["code"]) == allowed & set(every["code"])
        for territory in (False, True):
            scoped = queries.kpi_table(conn, P, level="all", territory=territory, root=root).set_index("code")
            full = queries.kpi_table(conn, P, level="all", territory=territory).set_index("code")
            assert set(scoped.index) <= allowed and root in scoped.index
            cols = list(kpi.COUNT_FIELDS)
            pd.testing.assert_frame_equal(scoped[cols].sort_index(), full.loc[scoped.index, cols].sort_index())


def test_nothing_of_another_unit_is_read_whatever_codes_are_asked_for(demo_engine):
    with demo_engine.connect() as conn:
        as_of = queries.as_of(conn)
        allowed = scope.codes(conn, "509", P.start, max(P.end, as_of))
        # a tampered scope naming Tam Kỳ and the province: the root still filters in SQL
        every = tuple(queries.units_in_period(conn, P.start, P.end)["code"])
        tampered = overdue.Scope(P, every, as_of, root="509")
        honest = overdue.Scope(P, tuple(c for c in every if c in allowed), as_of)
        assert overdue.counts(conn, tampered) == overdue.counts(conn, honest)
        assert (
            sum(overdue.counts(conn, overdue.Scope(P, every, as_of)).values())
            > sum(overdue.counts(conn, honest).values())
            > 0
        )
        for kind in overdue.LISTS:
            rows = overdue.page(conn, kind, tampered, limit=None)
            assert set(rows["unit_code"]) <= allowed
        summary, options = overdue.summary_and_options(conn, tampered)
        assert set(summary.by_unit["unit_code"]) <= allowed
        # the overdue-list scope of a unit outside the root is empty
        assert queries.scope_codes(conn, P, "502", True, root="509") == []
        assert queries.scope_codes(conn, P, "49", True, root="509") == []
        assert set(queries.scope_codes(conn, P, "509", True, root="509")) <= allowed


def test_counts_series_names_and_reports_are_scoped(demo_engine):
    with demo_engine.connect() as conn:
        as_of = queries.as_of(conn)
        months = periods.months_between(date(2024, 6, 1), date(2025, 6, 14), 15)
        span = scope.codes(conn, "509", months[0].start, months[-1].end)
        monthly = trends.monthly_counts(conn, months, "509")
        full = trends.monthly_counts(conn, months)
        assert set(monthly["unit_code"]) <= span and len(monthly)
        pd.testing.assert_frame_equal(
            monthly.sort_values(["period_key", "unit_code"]).reset_index(drop=True),
            full[full["unit_code"].isin(span)].sort_values(["period_key", "unit_code"]).reset_index(drop=True),
        )
        due = queries.due_soon_counts(conn, as_of, 30, root="509")
        assert set(due["unit_code"]) <= scope.codes(conn, "509", as_of, as_of)
        names = queries.all_units(conn, "509")
        assert set(names["code"]) == scope.codes(conn, "509") and "502" not in set(names["code"])
        rep = period_report.build(conn, P, root="509")
        assert set(rep.units["code"]) <= span and set(rep.districts["code"]) == {"509"}
        assert all(set(f["unit_code"]) <= span for f in rep.overdue_frames(conn))
        flat = period_report.flat_rows(conn, P, "all", False, root="509")
        assert set(flat["unit_code"]) <= span


def test_official_scores_of_another_unit_are_not_read(demo_engine):
    o = schema.official_score
    with demo_engine.begin() as conn:
        conn.execute(o.delete().where(o.c.period_key == "2099-Q1"))
        conn.execute(
            o.insert(),
            [
                dict(
                    unit_code=u,
                    period_key="2099-Q1",
                    group_key="total",
                    score=80.0,
                    max_score=100.0,
                    source_file="t.csv",
                    source_row=i + 2,
                )
                for i, u in enumerate(["502", "509"])
            ],
        )
    try:
        with demo_engine.connect() as conn:
            assert len(official.scores(conn, "509", "2099-Q1", root="509")) == 1
            assert official.scores(conn, "502", "2099-Q1", root="509").empty
            assert len(official.scores(conn, "502", "2099-Q1")) == 1
    finally:
        with demo_engine.begin() as conn:
            conn.execute(o.delete().where(o.c.period_key == "2099-Q1"))


def test_the_root_is_a_bound_parameter_not_sql_text(demo_engine):
    evil = "509' OR '1'='1"
    stmt = sa.select(schema.unit.c.code).where(*scope.within(schema.unit.c.code, evil, P.start, P.end))
    compiled = stmt.compile(demo_engine)
    assert evil not in str(compiled) and evil in compiled.params.values()
    with demo_engine.connect() as conn:
        assert queries.units_in_period(conn, P.start, P.end, evil).empty
        assert queries.kpi_table(conn, P, level="all", root=evil).empty


@pytest.mark.parametrize("values", [[], ["20335"], ["20335", "20341", "20335"], ["nope"], "all"])
def test_among_keeps_what_in_keeps(engine, values):
    """scope.among (the codes as one array parameter) selects what `IN (...)` selects, on both engines."""
    from dashboard.warehouse.scope import among

    u = schema.unit.c.code
    with engine.connect() as conn:
        every = list(conn.execute(sa.select(u)).scalars())
        values = every if values == "all" else values
        got = sorted(conn.execute(sa.select(u).where(among(u, values))).scalars())
        want = sorted(conn.execute(sa.select(u).where(u.in_(values))).scalars())
    assert got == want
    assert bool(got) == any(v in every for v in values)
