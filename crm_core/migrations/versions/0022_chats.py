"""text chat between a client on the portal and an agent on the desk (issue 14, item 2): chats and their messages

Revision ID: 0022_chats
Revises: 0021_callback_figures
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_chats"
down_revision = "0021_callback_figures"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("open_investor_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("offered_at", UTC_TIME, nullable=True),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("ended_by", sa.String(length=10), nullable=True),
        sa.Column("client_seen_at", UTC_TIME, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        _fk("chats", "investor_id", "investors"),
        _fk("chats", "agent_id", "agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
        sa.UniqueConstraint("open_investor_id", name=op.f("uq_chats_open_investor_id")),
    )
    op.create_index("ix_chats_investor_id", "chats", ["investor_id"])
    op.create_index("ix_chats_status", "chats", ["status"])
    op.create_index("ix_chats_agent_id", "chats", ["agent_id"])
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("request_key", sa.String(length=100), nullable=False),
        _fk("chat_messages", "chat_id", "chats"),
        _fk("chat_messages", "agent_id", "agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
        sa.UniqueConstraint("chat_id", "seq", name="uq_chat_messages_chat_id_seq"),
        sa.UniqueConstraint("chat_id", "request_key", name="uq_chat_messages_chat_id_request_key"),
    )
    op.create_index("ix_chat_messages_chat_id", "chat_messages", ["chat_id"])


def downgrade() -> None:
    op.drop_table("chat_messages")
    op.drop_table("chats")
