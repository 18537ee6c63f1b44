"""complaints with deadlines: channel, department, severity, owner, acknowledge and resolve deadlines,
escalation, the sender and what made it; their history (complaint_steps) and files (complaint_attachments).
A complaint may come from a sender not yet matched to a client (investor_id nullable).

Revision ID: 0017_complaints
Revises: 0016_call_reviews
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_complaints"
down_revision = "0016_call_reviews"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.alter_column("investor_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("channel", sa.String(length=20), nullable=False, server_default="phone"))
        batch_op.add_column(sa.Column("department", sa.String(length=60), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("severity", sa.String(length=10), nullable=False, server_default="normal"))
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("acknowledge_by", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("resolve_by", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("escalated_to", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("escalated_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("sender", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("source_key", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_complaints_owner_id_agents"), "agents", ["owner_id"], ["id"])
        batch_op.create_unique_constraint(batch_op.f("uq_complaints_source_key"), ["source_key"])
    op.create_table(
        "complaint_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"], ondelete="CASCADE",
                                name=op.f("fk_complaint_steps_complaint_id_complaints")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_steps")),
    )
    op.create_index("ix_complaint_steps_complaint_id", "complaint_steps", ["complaint_id"])
    op.create_table(
        "complaint_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"], ondelete="CASCADE",
                                name=op.f("fk_complaint_attachments_complaint_id_complaints")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_attachments")),
    )
    op.create_index("ix_complaint_attachments_complaint_id", "complaint_attachments", ["complaint_id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_attachments_complaint_id", table_name="complaint_attachments")
    op.drop_table("complaint_attachments")
    op.drop_index("ix_complaint_steps_complaint_id", table_name="complaint_steps")
    op.drop_table("complaint_steps")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_complaints_source_key"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_complaints_owner_id_agents"), type_="foreignkey")
        for column in ("source_key", "sender", "escalated_at", "escalated_to", "escalation_level", "resolution",
                       "acknowledged_at", "resolve_by", "acknowledge_by", "owner_id", "severity", "department",
                       "channel"):
            batch_op.drop_column(column)
        batch_op.alter_column("investor_id", existing_type=sa.Integer(), nullable=False)
