"""surveys as data, outbound survey campaigns (targets, attempts, answers), the do-not-call list, and the
scheduler's job runs

Revision ID: 0012_surveys
Revises: 0011_report_intervals
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_surveys"
down_revision = "0011_report_intervals"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "survey_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("published_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_versions")),
        sa.UniqueConstraint("code", "version", name="uq_survey_versions_code_version"),
    )
    op.create_index("ix_survey_versions_code", "survey_versions", ["code"])
    op.create_table(
        "survey_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("run_until", UTC_TIME, nullable=True),
        sa.Column("runner", sa.String(length=100), nullable=True),
        sa.Column("lease_until", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _fk("survey_campaigns", "survey_version_id", "survey_versions", None),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_campaigns")),
        sa.UniqueConstraint("code", name=op.f("uq_survey_campaigns_code")),
    )
    op.create_table(
        "survey_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", UTC_TIME, nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(length=60), nullable=True),
        sa.Column("call_id", sa.String(length=32), nullable=True),
        _fk("survey_targets", "campaign_id", "survey_campaigns"),
        _fk("survey_targets", "investor_id", "investors"),
        _fk("survey_targets", "agent_id", "agents", None),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_targets")),
        sa.UniqueConstraint("campaign_id", "investor_id", name="uq_survey_targets_campaign_investor"),
    )
    op.create_index("ix_survey_targets_due", "survey_targets", ["campaign_id", "status", "next_at"])
    op.create_table(
        "survey_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=100), nullable=False),
        sa.Column("runner", sa.String(length=100), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("amd", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        _fk("survey_attempts", "campaign_id", "survey_campaigns"),
        _fk("survey_attempts", "target_id", "survey_targets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_attempts")),
        sa.UniqueConstraint("channel_id", name=op.f("uq_survey_attempts_channel_id")),
    )
    op.create_index("ix_survey_attempts_campaign_id", "survey_attempts", ["campaign_id"])
    op.create_index("ix_survey_attempts_target_id", "survey_attempts", ["target_id"])
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=1), nullable=False),
        sa.Column("answered_at", UTC_TIME, nullable=False),
        _fk("survey_answers", "campaign_id", "survey_campaigns"),
        _fk("survey_answers", "target_id", "survey_targets"),
        _fk("survey_answers", "attempt_id", "survey_attempts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
        sa.UniqueConstraint("attempt_id", "question", name="uq_survey_answers_attempt_question"),
    )
    op.create_index("ix_survey_answers_campaign_id", "survey_answers", ["campaign_id"])
    op.create_index("ix_survey_answers_target_id", "survey_answers", ["target_id"])
    op.create_table(
        "do_not_call",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("added_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_do_not_call")),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("scheduled_for", UTC_TIME, nullable=False),
        sa.Column("runner", sa.String(length=100), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=True),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint("job", "scheduled_for", name="uq_job_runs_job_scheduled_for"),
    )


def downgrade() -> None:
    for table in ("job_runs", "do_not_call", "survey_answers", "survey_attempts", "survey_targets",
                  "survey_campaigns", "survey_versions"):
        op.drop_table(table)
