"""The statement's data: funds, holdings and today's fills of each of a client's trading accounts, from the
one investor summary (crm_core/summary.py), as plain JSON values (money in integer cents, prices as decimal
strings) so that it can be kept in a notification's data and rendered when the notification is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crm_core.documents.header import as_of, client_header
from crm_core.summary import AccountSummary, investor_summary
from crm_core.trading import Broker

KIND = "statement"


def statement_data(session: Session, investor_id: int, *, now: datetime,
                   broker: Broker | None = None) -> dict[str, Any]:
    """The statement of one client as it stands `now`; UnknownInvestor for a wrong id."""
    client = client_header(session, investor_id)
    summary = investor_summary(session, investor_id, now=now, broker=broker)
    return {
        "kind": KIND,
        "as_of": as_of(now),
        "client": client,
        "accounts": [_account(account) for account in summary.accounts],
    }


def _account(account: AccountSummary) -> dict[str, Any]:
    funds = account.funds
    return {
        "number": account.account_number,
        "status": account.status,
        "funds": {"available": funds.available_cents, "frozen": funds.frozen_cents, "total": funds.total_cents},
        "holdings": [{"code": h.security_code, "name_zh": h.name_zh, "name_en": h.name_en, "quantity": h.quantity,
                      "sellable": h.sellable, "average_cost": str(h.average_cost), "last": h.last_cents,
                      "value": h.market_value_cents, "pnl": h.unrealised_pnl_cents} for h in account.holdings],
        "fills": [{"time": f.filled_at.strftime("%H:%M:%S"), "code": f.security_code, "side": f.side,
                   "price": f"{f.price:.2f}", "quantity": f.quantity, "amount": f.amount_cents, "fee": f.fee_cents}
                  for f in account.fills_today],
    }
