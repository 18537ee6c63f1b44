"""client reminders and price alerts: a request id, unique, so a request repeated (a double click on the desk,
a retried HTTP request) sets one

Revision ID: 0009_reminder_requests
Revises: 0008_client_reminders
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_reminder_requests"
down_revision = "0008_client_reminders"
branch_labels = None
depends_on = None

TABLES = ("client_reminders", "price_alerts")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("request_id", sa.String(length=100), nullable=True))
        op.create_index(f"ix_{table}_request_id", table, ["request_id"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_request_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("request_id")
