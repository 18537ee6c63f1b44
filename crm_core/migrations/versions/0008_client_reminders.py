"""client reminders and price alerts (sent through the outbox)

Revision ID: 0008_client_reminders
Revises: 0007_notifications
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_client_reminders"
down_revision = "0007_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["investor_id"], ["investors.id"], ondelete="CASCADE",
                                name=op.f("fk_client_reminders_investor_id_investors")),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"], ondelete="SET NULL",
                                name=op.f("fk_client_reminders_notification_id_notifications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_reminders")),
    )
    op.create_index("ix_client_reminders_investor_id", "client_reminders", ["investor_id"])
    op.create_index("ix_client_reminders_queued_due", "client_reminders", ["queued_at", "due_at"])
    op.create_table(
        "price_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("security_code", sa.String(length=6), nullable=False),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("triggered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("triggered_price_cents", sa.Integer(), nullable=True),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["investor_id"], ["investors.id"], ondelete="CASCADE",
                                name=op.f("fk_price_alerts_investor_id_investors")),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"], ondelete="SET NULL",
                                name=op.f("fk_price_alerts_notification_id_notifications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_alerts")),
    )
    op.create_index("ix_price_alerts_investor_id", "price_alerts", ["investor_id"])
    op.create_index("ix_price_alerts_triggered_code", "price_alerts", ["triggered_at", "security_code"])


def downgrade() -> None:
    op.drop_table("price_alerts")
    op.drop_table("client_reminders")
