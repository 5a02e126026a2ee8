"""Warehouse tables (SQLAlchemy Core, portable across DuckDB, PostgreSQL and SQLite): the newest schema, as
the migrations (warehouse/migrations/versions) build it. A change here goes with a new revision there."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.metrics.kpi import COUNT_FIELDS

metadata = sa.MetaData()

#: Time-versioned units (SPEC §1): one row per (code, valid_from); a name or parent change is a new version.
unit = sa.Table(
    "unit",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("valid_from", sa.Date, primary_key=True),
    sa.Column("valid_to", sa.Date),  # null = still valid
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("parent_code", sa.String(32)),
    sa.Column("area_code", sa.String(32)),  # district the unit sits in (communes, branches)
    sa.Column("source", sa.String(200)),
)

#: Crosswalk: a unit retired by a merger names its successor(s).
unit_successor = sa.Table(
    "unit_successor",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("successor_code", sa.String(32), primary_key=True),
    sa.Column("effective_date", sa.Date, nullable=False),
)

field = sa.Table(
    "field",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(300)),
)

procedure = sa.Table(
    "procedure",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(500)),
    sa.Column("field_code", sa.String(64)),
)

#: One row per dossier, keyed by MaHoSo (SPEC §2). Dates used by the KPIs are kept as calendar dates
#: next to the recorded timestamps. The key and the indexes exist on PostgreSQL only (as those of the tables
#: derived from the dossiers): DuckDB holds them as in-memory ART trees that slowed a bulk import 5× and that its
#: scans never use (migration 0006); the importer keeps each code once.
dossier = sa.Table(
    "dossier",
    metadata,
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("procedure_code", sa.String(64), nullable=False),
    sa.Column("procedure_name", sa.String(500)),
    sa.Column("field_code", sa.String(64)),
    sa.Column("field_name", sa.String(300)),
    sa.Column("unit_code", sa.String(32), nullable=False),
    sa.Column("received_at", sa.DateTime, nullable=False),
    sa.Column("received_date", sa.Date, nullable=False),
    sa.Column("due_at", sa.DateTime),
    sa.Column("due_date", sa.Date),
    sa.Column("end_at", sa.DateTime),  # NgayKetThucXuLy as recorded
    sa.Column("end_date", sa.Date),
    sa.Column("returned_at", sa.DateTime),
    sa.Column("status", sa.SmallInteger, nullable=False),
    sa.Column("channel", sa.SmallInteger),
    sa.Column("online_level", sa.SmallInteger),
    sa.Column("paid_online", sa.SmallInteger),
    sa.Column("has_fee", sa.SmallInteger),
    sa.Column("digitised", sa.SmallInteger),
    sa.Column("apology", sa.SmallInteger),
    sa.Column("supplement_count", sa.Integer),
    sa.Column("rating", sa.SmallInteger),
    sa.Column("extra", sa.Text),  # extra import columns as JSON, never dropped
    sa.Column("row_hash", sa.String(64), nullable=False),
    sa.Column("source_file", sa.String(500)),
    sa.Column("source_row", sa.Integer),
    sa.Column("import_id", sa.Integer),
    sa.Column("notes", sa.Text),  # what the importer changed in the row (a text cut to its first 4 000 characters)
    sa.PrimaryKeyConstraint("code", name="dossier_pkey").ddl_if(dialect="postgresql"),
)
sa.Index("ix_dossier_unit_received", dossier.c.unit_code, dossier.c.received_date).ddl_if(dialect="postgresql")
sa.Index("ix_dossier_end", dossier.c.end_date).ddl_if(dialect="postgresql")
sa.Index("ix_dossier_received", dossier.c.received_date).ddl_if(dialect="postgresql")

#: Published figures (SPEC §5): PAR Index, SIPAS, PAPI, official 766 scores, with their source.
published_index = sa.Table(
    "published_index",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("index_name", sa.String(32), nullable=False),  # PAR, SIPAS, PAPI, 766
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("period", sa.String(32)),  # e.g. a month for 766 scores
    sa.Column("area_code", sa.String(32)),  # province GSO code, "VN" for the national average
    sa.Column("area_name", sa.String(200)),
    sa.Column("component", sa.String(200)),  # null = the index itself
    sa.Column("score", sa.Float),
    sa.Column("max_score", sa.Float),
    sa.Column("rank", sa.Integer),
    sa.Column("rank_of", sa.Integer),
    sa.Column("quality", sa.String(32)),  # verified, derived, uncertain, demo
    sa.Column("source_url", sa.Text),
    sa.Column("note", sa.Text),
)

#: Official 766 scores as published by the portal, imported from CSV/XLSX (unit, period, group, score,
#: max score); shown beside the estimate computed from dossiers, never mixed with it.
official_score = sa.Table(
    "official_score",
    metadata,
    sa.Column("unit_code", sa.String(32), primary_key=True),
    sa.Column("period_key", sa.String(32), primary_key=True),
    sa.Column("group_key", sa.String(32), primary_key=True),  # a metrics.scorecard group or "total"
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("source_file", sa.String(500)),
    sa.Column("source_row", sa.Integer),
    sa.Column("import_id", sa.Integer),
)

import_log = sa.Table(
    "import_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("file_sha256", sa.String(64)),
    sa.Column("started_at", sa.DateTime),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("status", sa.String(16)),  # loaded, refused, failed
    sa.Column("rows_total", sa.Integer),
    sa.Column("rows_new", sa.Integer),
    sa.Column("rows_updated", sa.Integer),
    sa.Column("rows_unchanged", sa.Integer),
    sa.Column("rows_quarantined", sa.Integer),
    sa.Column("rows_superseded", sa.Integer),
    sa.Column("extra_columns", sa.Text),  # JSON list of columns beyond SPEC §2 (values kept per dossier)
    sa.Column("message", sa.Text),
    sa.Column("rows_skipped", sa.Integer),  # title, blank and summary rows (counted, never loaded)
    sa.Column("details", sa.Text),  # JSON: encoding, header row, columns used, units resolved by name, …
)

#: Deliberate name → unit matches (`python -m dashboard units alias`), used by every import; key = names.fold
unit_alias = sa.Table(
    "unit_alias",
    metadata,
    sa.Column("alias_key", sa.String(300), primary_key=True),
    sa.Column("alias", sa.String(300), nullable=False),
    sa.Column("unit_code", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("import_id", sa.Integer, nullable=False),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("row_number", sa.Integer, nullable=False),  # line/row in the file, header = 1
    sa.Column("dossier_code", sa.String(100)),
    sa.Column("reason_code", sa.String(64), nullable=False),
    sa.Column("field", sa.String(64)),
    sa.Column("reason_vi", sa.Text, nullable=False),
    sa.Column("reason_en", sa.Text, nullable=False),
    sa.Column("raw", sa.Text, nullable=False),  # the row's raw values as JSON
)

#: Own-dossier counts per unit and named period, rebuilt after every change of the dossiers.
rollup = sa.Table(
    "rollup",
    metadata,
    sa.Column("period_key", sa.String(32), nullable=False),
    sa.Column("cutoff", sa.SmallInteger, nullable=False),
    sa.Column("unit_code", sa.String(32), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    *[sa.Column(name, sa.Integer, nullable=False) for name in COUNT_FIELDS],
    sa.PrimaryKeyConstraint("period_key", "cutoff", "unit_code", name="rollup_pkey").ddl_if(dialect="postgresql"),
)

#: The rollup a period to a row (rollups.pack): its units' codes in order, one a line, and their COUNT_FIELDS as
#: 32-bit big-endian integers, a unit after another. The trends read 24 months of every unit; as rows of counts,
#: PostgreSQL spent ≈ 35 ns writing out each of their 170 000 values (9 ms, in any format) and the reading ≈ 16 ms,
#: against 24 rows here. Written with the rollup, in its transaction, for every period it holds (an empty one too:
#: a period missing here means "not packed", and the reader goes back to the rollup's rows).
rollup_pack = sa.Table(
    "rollup_pack",
    metadata,
    sa.Column("period_key", sa.String(32), nullable=False),
    sa.Column("cutoff", sa.SmallInteger, nullable=False),
    sa.Column("units", sa.Text, nullable=False),
    sa.Column("counts", sa.LargeBinary, nullable=False),
    # (as the rollup's: DuckDB checks a key against rows its transaction deleted, and a repack deletes then inserts)
    sa.PrimaryKeyConstraint("period_key", "cutoff", name="rollup_pack_pkey").ddl_if(dialect="postgresql"),
)

#: The dossiers that can be on an overdue list (kpi_sql.listable_sql: late, open, or ending after their due
#: date; a few percent of all), with the columns the KPI conditions read: rebuilt with the rollup after every change
#: and read by warehouse.overdue while its version is the warehouse's, so a list scans 74 000 rows, not 3 M.
LISTABLE_COLUMNS = (
    "code",
    "procedure_code",
    "procedure_name",
    "field_code",
    "field_name",
    "unit_code",
    "received_date",
    "due_date",
    "end_date",
    "status",
    "channel",
    "paid_online",
    "has_fee",
    "digitised",
    "apology",
    "rating",
)
dossier_listable = sa.Table(
    "dossier_listable",
    metadata,
    *[sa.Column(name, dossier.c[name].type, nullable=dossier.c[name].nullable) for name in LISTABLE_COLUMNS],
    sa.PrimaryKeyConstraint("code", name="dossier_listable_pkey").ddl_if(dialect="postgresql"),
)
sa.Index("ix_dossier_listable_end", dossier_listable.c.end_date).ddl_if(dialect="postgresql")  # rollups.listed_from

#: Per named period, unit, field and procedure: how many dossiers are finished late in the period, open and
#: overdue at its end, and of those without an apology letter and with it known (warehouse/list_rollup.py), so
#: the overdue page's summary of a month, quarter or year reads a few thousand groups however many dossiers there
#: are. Rebuilt and refreshed with the rollup; read while its version is current. No key: field and names may be
#: unknown (NULL).
list_rollup = sa.Table(
    "list_rollup",
    metadata,
    sa.Column("period_key", sa.String(32), nullable=False),
    sa.Column("cutoff", sa.SmallInteger, nullable=False),
    sa.Column("unit_code", sa.String(32), nullable=False),
    sa.Column("procedure_code", sa.String(64), nullable=False),
    sa.Column("field_code", sa.String(64)),
    sa.Column("procedure_name", sa.String(500)),
    sa.Column("field_name", sa.String(300)),
    sa.Column("finished_late", sa.Integer, nullable=False),
    sa.Column("open_overdue", sa.Integer, nullable=False),
    sa.Column("without_apology", sa.Integer, nullable=False),
    sa.Column("apology_known", sa.Integer, nullable=False),
)
sa.Index("ix_list_rollup_period", list_rollup.c.period_key, list_rollup.c.cutoff, list_rollup.c.unit_code).ddl_if(
    dialect="postgresql"
)

#: Per unit and day, what happened and what entered or left the open states (warehouse/events.py): any date
#: range's counts without a scan of the dossiers. Rebuilt with the rollup; served while its version is current.
EVENT_IN_RANGE = (
    "r_received",
    "r_online",
    "r_direct",
    "r_postal",
    "r_with_fee",
    "r_paid_online",
    "r_digitised",
    "r_channel_known",
    "r_digitised_known",
    "r_fee_known",
    "f_finished",
    "f_early",
    "f_on_time",
    "f_late",
    "f_late_no_apology",
    "f_late_apology_known",
    "f_rated",
    "f_rated_satisfied",
    "w_withdrawn",
)
EVENT_STATE = (
    "open_in",
    "open_out",
    "paused_in",
    "ov_in",
    "ov_out",
    "ov_no_apology_in",
    "ov_no_apology_out",
    "ov_apology_known_in",
    "ov_apology_known_out",
)


def _events(name: str, key: str) -> sa.Table:
    """A table of events per unit and `key` (a day, or a month by its first day)."""
    return sa.Table(
        name,
        metadata,
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column(key, sa.Date, nullable=False),
        *[sa.Column(n, sa.Integer, nullable=False) for n in (*EVENT_IN_RANGE, *EVENT_STATE)],
        sa.PrimaryKeyConstraint("unit_code", key, name=f"{name}_pkey").ddl_if(dialect="postgresql"),
    )


unit_day_event = _events("unit_day_event", "day")
sa.Index("ix_unit_day_event_day", unit_day_event.c.day).ddl_if(dialect="postgresql")  # a range's partial months

#: the same events summed per unit and calendar month (`month`: its first day), so a range reads whole months
#: here and only its partial months' days from unit_day_event (migration 0007)
unit_month_event = _events("unit_month_event", "month")

#: The tables made from the dossiers (rollups.rebuild; an import's refresh updates them): a refresh must leave them
#: as a rebuild makes them
DERIVED = (rollup, rollup_pack, unit_day_event, unit_month_event, dossier_listable, list_rollup)

#: Ids of these tables come from sequences (migration 0002; engine.reserve_ids), not max(id) + 1
ID_SEQUENCES = {
    name: sa.Sequence(f"{name}_id_seq", metadata=metadata) for name in ("import_log", "quarantine", "published_index")
}

#: Key/value facts about the warehouse: data_version (bumped on every dossier change),
#: rollup_version (the data_version the rollup was built from), demo flags.
meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text),
)
