"""Facts a file did not give are unknown, not zero; unit aliases; what each import read.

- dossier.notes: what the importer changed in a row (a text cut to its first 4 000 characters, …).
- import_log.rows_skipped (title, blank and summary rows) and import_log.details (JSON: encoding, header row,
  columns used, units resolved by name, sheets not read).
- unit_alias: deliberate name → unit matches (`python -m dashboard units alias`), used by every import.
- The old importer stored an empty cell and an absent column alike as NULL, and the KPIs read NULL as the
  empty-cell default (KenhThucHien 1, the 0/1 flags 0). Now NULL means unknown. Where an import gave the fact
  for some of its rows, the column was in its file, so its NULLs were empty cells: they get the default. Where
  no row of an import has it, the column was absent and stays unknown. Rows without an import (the demo) get
  the default, as before.
- rollup: four more counts (the dossiers whose channel, digitisation, online payment and apology are known).
  The rollup is derived data: it is rebuilt (its versions are cleared, so pages read the dossiers until the
  next import or `python -m dashboard rebuild` refreshes it).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DEFAULTS = {"channel": 1, "paid_online": 0, "has_fee": 0, "digitised": 0, "apology": 0}
NEW_COUNTS = ("received_channel_known", "received_digitised_known", "received_fee_known", "overdue_apology_known")


def upgrade() -> None:
    conn = op.get_bind()
    insp = sa.inspect(conn)
    have = set(insp.get_table_names())
    # each step only when missing: a warehouse whose version table was lost replays every revision
    if "unit_alias" not in have:
        op.create_table(
            "unit_alias",
            sa.Column("alias_key", sa.String(300), primary_key=True),
            sa.Column("alias", sa.String(300), nullable=False),
            sa.Column("unit_code", sa.String(32), nullable=False),
            sa.Column("created_at", sa.DateTime),
        )
    log_cols = {c["name"] for c in insp.get_columns("import_log")}
    for name in ("rows_skipped", "details"):
        if name not in log_cols:
            op.add_column("import_log", sa.Column(name, sa.Integer if name == "rows_skipped" else sa.Text))
    if "notes" not in {c["name"] for c in insp.get_columns("dossier")}:
        # DuckDB refuses ALTER TABLE on a table that an index depends on: drop them around the change
        indexes = {ix["name"] for ix in insp.get_indexes("dossier")}
        for ix in ("ix_dossier_unit_received", "ix_dossier_end"):
            if ix in indexes:
                op.drop_index(ix, "dossier")
        op.add_column("dossier", sa.Column("notes", sa.Text))
        op.create_index("ix_dossier_unit_received", "dossier", ["unit_code", "received_date"])
        op.create_index("ix_dossier_end", "dossier", ["end_date"])
        d = sa.table("dossier", sa.column("import_id"), *[sa.column(c) for c in DEFAULTS])
        for col, default in DEFAULTS.items():
            given = sa.select(d.c.import_id).where(d.c[col].is_not(None), d.c.import_id.is_not(None)).distinct()
            conn.execute(
                d.update()
                .where(d.c[col].is_(None), sa.or_(d.c.import_id.is_(None), d.c.import_id.in_(given)))
                .values({col: default})
            )
    old = sa.Table("rollup", sa.MetaData(), autoload_with=conn)
    if not set(NEW_COUNTS) <= set(old.columns.keys()):
        cols = [sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable) for c in old.columns]
        cols += [sa.Column(name, sa.Integer, nullable=False) for name in NEW_COUNTS if name not in old.columns]
        op.drop_table("rollup")
        op.create_table("rollup", *cols)
        m = sa.table("meta", sa.column("key"))
        conn.execute(m.delete().where(m.c.key.like("rollup_version%")))


def downgrade() -> None:
    op.drop_table("unit_alias")
    for table, col in (("dossier", "notes"), ("import_log", "rows_skipped"), ("import_log", "details")):
        op.drop_column(table, col)
    for name in NEW_COUNTS:
        op.drop_column("rollup", name)
