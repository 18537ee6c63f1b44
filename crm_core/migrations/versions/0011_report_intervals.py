"""contact-centre figures per 15-minute interval (issue 15), added to as calls end; agents' state history and
time per state

Revision ID: 0011_report_intervals
Revises: 0010_billing
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_report_intervals"
down_revision = "0010_billing"
branch_labels = None
depends_on = None

WAIT_THRESHOLDS = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180)  # as in crm_core/models/report_interval.py, frozen
FIGURES = ("entered", "contained", "trades", "offered", "answered", "abandoned", "overflowed", "transferred",
           *(f"answered_within_{t}" for t in WAIT_THRESHOLDS), *(f"abandoned_within_{t}" for t in WAIT_THRESHOLDS),
           "answer_wait_ms", "talk_ms", "hold_ms", "max_wait_ms")


def upgrade() -> None:
    op.create_table(
        "report_intervals",
        sa.Column("interval_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0") for name in FIGURES),
        sa.PrimaryKeyConstraint("kind", "interval_start", "key", name=op.f("pk_report_intervals")),
    )
    op.create_table(
        "agent_state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE",
                                name=op.f("fk_agent_state_changes_agent_id_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_state_changes")),
    )
    op.create_index("ix_agent_state_changes_at_agent", "agent_state_changes", ["at", "agent_id"])
    op.create_table(
        "report_agent_states",
        sa.Column("interval_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("ms", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("interval_start", "agent_id", "state", "reason", name=op.f("pk_report_agent_states")),
    )


def downgrade() -> None:
    op.drop_table("report_agent_states")
    op.drop_table("agent_state_changes")
    op.drop_table("report_intervals")
