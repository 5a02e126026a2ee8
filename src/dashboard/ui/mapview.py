"""Data shaping for the map page: values, ranks and the counts behind each rate, per unit."""
from __future__ import annotations

import pandas as pd

from dashboard import fmt
from dashboard.i18n import t
from dashboard.metrics.kpi import RATE_DEFS
from dashboard.ui.components import ranked

#: metric picker order: the official on-time rate first (SPEC §4)
METRICS = ("on_time_rate", "online_rate", "online_payment_rate", "digitised_rate", "satisfaction_rate", "overdue",
           "overdue_without_apology", "received")


def map_frame(table: pd.DataFrame, metric: str, lang: str) -> pd.DataFrame:
    """code, name, value, rank and hover text (rank among peers and the counts behind the value)."""
    r = ranked(table, metric)
    n = len(r)
    hover = []
    for _, row in r.iterrows():
        rank = "" if pd.isna(row["rank"]) else t("hover_rank", lang, rank=int(row["rank"]), n=n)
        if metric in RATE_DEFS:
            num, den = RATE_DEFS[metric]
            behind = t("hover_counts", lang, num=fmt.number(sum(row[c] for c in num), lang),
                       den=fmt.number(sum(row[c] for c in den), lang))
        else:
            behind = t("hover_overdue", lang, late=fmt.number(row["finished_late"], lang),
                       open=fmt.number(row["open_overdue"], lang))
        hover.append("<br>".join(x for x in (rank, behind) if x))
    return pd.DataFrame({"code": r["code"], "name": r["name"], "value": r[metric], "rank": r["rank"], "hover": hover})

