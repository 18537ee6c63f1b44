"""who cancelled a callback and when (the client may cancel it until the agent is rung)

Revision ID: 0020_callback_cancelled
Revises: 0019_investor_time_zone
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_callback_cancelled"
down_revision = "0019_investor_time_zone"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callbacks") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.String(length=60), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("callbacks") as batch:
        batch.drop_column("cancelled_by")
        batch.drop_column("cancelled_at")
