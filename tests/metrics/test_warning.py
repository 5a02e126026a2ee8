"""Early warning: below the target or down more than 2 points; due-soon counts summed over a territory."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dashboard.metrics.warning import early_warning, territory_sum


def _table(rates: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": list(rates),
            "name": [f"U{c}" for c in rates],
            "kind": "district",
            "on_time_rate": [float("nan") if v is None else v for v in rates.values()],
            "overdue": 1,
            "overdue_without_apology": 0,
        }
    )


def test_flags_below_target_and_drops():
    now = _table({"a": 94.99, "b": 96.0, "c": 97.9, "d": 99.0, "e": None, "f": 95.0})
    before = _table({"a": 94.0, "b": 98.5, "c": 99.9, "d": 99.5, "e": 90.0})
    w = early_warning(now, before, pd.Series({"a": 3, "d": 7}), target=95.0).set_index("code")
    assert w.loc["a", "below"] and not w.loc["a", "dropped"]  # 94.99 < 95, rose
    assert w.loc["b", "dropped"] and not w.loc["b", "below"]  # −2.5 points
    assert not w.loc["c", "dropped"]  # exactly −2.0 is not "more than 2"
    assert not w.loc["d", "flagged"] and w.loc["d", "due_soon"] == 7
    assert not w.loc["e", "flagged"]  # no data this period: nothing to flag
    assert not w.loc["f", "flagged"] and pd.isna(w.loc["f", "change"])  # at target, no previous figure
    assert list(early_warning(now, before, pd.Series(dtype="int64"), target=95.0)["code"][:2]) == ["a", "b"]


def test_without_a_previous_period_only_the_target_counts():
    w = early_warning(_table({"a": 90.0, "b": 99.0}), None, pd.Series(dtype="int64"), target=95.0)
    assert w["flagged"].tolist() == [True, False] and w["previous_rate"].isna().all()


def test_territory_sum_adds_descendants():
    units = pd.DataFrame(
        {"code": ["49", "502", "20335", "20341", "503"], "parent_code": [None, "49", "502", "502", "49"]}
    )
    own = pd.DataFrame({"unit_code": ["20335", "20341", "502", "503", "zzz"], "due_soon": [2, 3, 1, 4, 9]})
    got = territory_sum(own, units, "due_soon")
    assert got.to_dict() == {"49": 10, "502": 6, "20335": 2, "20341": 3, "503": 4}


def _pandas_reference(now, before, due_soon, target):
    """The early warning as first written in pandas: the reference the numpy version is held to."""
    out = now[["code", "name", "kind", "on_time_rate", "overdue", "overdue_without_apology"]].copy()
    prev = before.set_index("code")["on_time_rate"] if before is not None and len(before) else pd.Series(dtype=float)
    out["previous_rate"] = out["code"].map(prev).astype("float64")
    out["change"] = out["on_time_rate"] - out["previous_rate"]
    out["below"] = out["on_time_rate"].notna() & (out["on_time_rate"].round(2) < target)
    out["dropped"] = out["change"].notna() & (out["change"] < -2.0)
    out["due_soon"] = out["code"].map(due_soon).fillna(0).astype("int64")
    out["flagged"] = out["below"] | out["dropped"]
    return out.sort_values(
        ["flagged", "on_time_rate", "due_soon"], ascending=[False, True, False], na_position="last"
    ).reset_index(drop=True)


rates = st.one_of(st.none(), st.sampled_from([90.0, 93.5, 94.994, 94.996, 95.0, 97.0, 99.0, 100.0]))


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), rates, min_size=1),
    st.one_of(st.none(), st.dictionaries(st.sampled_from("abcdefghz"), rates)),
    st.dictionaries(st.sampled_from("abcdefghz"), st.integers(0, 4)),
)
def test_the_warning_equals_its_pandas_reference(now, before, due):
    """Same rows, flags and order (ties, no data last) as the pandas reference, on random rates."""
    now_t, before_t = _table(now), _table(before) if before is not None else None
    due_s = pd.Series(due, dtype="int64")
    got = early_warning(now_t, before_t, due_s, target=95.0)
    pd.testing.assert_frame_equal(got, _pandas_reference(now_t, before_t, due_s, 95.0))
