"""calls: direction (inbound, or outbound for click-to-dial)

Revision ID: 0006_call_direction
Revises: 0005_recordings
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_call_direction"
down_revision = "0005_recordings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("direction", sa.String(length=10), nullable=False, server_default="inbound"))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("direction")
