"""A small warehouse of today's territory (issue 20): the territory's unit list and dossiers made here for
every unit in each era — the two provinces' communes in 2024, the city's 94 communes and departments from
08/2025 to 12/2025 — with on-time rates that differ by unit so the map has something to colour."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from helpers import SYNC_HEADER

from dashboard import cli
from dashboard.config import ROOT

TERRITORY = ROOT / "data" / "units" / "da_nang_territory_units.csv"


def _era(rows, w, units, first: datetime, days: int, rnd: random.Random, prefix: str) -> None:
    for code in units:
        late = rnd.random() * 0.3
        for i in range(rows):
            rec = first + timedelta(days=rnd.randrange(days), hours=8)
            due = rec + timedelta(days=5)
            end = due + timedelta(days=2) if rnd.random() < late else rec + timedelta(days=3)
            w.writerow(
                [
                    f"{prefix}-{code}-{i}",
                    "1.001",
                    code,
                    rec.strftime("%Y%m%d%H%M%S"),
                    due.strftime("%Y%m%d"),
                    end.strftime("%Y%m%d%H%M%S"),
                    10,
                ]
            )


def build(url: str, folder: Path, rows: int = 6) -> str:
    """Initialise `url` with the territory's list and import the dossiers; returns url."""
    import os

    os.environ["DASHBOARD_DB_URL"] = url
    assert cli.main(["init", "--units", str(TERRITORY)]) == 0
    listed = list(csv.DictReader(open(TERRITORY, encoding="utf-8")))
    # the communes of both provinces valid through 2024 (to 30/06/2025 or to 31/12/2024)
    old = [r["code"] for r in listed if r["kind"] == "commune" and r["valid_from"] == "2020-02-01" and r["valid_to"]]
    new = [r["code"] for r in listed if r["valid_from"] == "2025-07-01" and r["kind"] in ("commune", "department")]
    rnd = random.Random(20)
    path = folder / "territory.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(SYNC_HEADER)
        _era(rows, w, old, datetime(2024, 1, 20), 300, rnd, "OLD")
        _era(rows, w, new, datetime(2025, 8, 1), 130, rnd, "NEW")
    assert cli.main(["import", str(path)]) == 0
    return url
