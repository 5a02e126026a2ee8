"""The only package besides pages/ that calls st.*: cached data access, shared filters, components."""

from pathlib import Path

#: the browser tab's icon (a file of ours: no request leaves the server for it)
FAVICON = Path(__file__).with_name("favicon.png")
