"""quality review of calls: review forms as versioned JSON documents, and the reviews scored on them; a
notification may be to staff (no investor: the daily report e-mailed to a list)

Revision ID: 0016_call_reviews
Revises: 0015_post_call_surveys
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_call_reviews"
down_revision = "0015_post_call_surveys"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "review_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("published_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_forms")),
        sa.UniqueConstraint("code", "version", name="uq_review_forms_code_version"),
    )
    op.create_index("ix_review_forms_code", "review_forms", ["code"])
    op.create_table(
        "call_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("scores", sa.Text(), nullable=False),
        sa.Column("total_tenths", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("call_at", UTC_TIME, nullable=False),
        sa.Column("reviewed_at", UTC_TIME, nullable=False),
        _fk("call_reviews", "call_id", "calls", "CASCADE"),
        _fk("call_reviews", "form_id", "review_forms"),
        _fk("call_reviews", "agent_id", "agents"),
        _fk("call_reviews", "reviewer_id", "agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_reviews")),
    )
    op.create_index("ix_call_reviews_call_id", "call_reviews", ["call_id"])
    op.create_index("ix_call_reviews_agent_id", "call_reviews", ["agent_id"])
    op.create_index("ix_call_reviews_call_at", "call_reviews", ["call_at"])
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.alter_column("investor_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE investor_id IS NULL")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.alter_column("investor_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("call_reviews")
    op.drop_index("ix_review_forms_code", table_name="review_forms")
    op.drop_table("review_forms")
