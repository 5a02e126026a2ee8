"""KPI definitions (SPEC §3–§4): pure, documented, shared by every page and by the CLI."""
