"""On the embedded warehouse (DuckDB) the dossier table and the tables derived from it (rollup, dossier_listable,
unit_day_event) keep no primary key, and the dossiers no secondary indexes; on PostgreSQL all stay. DuckDB keeps
such keys as ART trees in memory and updates them row by row: for a 1 000 000-row import they made the insert
5× slower (2,7 s against 0,5 s here) and the file half again as large, and the rebuild of the per-day events
of 3 M dossiers held 1,5 GB, while its scans never use them (zone maps serve the date ranges; every comparison
is a hash join). A key stays unique because the importer writes each code once (a file's earlier rows of a code
are superseded, a changed dossier is deleted before its new version goes in) and the derived tables are
written grouped by their key; tests hold both.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# the dossier table as revisions 0001-0005 left it (frozen here, not imported from schema.py)
COLUMNS = [
    ("code", "VARCHAR(100) NOT NULL"),
    ("procedure_code", "VARCHAR(64) NOT NULL"),
    ("procedure_name", "VARCHAR(500)"),
    ("field_code", "VARCHAR(64)"),
    ("field_name", "VARCHAR(300)"),
    ("unit_code", "VARCHAR(32) NOT NULL"),
    ("received_at", "TIMESTAMP NOT NULL"),
    ("received_date", "DATE NOT NULL"),
    ("due_at", "TIMESTAMP"),
    ("due_date", "DATE"),
    ("end_at", "TIMESTAMP"),
    ("end_date", "DATE"),
    ("returned_at", "TIMESTAMP"),
    ("status", "SMALLINT NOT NULL"),
    ("channel", "SMALLINT"),
    ("online_level", "SMALLINT"),
    ("paid_online", "SMALLINT"),
    ("has_fee", "SMALLINT"),
    ("digitised", "SMALLINT"),
    ("apology", "SMALLINT"),
    ("supplement_count", "INTEGER"),
    ("rating", "SMALLINT"),
    ("extra", "TEXT"),
    ("row_hash", "VARCHAR(64) NOT NULL"),
    ("source_file", "VARCHAR(500)"),
    ("source_row", "INTEGER"),
    ("import_id", "INTEGER"),
    ("notes", "TEXT"),
]
INDEXES = ("ix_dossier_unit_received", "ix_dossier_end", "ix_dossier_received")


DERIVED = ("rollup", "dossier_listable", "unit_day_event")


def _without_key(table: str) -> None:
    """Recreate `table` on DuckDB without its primary key (DuckDB cannot drop one), nulls as they were."""
    bind = op.get_bind()
    insp = sa.inspect(bind)
    if not insp.get_pk_constraint(table)["constrained_columns"]:
        return
    required = [c["name"] for c in insp.get_columns(table) if not c["nullable"]]
    op.execute(f"CREATE TABLE {table}_0006 AS SELECT * FROM {table}")
    for name in required:
        op.execute(f"ALTER TABLE {table}_0006 ALTER COLUMN {name} SET NOT NULL")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {table}_0006 RENAME TO {table}")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "duckdb":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for table in DERIVED:
        _without_key(table)
    if not sa.inspect(bind).get_pk_constraint("dossier")["constrained_columns"]:
        return
    names = ", ".join(c for c, _ in COLUMNS)
    op.execute(f"CREATE TABLE dossier_0006 ({', '.join(f'{c} {t}' for c, t in COLUMNS)})")
    op.execute(f"INSERT INTO dossier_0006 ({names}) SELECT {names} FROM dossier")
    op.execute("DROP TABLE dossier")
    op.execute("ALTER TABLE dossier_0006 RENAME TO dossier")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "duckdb":
        return
    names = ", ".join(c for c, _ in COLUMNS)
    op.execute(f"CREATE TABLE dossier_0005 ({', '.join(f'{c} {t}' for c, t in COLUMNS)}, PRIMARY KEY (code))")
    op.execute(f"INSERT INTO dossier_0005 ({names}) SELECT {names} FROM dossier")
    op.execute("DROP TABLE dossier")
    op.execute("ALTER TABLE dossier_0005 RENAME TO dossier")
    op.create_index("ix_dossier_unit_received", "dossier", ["unit_code", "received_date"])
    op.create_index("ix_dossier_end", "dossier", ["end_date"])
    op.create_index("ix_dossier_received", "dossier", ["received_date"])
    # the derived tables are rebuilt by `python -m dashboard rebuild`; their keys come back with them there
