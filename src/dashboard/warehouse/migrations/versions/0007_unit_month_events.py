"""Derived tables for reading only what a page needs.

unit_month_event: the per-day events summed per unit and calendar month, so a date range reads its whole
months from here and only the days of its partial months from unit_day_event (a range's open states were a
scan of every event row up to its end: 116 ms on PostgreSQL at 3 M dossiers). Filled from unit_day_event as it
stands: a current warehouse stays current. Keyed on PostgreSQL only, as the other derived tables (0006), where
the per-day events gain an index on the day.

dossier_listable: end dates only where the status ends, so the lists can skip what ended before their period
(an index on the end date on PostgreSQL; DuckDB's zone maps on the rows, written in that order from now on).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# the event columns as revision 0005 made them (frozen here, not imported from schema.py)
COUNTS = (
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
    bind = op.get_bind()
    if "unit_month_event" in set(sa.inspect(bind).get_table_names()):
        return
    keyed = bind.dialect.name != "duckdb"
    table = op.create_table(
        "unit_month_event",
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        *[sa.Column(name, sa.Integer, nullable=False) for name in COUNTS],
        *([sa.PrimaryKeyConstraint("unit_code", "month", name="unit_month_event_pkey")] if keyed else []),
    )
    day = sa.table("unit_day_event", sa.column("unit_code"), sa.column("day"), *[sa.column(n) for n in COUNTS])
    month = sa.cast(sa.func.date_trunc("month", day.c.day), sa.Date)
    rows = sa.select(
        day.c.unit_code, month.label("month"), *[sa.cast(sa.func.sum(day.c[n]), sa.Integer).label(n) for n in COUNTS]
    ).group_by(day.c.unit_code, month)
    op.execute(table.insert().from_select(["unit_code", "month", *COUNTS], rows))
    if keyed:  # the days of a range's partial months (DuckDB's zone maps need no index)
        op.create_index("ix_unit_day_event_day", "unit_day_event", ["day"])
    # the overdue lists skip the rows ended before a period (rollups.listed_from): a row keeps its end date only
    # where its status ends (7, 9, 10), which every list and count already required
    op.execute("UPDATE dossier_listable SET end_date = NULL WHERE status NOT IN (7, 9, 10) AND end_date IS NOT NULL")
    if keyed:
        op.create_index("ix_dossier_listable_end", "dossier_listable", ["end_date"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "duckdb":
        op.drop_index("ix_unit_day_event_day", "unit_day_event")
        op.drop_index("ix_dossier_listable_end", "dossier_listable")
    op.drop_table("unit_month_event")
