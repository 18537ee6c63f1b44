"""the survey by e-mail or SMS: a link to the web form (only its token's digest kept)

Revision ID: 0018_survey_links
Revises: 0017_complaints
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_survey_links"
down_revision = "0017_complaints"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str | None = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "survey_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("used_at", UTC_TIME, nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _fk("survey_links", "campaign_id", "survey_campaigns"),
        _fk("survey_links", "target_id", "survey_targets"),
        _fk("survey_links", "attempt_id", "survey_attempts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_links")),
        sa.UniqueConstraint("digest", name=op.f("uq_survey_links_digest")),
        sa.UniqueConstraint("campaign_id", "target_id", "channel", name="uq_survey_links_target_channel"),
    )
    op.create_index("ix_survey_links_campaign_id", "survey_links", ["campaign_id"])


def downgrade() -> None:
    op.drop_table("survey_links")
