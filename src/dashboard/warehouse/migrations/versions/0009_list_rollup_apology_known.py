"""list_rollup counts the overdue dossiers whose apology letter is known (apology_known), and "without an apology
letter" as SPEC §4 does: known and not 1. Revision 0008 counted an unknown letter as missing, so the overdue page
showed every overdue dossier of an export without CoPhieuXinLoi as without a letter, where the report showed none.

The table is derived: dropped and created again empty with its version taken out of meta, so the warehouse reads as
stale and is rebuilt once — by `upgrade` or at the dashboard's start — with the corrected counts (as 0008).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# the columns as this revision writes them (a revision freezes what it creates)
COUNTS = ("finished_late", "open_overdue", "without_apology", "apology_known")


def _create(counts: tuple[str, ...]) -> None:
    op.create_table(
        "list_rollup",
        sa.Column("period_key", sa.String(32), nullable=False),
        sa.Column("cutoff", sa.SmallInteger, nullable=False),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("procedure_code", sa.String(64), nullable=False),
        sa.Column("field_code", sa.String(64)),
        sa.Column("procedure_name", sa.String(500)),
        sa.Column("field_name", sa.String(300)),
        *[sa.Column(name, sa.Integer, nullable=False) for name in counts],
    )
    if op.get_bind().dialect.name != "duckdb":  # DuckDB's zone maps need no index (revision 0006)
        op.create_index("ix_list_rollup_period", "list_rollup", ["period_key", "cutoff", "unit_code"])


def _recreate(counts: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if "list_rollup" in set(sa.inspect(bind).get_table_names()):
        op.drop_table("list_rollup")
    _create(counts)
    m = sa.table("meta", sa.column("key"))
    bind.execute(m.delete().where(m.c.key == "list_rollup_version"))


def upgrade() -> None:
    _recreate(COUNTS)


def downgrade() -> None:
    _recreate(COUNTS[:3])
