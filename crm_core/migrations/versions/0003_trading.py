"""trading: accounts, orders, fills, positions, cancels, bank transfers, ledger, alerts

Revision ID: 0003_trading
Revises: 0002_crm
Create Date: 2026-11-25 13:23:51.988930
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_trading"
down_revision = "0002_crm"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_kind"), ["kind"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal", sa.String(length=60), nullable=False),
        sa.Column("ledger_account", sa.String(length=60), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entries_journal"), ["journal"], unique=False)
        batch_op.create_index("ix_ledger_entries_ledger_account", ["ledger_account"], unique=False)

    op.create_table(
        "trading_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("account_number", sa.String(length=32), nullable=False),
        sa.Column("cash_cents", sa.BigInteger(), nullable=False),
        sa.Column("frozen_cents", sa.BigInteger(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cash_cents >= 0", name=op.f("ck_trading_accounts_cash_not_negative")),
        sa.CheckConstraint(
            "frozen_cents >= 0 AND frozen_cents <= cash_cents", name=op.f("ck_trading_accounts_frozen_within_cash")
        ),
        sa.ForeignKeyConstraint(
            ["investor_id"],
            ["investors.id"],
            name=op.f("fk_trading_accounts_investor_id_investors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trading_accounts")),
        sa.UniqueConstraint("account_number", name=op.f("uq_trading_accounts_account_number")),
    )
    with op.batch_alter_table("trading_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trading_accounts_investor_id"), ["investor_id"], unique=False)

    op.create_table(
        "bank_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trading_account_id", sa.Integer(), nullable=False),
        sa.Column("bank_code", sa.String(length=20), nullable=False),
        sa.Column("account_number", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance_cents >= 0", name=op.f("ck_bank_accounts_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["trading_account_id"],
            ["trading_accounts.id"],
            name=op.f("fk_bank_accounts_trading_account_id_trading_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_accounts")),
        sa.UniqueConstraint("trading_account_id", name=op.f("uq_bank_accounts_trading_account_id")),
    )
    op.create_table(
        "bank_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reject_code", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["trading_accounts.id"],
            name=op.f("fk_bank_transfers_account_id_trading_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_transfers")),
        sa.UniqueConstraint("request_id", name=op.f("uq_bank_transfers_request_id")),
    )
    with op.batch_alter_table("bank_transfers", schema=None) as batch_op:
        batch_op.create_index("ix_bank_transfers_account_created", ["account_id", "created_at"], unique=False)

    op.create_table(
        "order_cancels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reject_code", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["trading_accounts.id"],
            name=op.f("fk_order_cancels_account_id_trading_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_cancels")),
        sa.UniqueConstraint("request_id", name=op.f("uq_order_cancels_request_id")),
    )
    op.create_table(
        "trading_positions",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("security_code", sa.String(length=12), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("frozen_quantity", sa.BigInteger(), nullable=False),
        sa.Column("cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("last_buy_date", sa.Date(), nullable=True),
        sa.Column("last_buy_quantity", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["trading_accounts.id"],
            name=op.f("fk_trading_positions_account_id_trading_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "security_code", name=op.f("pk_trading_positions")),
    )
    op.create_table(
        "trading_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("security_code", sa.String(length=12), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("filled_quantity", sa.BigInteger(), nullable=False),
        sa.Column("filled_amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("frozen_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reject_code", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("trade_date", sa.Date(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["trading_accounts.id"],
            name=op.f("fk_trading_orders_account_id_trading_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["disclosure_id"], ["risk_disclosures.id"], name=op.f("fk_trading_orders_disclosure_id_risk_disclosures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trading_orders")),
        sa.UniqueConstraint("request_id", name=op.f("uq_trading_orders_request_id")),
    )
    with op.batch_alter_table("trading_orders", schema=None) as batch_op:
        batch_op.create_index("ix_trading_orders_account_status", ["account_id", "status"], unique=False)

    op.create_table(
        "trading_fills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("security_code", sa.String(length=12), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("trade_date", sa.Date(), nullable=False),
        sa.Column("filled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["trading_accounts.id"],
            name=op.f("fk_trading_fills_account_id_trading_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["trading_orders.id"],
            name=op.f("fk_trading_fills_order_id_trading_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trading_fills")),
    )
    with op.batch_alter_table("trading_fills", schema=None) as batch_op:
        batch_op.create_index("ix_trading_fills_account_date", ["account_id", "trade_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_trading_fills_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trading_fills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trading_fills_order_id"))
        batch_op.drop_index("ix_trading_fills_account_date")

    op.drop_table("trading_fills")
    with op.batch_alter_table("trading_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_trading_orders_account_status")

    op.drop_table("trading_orders")
    op.drop_table("trading_positions")
    op.drop_table("order_cancels")
    with op.batch_alter_table("bank_transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_transfers_account_created")

    op.drop_table("bank_transfers")
    op.drop_table("bank_accounts")
    with op.batch_alter_table("trading_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trading_accounts_investor_id"))

    op.drop_table("trading_accounts")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_ledger_account")
        batch_op.drop_index(batch_op.f("ix_ledger_entries_journal"))

    op.drop_table("ledger_entries")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_kind"))

    op.drop_table("alerts")
