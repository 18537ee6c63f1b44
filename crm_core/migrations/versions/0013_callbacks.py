"""callbacks: taken in the queue (keeping the caller's place) or scheduled at the desk, made by the ACD

Revision ID: 0013_callbacks
Revises: 0012_surveys
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_callbacks"
down_revision = "0012_surveys"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("open_number", sa.String(length=32), nullable=True),
        sa.Column("investor_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("entered_at", UTC_TIME, nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("call_id", sa.String(length=32), nullable=True),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("idempotency", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["investor_id"], ["investors.id"], ondelete="SET NULL",
                                name=op.f("fk_callbacks_investor_id_investors")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name=op.f("fk_callbacks_agent_id_agents")),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_callbacks_call_id_calls")),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"], ondelete="SET NULL",
                                name=op.f("fk_callbacks_reminder_id_reminders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
        sa.UniqueConstraint("open_number", name=op.f("uq_callbacks_open_number")),
        sa.UniqueConstraint("call_id", name=op.f("uq_callbacks_call_id")),
        sa.UniqueConstraint("idempotency", name=op.f("uq_callbacks_idempotency")),
    )
    op.create_index("ix_callbacks_number", "callbacks", ["number"])
    op.create_index("ix_callbacks_status_due", "callbacks", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_callbacks_status_due", table_name="callbacks")
    op.drop_index("ix_callbacks_number", table_name="callbacks")
    op.drop_table("callbacks")
