"""recordings of calls (trading evidence); joins the trading and console branches

Revision ID: 0005_recordings
Revises: 0004_console, 0003_trading
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_recordings"
down_revision = ("0004_console", "0003_trading")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "call_recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_recordings_call_id_calls"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_recordings")),
        sa.UniqueConstraint("name", name=op.f("uq_call_recordings_name")),
    )
    op.create_index(op.f("ix_call_recordings_call_id"), "call_recordings", ["call_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_call_recordings_call_id"), table_name="call_recordings")
    op.drop_table("call_recordings")
