"""the clients' web self-service: client_web_sessions (a fund account's signed-in portal sessions)

Revision ID: 0014_portal_sessions
Revises: 0013_callbacks
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_portal_sessions"
down_revision = "0013_callbacks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["trading_accounts.id"],
                                name=op.f("fk_client_web_sessions_account_id_trading_accounts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["investor_id"], ["investors.id"],
                                name=op.f("fk_client_web_sessions_investor_id_investors"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_client_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_client_web_sessions_account_id"), "client_web_sessions", ["account_id"])
    op.create_index(op.f("ix_client_web_sessions_investor_id"), "client_web_sessions", ["investor_id"])
    op.create_index(op.f("ix_client_web_sessions_expires_at"), "client_web_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("client_web_sessions")
