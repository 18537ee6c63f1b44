"""One leg of a double-entry journal: signed cents (debit positive, credit negative); every journal
(one transfer, one fill, one opening balance) sums to zero."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core.models.base import Base, UtcDateTime


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_ledger_account", "ledger_account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journal: Mapped[str] = mapped_column(String(60), index=True)  # transfer:12 | fill:7 | opening:3
    ledger_account: Mapped[str] = mapped_column(String(60))  # broker_cash:3 | bank_deposit:3 | ...
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime)
