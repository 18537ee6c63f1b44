"""the post-call survey: a surveyed call and its answers

Revision ID: 0015_post_call_surveys
Revises: 0014_portal_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_post_call_surveys"
down_revision = "0014_portal_sessions"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "post_call_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(length=60), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("channel_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        _fk("post_call_surveys", "call_id", "calls"),
        _fk("post_call_surveys", "survey_version_id", "survey_versions", None),
        _fk("post_call_surveys", "investor_id", "investors", None),
        _fk("post_call_surveys", "agent_id", "agents", None),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_call_surveys")),
        sa.UniqueConstraint("call_id", name=op.f("uq_post_call_surveys_call_id")),
    )
    op.create_index("ix_post_call_surveys_investor_id", "post_call_surveys", ["investor_id"])
    op.create_index("ix_post_call_surveys_agent_id", "post_call_surveys", ["agent_id"])
    op.create_index("ix_post_call_surveys_started_at", "post_call_surveys", ["started_at"])
    op.create_table(
        "post_call_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=2), nullable=False),
        sa.Column("recording", sa.String(length=100), nullable=True),
        sa.Column("answered_at", UTC_TIME, nullable=False),
        _fk("post_call_answers", "survey_id", "post_call_surveys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_call_answers")),
        sa.UniqueConstraint("survey_id", "question", name="uq_post_call_answers_survey_question"),
    )
    op.create_index("ix_post_call_answers_survey_id", "post_call_answers", ["survey_id"])


def downgrade() -> None:
    op.drop_table("post_call_answers")
    op.drop_table("post_call_surveys")
