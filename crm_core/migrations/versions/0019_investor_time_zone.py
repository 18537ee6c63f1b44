"""an investor's own time zone (IANA name; empty: the brokerage's), for the survey dialer's call windows

Revision ID: 0019_investor_time_zone
Revises: 0018_survey_links
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_investor_time_zone"
down_revision = "0018_survey_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("investor_details") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("investor_details") as batch:
        batch.drop_column("time_zone")
