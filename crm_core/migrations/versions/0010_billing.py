"""call billing: versioned tariffs, a rating per CDR per tariff version, outbound budgets, departments, the
calls made for campaigns

Revision ID: 0010_billing
Revises: 0009_reminder_requests
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_billing"
down_revision = "0009_reminder_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tariff_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=60), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_versions")),
    )
    op.create_index("ix_tariff_versions_effective_from", "tariff_versions", ["effective_from"])
    op.create_table(
        "tariff_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("band_from", sa.Integer(), nullable=False),
        sa.Column("band_until", sa.Integer(), nullable=False),
        sa.Column("rate_e4", sa.Integer(), nullable=False),
        sa.Column("increment_seconds", sa.Integer(), nullable=False),
        sa.Column("minimum_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["tariff_versions.id"], ondelete="CASCADE",
                                name=op.f("fk_tariff_rates_version_id_tariff_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff_rates")),
    )
    op.create_index("ix_tariff_rates_version_id", "tariff_rates", ["version_id"])
    op.create_table(
        "cdr_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cdr_id", sa.Integer(), nullable=False),
        sa.Column("tariff_version_id", sa.Integer(), nullable=True),
        sa.Column("tariff_rate_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=True),
        sa.Column("band", sa.String(length=20), nullable=True),
        sa.Column("rate_e4", sa.Integer(), nullable=False),
        sa.Column("increment_seconds", sa.Integer(), nullable=False),
        sa.Column("minimum_seconds", sa.Integer(), nullable=False),
        sa.Column("billable_seconds", sa.Integer(), nullable=False),
        sa.Column("billed_seconds", sa.Integer(), nullable=False),
        sa.Column("cost_fen", sa.Integer(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cdr_id"], ["call_detail_records.id"], ondelete="CASCADE",
                                name=op.f("fk_cdr_ratings_cdr_id_call_detail_records")),
        sa.ForeignKeyConstraint(["tariff_version_id"], ["tariff_versions.id"],
                                name=op.f("fk_cdr_ratings_tariff_version_id_tariff_versions")),
        sa.ForeignKeyConstraint(["tariff_rate_id"], ["tariff_rates.id"],
                                name=op.f("fk_cdr_ratings_tariff_rate_id_tariff_rates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cdr_ratings")),
        sa.UniqueConstraint("cdr_id", "tariff_version_id", name="uq_cdr_ratings_cdr_version"),
    )
    op.create_index("ix_cdr_ratings_cdr_id", "cdr_ratings", ["cdr_id"])
    op.create_table(
        "outbound_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("limit_fen", sa.Integer(), nullable=False),
        sa.Column("alert_percent", sa.Integer(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_budgets")),
        sa.UniqueConstraint("scope", "subject", "month", name="uq_outbound_budgets_scope_subject_month"),
    )
    op.create_table(
        "department_members",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE",
                                name=op.f("fk_department_members_agent_id_agents")),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_department_members")),
    )
    op.create_index("ix_department_members_department", "department_members", ["department"])
    op.create_table(
        "campaign_calls",
        sa.Column("call_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_campaign_calls_call_id_calls")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE",
                                name=op.f("fk_campaign_calls_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_campaign_calls")),
    )
    op.create_index("ix_campaign_calls_campaign_id", "campaign_calls", ["campaign_id"])


def downgrade() -> None:
    for table in ("campaign_calls", "department_members", "outbound_budgets", "cdr_ratings", "tariff_rates",
                  "tariff_versions"):
        op.drop_table(table)
