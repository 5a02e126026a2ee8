"""Settings in one place: where the warehouse lives, the reporting cut-off day and the targets."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("DASHBOARD_DATA_DIR", ROOT / "data"))
#: the demo territory's unit list: today's Thành phố Đà Nẵng in every period (data/units/README.md)
UNITS_CSV = ROOT / "data" / "units" / "da_nang_territory_units.csv"
PUBLISHED_CSV = ROOT / "data" / "published_indices.csv"
DEFAULT_DB_FILE = DATA_DIR / "warehouse.duckdb"

#: Quảng Nam's official reports run from the 15th of one month to the 14th of the next.
DEFAULT_CUTOFF_DAY = 15
DEFAULT_DUE_SOON_DAYS = 3

#: Targets shown next to the rates (percent). The on-time target is the province's 95 % line.
TARGETS = {
    "on_time_rate": 95.0,
    "on_time_rate_finished": 95.0,
    "online_rate": 50.0,  # 766: full points for online dossiers at >= 50 %
    "online_payment_rate": 50.0,
    "digitised_rate": 80.0,  # 766: full points for digitisation at >= 80 %
    "satisfaction_rate": 90.0,  # 766: full points for satisfaction at >= 90 %
}


#: Bands of the 766 scorecard (points on a 100 scale, lower bound inclusive), best first. The official
#: cut-offs are not published (research/domain.md §A.4): these fit the observed classifications
#: (80,1 = Tốt, 61,5 = Trung bình, 43 = Yếu) and are the one place to change them.
BANDS_766 = (("excellent", 90.0), ("good", 80.0), ("fair", 70.0), ("average", 50.0), ("weak", 0.0))

#: Peer provinces drawn next to the home province in the PAR Index / SIPAS trends by default
#: (GSO codes: Quảng Nam, which joined the city on 01/07/2025, Thừa Thiên Huế, Quảng Ninh — the neighbours
#: and the national leader).
DEFAULT_PEERS = ("49", "46", "22")

#: Units compared on one trend chart at most.
MAX_COMPARED = 5


def db_url() -> str:
    """The SQLAlchemy URL of the warehouse: $DASHBOARD_DB_URL or the embedded DuckDB file."""
    return os.environ.get("DASHBOARD_DB_URL") or f"duckdb:///{DEFAULT_DB_FILE}"


def home_province() -> str | None:
    """The province the dashboard opens on when set: $DASHBOARD_HOME_PROVINCE (a unit code); otherwise the
    province of the unit list (warehouse.queries.home_province)."""
    return os.environ.get("DASHBOARD_HOME_PROVINCE") or None


def duckdb_memory() -> str:
    """What a process writing the embedded warehouse lets DuckDB hold: $DASHBOARD_DUCKDB_MEMORY (default 750MB)."""
    return os.environ.get("DASHBOARD_DUCKDB_MEMORY") or "750MB"


def users_file() -> Path:
    """The users file (auth.py): $DASHBOARD_USERS_FILE, default data/users.toml. Missing = open access."""
    return Path(os.environ.get("DASHBOARD_USERS_FILE") or DATA_DIR / "users.toml")


def session_hours() -> float:
    """How long a password sign-in lasts: $DASHBOARD_SESSION_HOURS (default 12; a working day)."""
    value = float(os.environ.get("DASHBOARD_SESSION_HOURS") or 12)
    if not 0 < value <= 24 * 30:
        raise ValueError(f"DASHBOARD_SESSION_HOURS must be more than 0 and at most 720, got {value}")
    return value


def page_errors_raise() -> bool:
    """$DASHBOARD_PAGE_ERRORS=raise: a page's error is raised, not shown as a message (development and
    the tests, where a shown message would hide a broken page from `at.exception`)."""
    return os.environ.get("DASHBOARD_PAGE_ERRORS") == "raise"


def due_soon_days() -> int:
    """The early-warning window: dossiers due within this many days of the as-of date
    ($DASHBOARD_DUE_SOON_DAYS, default 3)."""
    value = int(os.environ.get("DASHBOARD_DUE_SOON_DAYS", DEFAULT_DUE_SOON_DAYS))
    if not 1 <= value <= 60:
        raise ValueError(f"DASHBOARD_DUE_SOON_DAYS must be between 1 and 60, got {value}")
    return value


def cutoff_day() -> int:
    """The reporting cut-off day: $DASHBOARD_CUTOFF_DAY (1-28), default 15."""
    value = int(os.environ.get("DASHBOARD_CUTOFF_DAY", DEFAULT_CUTOFF_DAY))
    if not 1 <= value <= 28:
        raise ValueError(f"DASHBOARD_CUTOFF_DAY must be between 1 and 28, got {value}")
    return value


def install_command(extra: str) -> str:
    """The command that adds an optional part (pyproject's extras: geo, pdf) to an installation."""
    return f"pip install 'ban-do-the-che[{extra}]'"


#: Import plausibility (issue: one dossier dated 10000 must not poison every page): dates before this day or
#: more than DATE_WINDOW_YEARS_AHEAD years after today are quarantined; text cells keep this many characters.
DEFAULT_DATE_MIN = "2000-01-01"
DATE_WINDOW_YEARS_AHEAD = 2
TEXT_CELL_MAX = 4000


def date_window():
    """(first, last) day a dossier's date may fall on: $DASHBOARD_DATE_MIN (default 2000-01-01) to today +
    $DASHBOARD_DATE_YEARS_AHEAD years (default 2)."""
    from datetime import date

    first = date.fromisoformat(os.environ.get("DASHBOARD_DATE_MIN") or DEFAULT_DATE_MIN)
    ahead = int(os.environ.get("DASHBOARD_DATE_YEARS_AHEAD") or DATE_WINDOW_YEARS_AHEAD)
    today = date.today()
    try:
        last = today.replace(year=today.year + ahead)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + ahead, day=28)
    return first, last
