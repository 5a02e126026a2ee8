"""list_rollup: the overdue lists' lengths per named period, unit, field and procedure (warehouse/list_rollup.py),
so the overdue page's summary of a named period reads its groups instead of scanning the period's list rows.

Created empty: its version is not in meta, so the warehouse reads as stale and the derived tables are rebuilt
once — by `upgrade` (and every command that upgrades before writing) or at the dashboard's start — which
fills it from the dossiers with the same code as every later rebuild. Until then the page scans, as before.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "list_rollup" in set(sa.inspect(bind).get_table_names()):
        return
    op.create_table(
        "list_rollup",
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
    )
    if bind.dialect.name != "duckdb":  # DuckDB's zone maps need no index (revision 0006)
        op.create_index("ix_list_rollup_period", "list_rollup", ["period_key", "cutoff", "unit_code"])


def downgrade() -> None:
    op.drop_table("list_rollup")
