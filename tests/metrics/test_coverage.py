"""Which figures of a table of units rest on part of the dossiers (issue 17: missing is not zero)."""

from __future__ import annotations

import pandas as pd

from dashboard.metrics.kpi import table_coverage


def test_table_coverage_names_partial_figures_with_their_counts():
    t = pd.DataFrame(
        {
            "received": [100, 50, 20],
            "received_channel_known": [100, 10, 0],  # one unit partly known, one not at all
            "received_digitised_known": [100, 50, 20],  # known everywhere
            "received_with_fee": [10, 5, 0],
            "received_fee_known": [10, 5, 0],
            "overdue": [3, 0, 2],
            "overdue_apology_known": [3, 0, 0],
        }
    )
    got = table_coverage(t, ("online_rate", "digitised_rate", "online_payment_rate", "overdue_without_apology"))
    assert got == [("online_rate", 110, 170, 2), ("overdue_without_apology", 3, 5, 1)]
    assert table_coverage(t, ("on_time_rate",)) == []  # no fact of its own to lack
    assert table_coverage(t.iloc[:0], ("online_rate",)) == []
