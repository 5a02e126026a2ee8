"""Rankings: ties share a rank, no data comes last, movement since the previous period."""

from __future__ import annotations

import pandas as pd

from dashboard.metrics import ranking


def frame(values: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": list(values),
            "name": [f"Đơn vị {c}" for c in values],
            "on_time_rate": [float("nan") if v is None else v for v in values.values()],
            "overdue": [0 if v is None else int(100 - v) for v in values.values()],
        }
    )


def test_ties_share_a_competition_rank_and_no_data_is_last():
    r = ranking.ranked(frame({"A": 95.0, "B": 97.5, "C": 95.0, "D": None, "E": 90.0}), "on_time_rate")
    assert r["code"].tolist() == ["B", "A", "C", "E", "D"]
    assert r["rank"].tolist()[:4] == [1, 2, 2, 4]
    assert pd.isna(r["rank"].iloc[4])


def test_values_equal_as_shown_are_tied():
    # 95,004 and 94,996 both show as 95,00 %
    r = ranking.ranked(frame({"A": 95.004, "B": 94.996, "C": 94.99}), "on_time_rate")
    assert r.set_index("code")["rank"].to_dict() == {"A": 1, "B": 1, "C": 3}


def test_lower_is_better_for_overdue_counts():
    r = ranking.ranked(frame({"A": 90.0, "B": 99.0, "C": 95.0}), "overdue")  # overdue 10, 1, 5
    assert r["code"].tolist() == ["B", "C", "A"]


def test_movement_since_the_previous_period():
    before = frame({"A": 99.0, "B": 98.0, "C": 97.0})
    now = frame({"A": 90.0, "B": 98.0, "C": 99.0, "N": 95.0})
    r = ranking.ranked(now, "on_time_rate", before).set_index("code")
    assert r.loc["C", "rank"] == 1 and r.loc["C", "previous_rank"] == 3 and r.loc["C", "movement"] == 2
    assert r.loc["A", "movement"] == -3
    assert pd.isna(r.loc["N", "previous_rank"]) and pd.isna(r.loc["N", "movement"])
    assert [ranking.arrow(r.loc[c, "movement"]) for c in ("C", "A", "N", "B")] == ["↑ 2", "↓ 3", "–", "="]
