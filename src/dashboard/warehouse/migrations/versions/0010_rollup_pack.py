"""rollup_pack: the rollup a period to a row (schema.rollup_pack, rollups.pack), which the trends read.

The table is derived: created empty with the rollup's versions taken out of meta, so the warehouse reads as stale
and is rebuilt once — by `upgrade` or at the dashboard's start — which packs every period (as 0009).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "rollup_pack" in set(sa.inspect(op.get_bind()).get_table_names()):  # a warehouse without its revisions' log
        op.drop_table("rollup_pack")
    op.create_table(
        "rollup_pack",
        sa.Column("period_key", sa.String(32), nullable=False),
        sa.Column("cutoff", sa.SmallInteger, nullable=False),
        sa.Column("units", sa.Text, nullable=False),
        sa.Column("counts", sa.LargeBinary, nullable=False),
    )
    if op.get_bind().dialect.name != "duckdb":  # DuckDB: no key, as the rollup's (schema.rollup_pack)
        op.create_primary_key("rollup_pack_pkey", "rollup_pack", ["period_key", "cutoff"])
    m = sa.table("meta", sa.column("key"))
    op.get_bind().execute(m.delete().where(m.c.key.like("rollup_version_c%")))


def downgrade() -> None:
    op.drop_table("rollup_pack")
