"""SPEC §4, rule by rule, with hand-made dossiers: the pure definition and the SQL must both agree."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from helpers import UNIT, pure_counts, put, sql_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.metrics import hierarchy, kpi, kpi_sql
from dashboard.metrics.kpi import Dossier

D1, D2 = date(2025, 1, 1), date(2025, 1, 31)
#: the facts that a file may not give (unknown = None); the rule tests below give every dossier a channel
#: and an apology flag, as a file with those columns does, and test the unknown case on its own
KNOWN = ("received_channel_known", "received_digitised_known", "received_fee_known", "overdue_apology_known")


def D(received, status, *, channel=1, apology=0, **kw):
    return Dossier(received, status, channel=channel, apology=apology, **kw)


def expect(engine, dossiers, **expected):
    """Both definitions give exactly `expected` (unlisted counts are 0; the KNOWN counts are compared only
    when listed)."""
    fields = [f for f in kpi.COUNT_FIELDS if f not in KNOWN or f in expected]
    want = dict.fromkeys(fields, 0) | expected
    pure = pure_counts(dossiers, D1, D2)
    assert {f: pure[f] for f in fields} == want
    put(engine, dossiers)
    got = sql_counts(engine, D1, D2).get(UNIT, dict.fromkeys(kpi.COUNT_FIELDS, 0))
    assert {f: got[f] for f in fields} == want


def test_statuses_1_and_3_are_excluded(engine):
    expect(engine, [D(date(2025, 1, 5), 1), D(date(2025, 1, 5), 3, end=date(2025, 1, 6))])


def test_finished_before_on_and_after_due(engine):
    due = date(2025, 1, 10)
    expect(
        engine,
        [
            D(date(2025, 1, 2), 10, due=due, end=date(2025, 1, 9)),
            D(date(2025, 1, 2), 10, due=due, end=due),
            D(date(2025, 1, 2), 9, due=due, end=date(2025, 1, 11), apology=1),
        ],
        received=3,
        received_direct=3,
        finished=3,
        finished_early=1,
        finished_on_time=1,
        finished_late=1,
    )


def test_no_due_date_counts_as_on_time_finished_and_open(engine):
    expect(
        engine,
        [D(date(2025, 1, 2), 10, due=None, end=date(2025, 1, 20)), D(date(2025, 1, 2), 4, due=None)],
        received=2,
        received_direct=2,
        finished=1,
        finished_on_time=1,
        open_in_time=1,
    )


def test_withdrawn_counts_as_on_time(engine):
    dossiers = [D(date(2025, 1, 2), 7, due=date(2025, 1, 3), end=date(2025, 1, 20))]
    expect(engine, dossiers, received=1, received_direct=1, withdrawn=1)
    row = kpi.KpiRow.from_counts(pure_counts(dossiers, D1, D2))
    assert row.rate("on_time_rate") == 100.0
    assert row.rate("on_time_rate_finished") is None  # nothing finished: no data


def test_paused_even_when_past_due_counts_as_on_time(engine):
    expect(
        engine,
        [D(date(2025, 1, 2), s, due=date(2025, 1, 5)) for s in (5, 6, 8)],
        received=3,
        received_direct=3,
        paused=3,
    )


def test_recorded_end_on_an_open_status_is_ignored(engine):
    # status 4 with an end date is still open: end(d) is none for statuses other than 7, 9, 10
    expect(
        engine,
        [D(date(2025, 1, 2), 4, due=date(2025, 1, 10), end=date(2025, 1, 3))],
        received=1,
        received_direct=1,
        open_overdue=1,
        overdue_without_apology=1,
    )


def test_carried_in(engine):
    expect(
        engine,
        [
            D(date(2024, 12, 20), 10, due=date(2025, 1, 10), end=date(2025, 1, 1)),  # ends on D1: carried in
            D(date(2024, 12, 20), 10, due=date(2025, 1, 10), end=date(2024, 12, 31)),  # ended before: not at all
            D(date(2024, 12, 20), 4, due=date(2025, 3, 1)),
        ],  # still open
        carried_in=2,
        finished=1,
        finished_early=1,
        open_in_time=1,
    )


def test_finished_after_d2_counts_as_open_at_d2(engine):
    expect(
        engine,
        [
            D(date(2025, 1, 20), 10, due=date(2025, 2, 10), end=date(2025, 2, 5)),
            D(date(2025, 1, 20), 10, due=date(2025, 1, 25), end=date(2025, 2, 5), apology=1),
            D(date(2025, 1, 20), 7, due=date(2025, 1, 25), end=date(2025, 2, 5)),
        ],
        received=3,
        received_direct=3,
        open_in_time=1,
        open_overdue=2,
        overdue_without_apology=1,
    )


def test_open_due_exactly_on_d2_is_in_time(engine):
    expect(engine, [D(date(2025, 1, 20), 4, due=D2)], received=1, received_direct=1, open_in_time=1)


def test_channels_payment_digitisation_and_rating(engine):
    expect(
        engine,
        [
            D(
                date(2025, 1, 2),
                10,
                due=date(2025, 1, 9),
                end=date(2025, 1, 8),
                channel=2,
                has_fee=1,
                paid_online=1,
                digitised=1,
                rating=1,
            ),
            D(
                date(2025, 1, 2),
                10,
                due=date(2025, 1, 9),
                end=date(2025, 1, 8),
                channel=3,
                has_fee=1,
                paid_online=0,
                rating=4,
            ),
            D(date(2025, 1, 2), 4, due=date(2025, 2, 5), channel=None, has_fee=0, paid_online=2),
        ],
        received=3,
        received_online=1,
        received_postal=1,
        received_direct=0,  # the third dossier's channel is unknown
        received_channel_known=2,
        received_digitised_known=1,
        received_fee_known=2,
        received_with_fee=2,
        received_paid_online=2,
        received_digitised=1,
        finished=2,
        finished_early=2,
        rated=2,
        rated_satisfied=1,
        open_in_time=1,
    )


def test_unknown_facts_leave_rates_to_the_known_dossiers(engine):
    """A file without KenhThucHien, HoSoCoThanhPhanSoHoa, CoPhieuXinLoi or DuocThanhToanTrucTuyen leaves them
    unknown: they are in no numerator and no denominator, and the overdue are not 'without apology'."""
    late = dict(due=date(2025, 1, 5), end=date(2025, 1, 8))
    unknown = [
        Dossier(date(2025, 1, 2), 10, has_fee=1, **late),
        Dossier(date(2025, 1, 2), 4, due=date(2025, 1, 3)),
    ]
    expect(
        engine,
        unknown,
        received=2,
        finished=1,
        finished_late=1,
        open_overdue=1,
        received_with_fee=1,
        received_channel_known=0,
        received_digitised_known=0,
        received_fee_known=0,
        overdue_apology_known=0,
    )
    row = kpi.KpiRow.from_counts(pure_counts(unknown, D1, D2))
    assert row.rates()["online_rate"] is None and row.rates()["digitised_rate"] is None
    assert row.rates()["online_payment_rate"] is None
    assert row.overdue == 2 and row.overdue_without_apology_shown is None
    known = [Dossier(date(2025, 1, 2), 10, channel=2, digitised=0, apology=0, **late)]
    row = kpi.KpiRow.from_counts(pure_counts(unknown + known, D1, D2))
    assert row.rate("online_rate") == 100.0 and row.coverage("online_rate") == (1, 3)
    assert row.rate("digitised_rate") == 0.0 and row.coverage("digitised_rate") == (1, 3)
    assert row.overdue_without_apology_shown == 1 and row.coverage("overdue_without_apology") == (1, 3)
    full = kpi.KpiRow.from_counts(pure_counts(known, D1, D2))
    assert full.coverage("online_rate") is None


def test_rates_and_zero_denominators():
    row = kpi.KpiRow.from_counts(
        dict(
            received=8,
            carried_in=2,
            finished=6,
            finished_early=3,
            finished_on_time=2,
            finished_late=1,
            paused=1,
            open_in_time=1,
            open_overdue=2,
            received_online=4,
            received_channel_known=8,
            received_with_fee=0,
        )
    )
    assert row.rate("on_time_rate") == pytest.approx(100 * 7 / 10)
    assert row.rate("on_time_rate_finished") == pytest.approx(100 * 5 / 6)
    assert row.rate("online_rate") == 50.0
    assert row.rate("online_payment_rate") is None
    assert row.rate("satisfaction_rate") is None
    assert row.overdue == 3
    assert kpi.KpiRow().rates() == dict.fromkeys(kpi.RATE_FIELDS, None)
    frame = kpi.add_derived(pd.DataFrame([kpi.KpiRow().__dict__]))
    assert frame[list(kpi.RATE_FIELDS)].isna().all().all()


@given(st.lists(st.fixed_dictionaries(dict.fromkeys(kpi.COUNT_FIELDS, st.integers(0, 40))), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_the_table_rates_equal_the_row_rates(rows):
    """add_derived (numpy over a table) gives every unit the rates, overdue and open of KpiRow (the reference),
    NaN where the row's rate is None."""
    table = kpi.add_derived(pd.DataFrame(rows, index=pd.RangeIndex(10, 10 + len(rows))))
    assert list(table.index) == list(range(10, 10 + len(rows)))  # the caller's index is kept
    for i, counts in zip(table.index, rows, strict=True):
        row = kpi.KpiRow(**counts)
        for name in kpi.RATE_FIELDS:
            want = row.rate(name)
            got = table.at[i, name]
            assert (pd.isna(got) and want is None) or got == pytest.approx(want)
        assert table.at[i, "overdue"] == row.overdue
        assert table.at[i, "open"] == counts["paused"] + counts["open_in_time"] + counts["open_overdue"]


def test_territory_sums_descendants_then_computes_rates():
    units = pd.DataFrame(
        {"code": ["49", "502", "20335", "20341", "SO_TP"], "parent_code": [None, "49", "502", "502", "49"]}
    )
    counts = pd.DataFrame(
        [
            {"unit_code": "20335", **dict.fromkeys(kpi.COUNT_FIELDS, 0), "received": 10, "open_in_time": 10},
            {"unit_code": "20341", **dict.fromkeys(kpi.COUNT_FIELDS, 0), "received": 10, "open_overdue": 10},
            {"unit_code": "SO_TP", **dict.fromkeys(kpi.COUNT_FIELDS, 0), "received": 5, "open_in_time": 5},
            {"unit_code": "X_GONE", **dict.fromkeys(kpi.COUNT_FIELDS, 0), "received": 99},  # not valid: ignored
        ]
    )
    sums = hierarchy.unit_sums(counts, units, {}, territory=True)
    t = pd.DataFrame(sums, index=pd.Index(units["code"], name="code"), columns=list(kpi.COUNT_FIELDS))
    assert t.loc["502", "received"] == 20 and t.loc["49", "received"] == 25 and t.loc["20335", "received"] == 10
    rates = kpi.add_derived(t.reset_index())
    assert rates.set_index("code").loc["502", "on_time_rate"] == 50.0  # not the mean of 100 % and 0 %


def test_territory_through_the_warehouse(engine):
    from dashboard.metrics.periods import custom
    from dashboard.warehouse import queries

    put(
        engine,
        [
            D(date(2025, 1, 2), 4, due=date(2025, 3, 1)),
            D(date(2025, 1, 2), 4, due=date(2025, 1, 3)),
            D(date(2025, 1, 2), 4, due=date(2025, 3, 1)),
        ],
        unit=["20335", "20341", "502"],
    )
    with engine.connect() as conn:
        own = queries.kpi_table(conn, custom(D1, D2), level="district").set_index("code")
        terr = queries.kpi_table(conn, custom(D1, D2), level="district", territory=True).set_index("code")
    assert own.loc["502", "received"] == 1 and own.loc["502", "on_time_rate"] == 100.0
    assert terr.loc["502", "received"] == 3
    assert terr.loc["502", "on_time_rate"] == pytest.approx(200 / 3)
    assert pd.isna(terr.loc["503", "on_time_rate"])  # Hội An: no dossiers, no data
    assert len(terr) == 17 + 8  # district-level units in January 2025: Quảng Nam's 17, old Đà Nẵng's 8


# ---- property: conservation, and SQL equals the reference, for random dossiers and periods ----

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31))


@st.composite
def dossiers(draw):
    received = draw(days)
    status = draw(st.integers(1, 10))
    due = draw(st.one_of(st.none(), st.integers(0, 60).map(lambda n: received + timedelta(days=n))))
    end = draw(st.one_of(st.none(), st.integers(0, 90).map(lambda n: received + timedelta(days=n))))
    if due is not None and draw(st.booleans()):  # often right at the due date, where the rules turn
        end = max(received, due + timedelta(days=draw(st.integers(-1, 1))))
    if status in (7, 9, 10) and end is None:
        end = received
    return D(
        received,
        status,
        due=due,
        end=end,
        channel=draw(st.sampled_from([None, 1, 2, 3])),
        paid_online=draw(st.sampled_from([None, 0, 1, 2])),
        has_fee=draw(st.sampled_from([None, 0, 1])),
        digitised=draw(st.sampled_from([None, 0, 1])),
        apology=draw(st.sampled_from([None, 0, 1])),
        rating=draw(st.sampled_from([None, 1, 2, 3, 4])),
    )


@st.composite
def period_bounds(draw):
    a = draw(days)
    return a, a + timedelta(days=draw(st.integers(0, 120)))


@settings(max_examples=300, deadline=None)
@given(st.lists(dossiers(), max_size=40), period_bounds())
def test_conservation(ds, bounds):
    c = pure_counts(ds, *bounds)
    opened = c["paused"] + c["open_in_time"] + c["open_overdue"]
    assert c["received"] + c["carried_in"] == c["finished"] + c["withdrawn"] + opened
    assert c["finished"] == c["finished_early"] + c["finished_on_time"] + c["finished_late"]
    assert c["received_channel_known"] == c["received_online"] + c["received_direct"] + c["received_postal"]
    assert c["received_channel_known"] <= c["received"] and c["received_fee_known"] <= c["received_with_fee"]
    assert c["overdue_apology_known"] <= c["finished_late"] + c["open_overdue"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(dossiers(), min_size=1, max_size=30), period_bounds())
def test_sql_equals_reference_definition(duck, ds, bounds):
    put(duck, ds)
    got = sql_counts(duck, *bounds).get(UNIT, dict.fromkeys(kpi.COUNT_FIELDS, 0))
    assert got == pure_counts(ds, *bounds)


@settings(max_examples=1000, deadline=None)
@given(dossiers(), st.data(), st.integers(0, 200), st.integers(1, 30))
def test_every_listed_dossier_may_be_listed(d, data, later, n):
    """The lists read dossier_listable only: whatever a dossier is on, for any period and any as-of date
    on or after its last date, may_be_listed admits it (and a dossier settled in time is on none)."""
    # periods that end near the dossier's own dates (where it is on a list, if ever), or anywhere
    anchor = data.draw(st.sampled_from([x for x in (d.received, d.due, d.end) if x is not None]))
    d2 = anchor + timedelta(days=data.draw(st.integers(-3, 3)))
    bounds = data.draw(st.one_of(st.just((d2 - timedelta(days=data.draw(st.integers(0, 90))), d2)), period_bounds()))
    c = kpi.classify(d, *bounds)
    as_of = max(x for x in (d.received, d.end) if x is not None) + timedelta(days=later)
    listed = c["finished_late"] or c["open_overdue"] or kpi.is_due_soon(d, as_of, n)
    assert not listed or kpi.may_be_listed(d)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(dossiers(), min_size=1, max_size=30))
def test_listable_sql_equals_reference(duck, ds):
    import sqlalchemy as sa

    from dashboard.warehouse import schema

    put(duck, ds)
    d = schema.dossier
    with duck.connect() as conn:
        got = sorted(
            r[0] for r in conn.execute(sa.select(d.c.code).where(kpi_sql.listable_sql(d.c), d.c.unit_code == UNIT))
        )
    want = sorted(f"T-{i:06d}" for i, x in enumerate(ds) if kpi.may_be_listed(x))
    assert got == want


def test_due_soon():
    as_of = date(2025, 6, 30)
    soon = D(date(2025, 6, 1), 4, due=date(2025, 7, 3))
    assert kpi.is_due_soon(soon, as_of, 3)
    assert not kpi.is_due_soon(soon, as_of, 2)
    assert kpi.is_due_soon(D(date(2025, 6, 1), 4, due=as_of), as_of, 3)  # due today, not yet late
    assert not kpi.is_due_soon(D(date(2025, 6, 1), 5, due=date(2025, 7, 1)), as_of, 3)  # paused
    assert not kpi.is_due_soon(D(date(2025, 6, 1), 10, due=date(2025, 7, 1), end=date(2025, 6, 20)), as_of, 3)


def test_due_soon_sql_matches_definition(engine):
    from dashboard.warehouse import queries

    as_of = date(2025, 6, 30)
    ds = [
        D(date(2025, 6, 1), 4, due=date(2025, 7, 3)),
        D(date(2025, 6, 1), 4, due=as_of),
        D(date(2025, 6, 1), 4, due=date(2025, 7, 4)),
        D(date(2025, 6, 1), 5, due=date(2025, 7, 1)),
        D(date(2025, 6, 1), 10, due=date(2025, 7, 1), end=date(2025, 6, 20)),
        D(date(2025, 6, 1), 2, due=None),
        D(date(2025, 6, 1), 3, due=date(2025, 7, 1)),
    ]
    put(engine, ds)
    with engine.connect() as conn:
        got = queries.due_soon_counts(conn, as_of, 3)
    assert got.set_index("unit_code")["due_soon"].to_dict() == {UNIT: sum(kpi.is_due_soon(d, as_of, 3) for d in ds)}
    assert sum(kpi.is_due_soon(d, as_of, 3) for d in ds) == 2


def test_retired_units_dossiers_go_to_their_successor():
    counts = pd.DataFrame({"unit_code": ["509", "519", "20672", "X"], "received": [5, 2, 1, 4]})
    succ = {"519": "509", "20672": "20671", "20671": "20669"}  # a chain: 20672 → 20671 → 20669
    valid = {"509", "20669", "X"}
    out = hierarchy.attribute_retired(counts, valid, succ, columns=("received",)).set_index("unit_code")["received"]
    assert out.to_dict() == {"20669": 1, "509": 7, "X": 4}
    assert out.sum() == counts["received"].sum()  # nothing lost
    assert hierarchy.absorbed_codes(["509"], succ, valid) == ["509", "519"]
    assert hierarchy.absorbed_codes(["20669"], succ, valid) == ["20669", "20671", "20672"]
    # a retired unit without a valid successor keeps its own row rather than vanishing
    kept = hierarchy.attribute_retired(
        pd.DataFrame({"unit_code": ["Z"], "received": [3]}), valid, {}, columns=("received",)
    )
    assert kept["unit_code"].tolist() == ["Z"] and kept["received"].tolist() == [3]
    assert hierarchy.successor_in("A", {"A": "B", "B": "A"}, valid) is None  # a cycle ends the walk
