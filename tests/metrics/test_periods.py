from datetime import date

import pytest

from dashboard.metrics import periods as P


def test_q1_2025_with_cutoff_15_starts_in_december():
    q = P.quarter(2025, 1, 15)
    assert (q.start, q.end) == (date(2024, 12, 15), date(2025, 3, 14))


@pytest.mark.parametrize(
    "make, start, end",
    [
        (lambda: P.month(2025, 1, 15), date(2024, 12, 15), date(2025, 1, 14)),
        (lambda: P.month(2025, 3, 15), date(2025, 2, 15), date(2025, 3, 14)),
        (lambda: P.month(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 31)),
        (lambda: P.month(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        (lambda: P.month(2023, 12, 1), date(2023, 12, 1), date(2023, 12, 31)),
        (lambda: P.quarter(2024, 4, 15), date(2024, 9, 15), date(2024, 12, 14)),
        (lambda: P.quarter(2024, 4, 1), date(2024, 10, 1), date(2024, 12, 31)),
        (lambda: P.quarter(2025, 1, 1), date(2025, 1, 1), date(2025, 3, 31)),
        (lambda: P.year(2025, 15), date(2024, 12, 15), date(2025, 12, 14)),
        (lambda: P.year(2024, 1), date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_named_periods(make, start, end):
    p = make()
    assert (p.start, p.end) == (start, end)


def test_consecutive_months_tile_the_year_without_gaps():
    for cutoff in (1, 15, 28):
        months = [P.month(2024, m, cutoff) for m in range(1, 13)]
        for a, b in zip(months, months[1:]):
            assert (b.start - a.end).days == 1
        assert months[0].start == P.year(2024, cutoff).start
        assert months[-1].end == P.year(2024, cutoff).end
        assert sum(m.days for m in months) == P.year(2024, cutoff).days


def test_parse_keys_and_previous():
    assert P.parse("2025-Q1", 15) == P.quarter(2025, 1, 15)
    assert P.parse("2025-03", 15) == P.month(2025, 3, 15)
    assert P.parse("2025", 1) == P.year(2025, 1)
    assert P.parse("2025-01-01..2025-02-10").days == 41
    assert P.quarter(2025, 1, 15).previous() == P.quarter(2024, 4, 15)
    assert P.month(2025, 1, 15).previous() == P.month(2024, 12, 15)
    with pytest.raises(ValueError):
        P.parse("Q1 2025")
    with pytest.raises(ValueError):
        P.month(2025, 13)
    with pytest.raises(ValueError):
        P.quarter(2025, 1, 29)


def test_containing_and_latest_complete_across_year_boundary():
    assert P.containing(date(2024, 12, 20), "quarter", 15) == P.quarter(2025, 1, 15)
    assert P.containing(date(2024, 12, 14), "quarter", 15) == P.quarter(2024, 4, 15)
    assert P.latest_complete(date(2025, 6, 30), "quarter", 15) == P.quarter(2025, 2, 15)
    assert P.latest_complete(date(2025, 6, 14), "quarter", 15) == P.quarter(2025, 2, 15)
    assert P.latest_complete(date(2025, 6, 30), "quarter", 1) == P.quarter(2025, 2, 1)


def test_named_periods_cover_range():
    got = P.named_periods(date(2024, 12, 20), date(2025, 1, 20), 15)
    assert {p.key for p in got} == {"2025-01", "2025-02", "2025-Q1", "2025"}


def test_last_months_end_at_the_month_holding_the_day_and_start_no_earlier_than_the_data():
    from datetime import date as _d

    from dashboard.metrics.periods import last_months, months_between

    months = last_months(_d(2023, 1, 1), _d(2025, 3, 14), 15, 12)
    assert [m.key for m in months][-1] == "2025-03" and len(months) == 12
    assert months == months_between(_d(2023, 1, 1), _d(2025, 3, 14), 15)[-12:]
    assert [m.key for m in last_months(_d(2025, 1, 20), _d(2025, 3, 20), 15, 12)] == ["2025-02", "2025-03", "2025-04"]
