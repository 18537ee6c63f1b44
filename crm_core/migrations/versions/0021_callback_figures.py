"""a skill's callbacks in the interval aggregates: asked (queue, desk, portal), made, reached, failed, cancelled

Revision ID: 0021_callback_figures
Revises: 0020_callback_cancelled
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_callback_figures"
down_revision = "0020_callback_cancelled"
branch_labels = None
depends_on = None

COLUMNS = ("callbacks_queue", "callbacks_desk", "callbacks_portal", "callbacks_made", "callbacks_reached",
           "callbacks_failed", "callbacks_cancelled")


def upgrade() -> None:
    with op.batch_alter_table("report_intervals") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("report_intervals") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
