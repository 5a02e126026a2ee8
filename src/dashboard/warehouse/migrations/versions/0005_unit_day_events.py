"""unit_day_event: per unit and day, the dossiers received, finished and withdrawn that day and those entering
and leaving the open states (warehouse/events.py), so a custom date range is counted without scanning the
dossiers (issue 18). Derived data: created empty; the next import or `python -m dashboard rebuild` fills it,
and pages count from the dossiers until then.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

IN_RANGE = (
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
STATE = (
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


def upgrade() -> None:
    if "unit_day_event" in set(sa.inspect(op.get_bind()).get_table_names()):
        return
    op.create_table(
        "unit_day_event",
        sa.Column("unit_code", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        *[sa.Column(name, sa.Integer, nullable=False) for name in (*IN_RANGE, *STATE)],
    )


def downgrade() -> None:
    op.drop_table("unit_day_event")
