"""The only package besides pages/ that calls st.*: cached data access, shared filters, components."""

import gc
from pathlib import Path

import pandas as pd

# The pages' strings as Python objects, not Arrow arrays (pandas 3's default): their frames have a few hundred
# rows, where each pandas step on an Arrow string column (take, map, merge, iteration) pays a conversion that
# costs more than the step. bench_scale.py at 10 M dossiers, data work per page: overview 161 → 114 ms,
# report 130 → 96, rankings 66 → 52, map 39 → 30. The importer's Arrow columns do not go through pandas.
pd.set_option("mode.string_storage", "python")

#: the browser tab's icon (a file of ours: no request leaves the server for it)
FAVICON = Path(__file__).with_name("favicon.png")


def _freeze_heap() -> None:
    """Put the objects alive now (the imported modules of pandas, Streamlit, SQLAlchemy, Plotly: ≈ 140 000)
    out of the garbage collector's reach, once per process. Each full collection walked them all — 30–40 ms,
    every few page runs (bench_scale at 10 M: trends' p95 102 ms against a median of 58); after this, it walks
    only what was made since. The garbage of the moment is collected first, so nothing collectable is frozen."""
    # what the pages run on, imported now so that their modules are frozen too
    import duckdb  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import sqlalchemy  # noqa: F401
    import streamlit  # noqa: F401

    gc.collect()
    gc.freeze()


_freeze_heap()
