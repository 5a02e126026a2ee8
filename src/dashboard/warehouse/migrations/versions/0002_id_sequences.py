"""Ids from sequences instead of max(id) + 1 (two imports at once on PostgreSQL could take the same id).

Each sequence starts after the largest id already in its table.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: table → its id sequence (warehouse.schema names the same)
SEQUENCES = {
    "import_log": "import_log_id_seq",
    "quarantine": "quarantine_id_seq",
    "published_index": "published_index_id_seq",
}


def upgrade() -> None:
    conn = op.get_bind()
    if not conn.dialect.supports_sequences:  # SQLite: ids stay max + 1 (one writer at a time anyway)
        return
    for table, seq in SEQUENCES.items():
        start: int = conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(sa.column("id")), 0) + 1).select_from(sa.table(table))
        ).scalar_one()
        op.execute(sa.schema.CreateSequence(sa.Sequence(seq, start=int(start)), if_not_exists=True))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.supports_sequences:
        for seq in SEQUENCES.values():
            op.execute(sa.schema.DropSequence(sa.Sequence(seq), if_exists=True))
