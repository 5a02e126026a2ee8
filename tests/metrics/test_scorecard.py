"""The 766 scorecard against hand-computed examples at, below and above each threshold."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import config
from dashboard.metrics import scorecard as sc


@pytest.mark.parametrize(
    "group, rate, expected",
    [
        # progress: 20 points, proportional to the official on-time rate
        ("progress", 100.0, 20.0),
        ("progress", 95.0, 19.0),
        ("progress", 50.0, 10.0),
        ("progress", 0.0, 0.0),
        # online dossiers: 12 points, full at 50 %
        ("online", 50.0, 12.0),
        ("online", 25.0, 6.0),
        ("online", 49.99, 12 * 49.99 / 50),
        ("online", 85.0, 12.0),
        # online payment: 10 points, no published threshold → proportional
        ("payment", 100.0, 10.0),
        ("payment", 55.5, 5.55),
        # digitisation (4.3): 2 points, full at 80 %
        ("digitisation", 80.0, 2.0),
        ("digitisation", 40.0, 1.0),
        ("digitisation", 90.0, 2.0),
        # satisfaction with dossier handling (5.4): 6 points, full at 90 %
        ("satisfaction", 90.0, 6.0),
        ("satisfaction", 45.0, 3.0),
        ("satisfaction", 99.0, 6.0),
    ],
)
def test_points_of_each_indicator(group, rate, expected):
    card = sc.scorecard({sc.BY_GROUP[group].rate: rate})
    got = next(g for g in card.groups if g.group == group)
    assert got.points == pytest.approx(expected)
    # only that indicator has data: the estimate is its points out of its own maximum
    assert card.estimate == pytest.approx(expected)
    assert card.scored_max == sc.BY_GROUP[group].max_points


def test_rates_are_rounded_to_two_decimals_before_scoring():
    # 49.996 % shows as 50,00 % and earns the full 12 points, as on the portal
    assert sc.points(49.996, 12, 50) == 12.0
    assert sc.points(49.994, 12, 50) == pytest.approx(12 * 49.99 / 50)


def test_a_full_card_by_hand():
    rates = {
        "on_time_rate": 95.64,
        "online_rate": 74.72,
        "online_payment_rate": 55.77,
        "digitised_rate": 72.24,
        "satisfaction_rate": 91.91,
        "on_time_rate_finished": 98.0,
    }
    card = sc.scorecard(rates)
    expected = 20 * 0.9564 + 12 + 10 * 0.5577 + 2 * 72.24 / 80 + 6
    assert card.estimate == pytest.approx(expected)
    assert card.scored_max == 50 == sc.COMPUTABLE_MAX
    assert card.score_100 == pytest.approx(expected * 2)
    assert card.band == "good"  # 89,02 on the 100 scale
    statuses = {g.group: g.status for g in card.groups}
    assert statuses == {
        "publicity": "not_computable",
        "progress": "full",
        "online": "whole",
        "payment": "whole",
        "digitisation": "partial",
        "satisfaction": "partial",
    }
    assert sum(g.max_points for g in card.groups) == 100


def test_no_data_is_neither_zero_nor_full():
    card = sc.scorecard({"on_time_rate": 90.0, "online_payment_rate": None, "satisfaction_rate": float("nan")})
    groups = {g.group: g for g in card.groups}
    assert groups["payment"].points is None and groups["payment"].status == "no_data"
    assert groups["satisfaction"].points is None
    assert card.estimate == pytest.approx(18.0) and card.scored_max == 20.0
    assert card.score_100 == pytest.approx(90.0) and card.band == "excellent"
    empty = sc.scorecard({})
    assert empty.estimate is None and empty.score_100 is None and empty.band is None


@pytest.mark.parametrize(
    "score, band",
    [
        (100, "excellent"),
        (90, "excellent"),
        (89.99, "good"),
        (80, "good"),
        (79.99, "fair"),
        (70, "fair"),
        (69.99, "average"),
        (50, "average"),
        (49.99, "weak"),
        (0, "weak"),
    ],
)
def test_band_cut_offs_come_from_config(score, band):
    assert sc.band(score) == band
    assert config.BANDS_766[0] == ("excellent", 90.0)


def test_band_cut_offs_can_be_changed_in_one_place():
    assert sc.band(85, bands=(("excellent", 85.0), ("weak", 0.0))) == "excellent"


def test_score_columns_match_the_scorecard_row_by_row():
    df = pd.DataFrame(
        {
            "on_time_rate": [95.64, 80.0, float("nan"), 100.0],
            "online_rate": [74.72, 20.0, float("nan"), 50.0],
            "online_payment_rate": [55.77, float("nan"), float("nan"), 0.0],
            "digitised_rate": [72.24, 90.0, float("nan"), 80.0],
            "satisfaction_rate": [91.91, 10.0, float("nan"), 90.0],
        }
    )
    out = sc.score_columns(df)
    for i, row in df.iterrows():
        card = sc.scorecard(row.to_dict())
        if card.estimate is None:
            assert math.isnan(out.loc[i, "score_estimate"]) and pd.isna(out.loc[i, "score_band"])
        else:
            assert out.loc[i, "score_estimate"] == pytest.approx(card.estimate)
            assert out.loc[i, "score_max"] == card.scored_max
            assert out.loc[i, "score_100"] == pytest.approx(card.score_100)
            assert out.loc[i, "score_band"] == card.band
