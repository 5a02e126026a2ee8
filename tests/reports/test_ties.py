"""Every list, sheet and summary ties to the headline counts, for periods around the 01/01/2025 merger
(units retired that day keep open overdue dossiers, which count at their successor)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.metrics import periods
from dashboard.reports import period as pr
from dashboard.warehouse import overdue, queries


@pytest.mark.parametrize("key", ["2025-Q1", "2025-Q2", "2025-04"])  # straddles 01/01/2025, then after it
@pytest.mark.parametrize("root", [None, "509"])  # the province, and a department head of Quế Sơn
def test_every_list_sums_to_the_headline(demo_engine, key, root):
    p = periods.parse(key, 15)
    with demo_engine.connect() as conn:
        rep = pr.build(conn, p, root=root)
        total = rep.totals()
        rows = pd.concat(list(rep.overdue_frames(conn, chunk=50)), ignore_index=True)
        valid = set(queries.units_in_period(conn, p.start, p.end, root)["code"])
        # the report's overdue sheet (streamed in chunks) and the PDF's breakdown by field
        assert (rows["list"] == "finished_late").sum() == total.finished_late
        assert (rows["list"] == "open_overdue").sum() == total.open_overdue
        assert rows["code"].is_unique
        by_field = rep.overdue_by_field(conn)
        assert by_field["overdue"].sum() == total.overdue
        assert by_field["no_apology"].sum() == total.overdue_without_apology
        # the overdue pages of the scope's top units, whole territory: the units of the period whose parent is
        # not one (the provinces; under a district's root, also a district merged into it during the period,
        # shown on its own while it lasted)
        in_period = queries.units_in_period(conn, p.start, p.end, root)
        tops = sorted(set(in_period.loc[~in_period["parent_code"].isin(valid), "code"]))
        heads = queries.kpi_table(conn, p, level="all", territory=True, root=root).set_index("code").loc[tops]
        summs = [
            overdue.summary(
                conn, overdue.Scope(p, tuple(queries.scope_codes(conn, p, top, True, root)), rep.as_of, root=root)
            )
            for top in tops
        ]
        assert sum(s.counts["finished_late"] for s in summs) == heads["finished_late"].sum() == total.finished_late
        assert sum(s.counts["open_overdue"] for s in summs) == heads["open_overdue"].sum() == total.open_overdue
        assert sum(s.without_apology for s in summs) == heads["overdue_without_apology"].sum()
        for summ in summs:
            assert summ.by_unit["overdue"].sum() == summ.by_field["overdue"].sum()
        assert sum(s.by_unit["overdue"].sum() for s in summs) == total.overdue
        # each unit's own list, as its row of the table says
        own = queries.kpi_table(conn, p, level="all", territory=False, root=root)
        active = own[own["received"] + own["carried_in"] > 0].reset_index(drop=True)
        # every unit with an overdue dossier, and every fifth of the others (the territory has ~500 units)
        picked = active[(active["finished_late"] + active["open_overdue"] > 0) | (active.index % 5 == 0)]
        for u in picked.itertuples():
            su = overdue.Scope(p, tuple(queries.scope_codes(conn, p, u.code, False, root)), rep.as_of, root=root)
            c = overdue.counts(conn, su)
            assert (c["finished_late"], c["open_overdue"]) == (u.finished_late, u.open_overdue), u.code
    if key != "2025-Q1" and root is None:  # after the merger retired units' dossiers are listed, under their own code
        assert (~rows["unit_code"].isin(valid)).any()
