"""Baseline: the warehouse as main built it before migrations (commit cd4943f).

A warehouse built by that code has these tables, except perhaps official_score and dossier_listable,
which it created on first use, and no alembic_version. Each table is created only when missing, so that
warehouse is adopted as it is and an empty database gets the whole schema.

A frozen copy of the tables at that commit (not warehouse.schema, which moves on with later revisions).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

COUNT_FIELDS = (
    "received",
    "carried_in",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "withdrawn",
    "paused",
    "open_in_time",
    "open_overdue",
    "overdue_without_apology",
    "received_online",
    "received_direct",
    "received_postal",
    "received_with_fee",
    "received_paid_online",
    "received_digitised",
    "rated",
    "rated_satisfied",
)


def _tables() -> list[tuple[str, list[sa.Column]]]:
    s = sa
    dossier_cols: list[sa.Column] = [
        s.Column("code", s.String(100), primary_key=True),
        s.Column("procedure_code", s.String(64), nullable=False),
        s.Column("procedure_name", s.String(500)),
        s.Column("field_code", s.String(64)),
        s.Column("field_name", s.String(300)),
        s.Column("unit_code", s.String(32), nullable=False),
        s.Column("received_at", s.DateTime, nullable=False),
        s.Column("received_date", s.Date, nullable=False),
        s.Column("due_at", s.DateTime),
        s.Column("due_date", s.Date),
        s.Column("end_at", s.DateTime),
        s.Column("end_date", s.Date),
        s.Column("returned_at", s.DateTime),
        s.Column("status", s.SmallInteger, nullable=False),
        s.Column("channel", s.SmallInteger),
        s.Column("online_level", s.SmallInteger),
        s.Column("paid_online", s.SmallInteger),
        s.Column("has_fee", s.SmallInteger),
        s.Column("digitised", s.SmallInteger),
        s.Column("apology", s.SmallInteger),
        s.Column("supplement_count", s.Integer),
        s.Column("rating", s.SmallInteger),
        s.Column("extra", s.Text),
        s.Column("row_hash", s.String(64), nullable=False),
        s.Column("source_file", s.String(500)),
        s.Column("source_row", s.Integer),
        s.Column("import_id", s.Integer),
    ]
    listable = (
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
    by_name = {c.name: c for c in dossier_cols}
    return [
        (
            "unit",
            [
                s.Column("code", s.String(32), primary_key=True),
                s.Column("valid_from", s.Date, primary_key=True),
                s.Column("valid_to", s.Date),
                s.Column("name", s.String(200), nullable=False),
                s.Column("kind", s.String(32), nullable=False),
                s.Column("parent_code", s.String(32)),
                s.Column("area_code", s.String(32)),
                s.Column("source", s.String(200)),
            ],
        ),
        (
            "unit_successor",
            [
                s.Column("code", s.String(32), primary_key=True),
                s.Column("successor_code", s.String(32), primary_key=True),
                s.Column("effective_date", s.Date, nullable=False),
            ],
        ),
        ("field", [s.Column("code", s.String(64), primary_key=True), s.Column("name", s.String(300))]),
        (
            "procedure",
            [
                s.Column("code", s.String(64), primary_key=True),
                s.Column("name", s.String(500)),
                s.Column("field_code", s.String(64)),
            ],
        ),
        ("dossier", dossier_cols),
        (
            "published_index",
            [
                s.Column("id", s.Integer, primary_key=True, autoincrement=False),
                s.Column("index_name", s.String(32), nullable=False),
                s.Column("year", s.Integer, nullable=False),
                s.Column("period", s.String(32)),
                s.Column("area_code", s.String(32)),
                s.Column("area_name", s.String(200)),
                s.Column("component", s.String(200)),
                s.Column("score", s.Float),
                s.Column("max_score", s.Float),
                s.Column("rank", s.Integer),
                s.Column("rank_of", s.Integer),
                s.Column("quality", s.String(32)),
                s.Column("source_url", s.Text),
                s.Column("note", s.Text),
            ],
        ),
        (
            "official_score",
            [
                s.Column("unit_code", s.String(32), primary_key=True),
                s.Column("period_key", s.String(32), primary_key=True),
                s.Column("group_key", s.String(32), primary_key=True),
                s.Column("score", s.Float, nullable=False),
                s.Column("max_score", s.Float, nullable=False),
                s.Column("source_file", s.String(500)),
                s.Column("source_row", s.Integer),
                s.Column("import_id", s.Integer),
            ],
        ),
        (
            "import_log",
            [
                s.Column("id", s.Integer, primary_key=True, autoincrement=False),
                s.Column("file_name", s.String(500), nullable=False),
                s.Column("file_sha256", s.String(64)),
                s.Column("started_at", s.DateTime),
                s.Column("finished_at", s.DateTime),
                s.Column("status", s.String(16)),
                s.Column("rows_total", s.Integer),
                s.Column("rows_new", s.Integer),
                s.Column("rows_updated", s.Integer),
                s.Column("rows_unchanged", s.Integer),
                s.Column("rows_quarantined", s.Integer),
                s.Column("rows_superseded", s.Integer),
                s.Column("extra_columns", s.Text),
                s.Column("message", s.Text),
            ],
        ),
        (
            "quarantine",
            [
                s.Column("id", s.Integer, primary_key=True, autoincrement=False),
                s.Column("import_id", s.Integer, nullable=False),
                s.Column("file_name", s.String(500), nullable=False),
                s.Column("row_number", s.Integer, nullable=False),
                s.Column("dossier_code", s.String(100)),
                s.Column("reason_code", s.String(64), nullable=False),
                s.Column("field", s.String(64)),
                s.Column("reason_vi", s.Text, nullable=False),
                s.Column("reason_en", s.Text, nullable=False),
                s.Column("raw", s.Text, nullable=False),
            ],
        ),
        (
            "rollup",
            [
                s.Column("period_key", s.String(32), primary_key=True),
                s.Column("cutoff", s.SmallInteger, primary_key=True),
                s.Column("unit_code", s.String(32), primary_key=True),
                s.Column("start_date", s.Date, nullable=False),
                s.Column("end_date", s.Date, nullable=False),
                *[s.Column(name, s.Integer, nullable=False) for name in COUNT_FIELDS],
            ],
        ),
        (
            "dossier_listable",
            [s.Column(n, by_name[n].type, primary_key=n == "code", nullable=by_name[n].nullable) for n in listable],
        ),
        ("meta", [s.Column("key", s.String(64), primary_key=True), s.Column("value", s.Text)]),
    ]


def upgrade() -> None:
    have = set(sa.inspect(op.get_bind()).get_table_names())
    for name, columns in _tables():
        if name not in have:
            op.create_table(name, *columns)
    if "dossier" not in have:
        op.create_index("ix_dossier_unit_received", "dossier", ["unit_code", "received_date"])
        op.create_index("ix_dossier_end", "dossier", ["end_date"])


def downgrade() -> None:
    for name, _ in reversed(_tables()):
        op.drop_table(name)
