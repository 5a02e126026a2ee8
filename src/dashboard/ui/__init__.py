"""The only package besides pages/ that calls st.*: cached data access, shared filters, components."""

from pathlib import Path

import pandas as pd

# The pages' strings as Python objects, not Arrow arrays (pandas 3's default): their frames have a few hundred
# rows, where each pandas step on an Arrow string column (take, map, merge, iteration) pays a conversion that
# costs more than the step. bench_scale.py at 10 M dossiers, data work per page: overview 161 → 114 ms,
# report 130 → 96, rankings 66 → 52, map 39 → 30. The importer's Arrow columns do not go through pandas.
pd.set_option("mode.string_storage", "python")

#: the browser tab's icon (a file of ours: no request leaves the server for it)
FAVICON = Path(__file__).with_name("favicon.png")
