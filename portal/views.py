"""The JSON the portal sends: money as yuan strings with two decimals (never floats), times in ISO 8601."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm_core.summary import AccountSummary
from crm_core.trading import FillView, Funds, OrderPreview, OrderResult, OrderView, PositionView


def yuan(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def funds_json(funds: Funds) -> dict[str, str]:
    return {"available": yuan(funds.available_cents), "frozen": yuan(funds.frozen_cents),
            "total": yuan(funds.total_cents)}


def position_json(p: PositionView) -> dict[str, Any]:
    return {"code": p.security_code, "name_zh": p.name_zh, "name_en": p.name_en, "quantity": p.quantity,
            "sellable": p.sellable, "average_cost": str(p.average_cost), "last": yuan(p.last_cents),
            "market_value": yuan(p.market_value_cents), "unrealised_pnl": yuan(p.unrealised_pnl_cents)}


def order_json(o: OrderView) -> dict[str, Any]:
    return {"id": o.order_id, "code": o.security_code, "side": o.side, "price": f"{o.price:.2f}",
            "quantity": o.quantity, "filled_quantity": o.filled_quantity, "status": o.status.value,
            "created_at": o.created_at.isoformat()}


def fill_json(f: FillView) -> dict[str, Any]:
    return {"id": f.fill_id, "order_id": f.order_id, "code": f.security_code, "side": f.side,
            "price": f"{f.price:.2f}", "quantity": f.quantity, "amount": yuan(f.amount_cents),
            "fee": yuan(f.fee_cents), "filled_at": f.filled_at.isoformat()}


def summary_json(s: AccountSummary) -> dict[str, Any]:
    return {"account": s.account_number, "status": s.status, "funds": funds_json(s.funds),
            "holdings": [position_json(p) for p in s.holdings],
            "open_orders": [order_json(o) for o in s.open_orders],
            "fills_today": [fill_json(f) for f in s.fills_today]}


def preview_json(p: OrderPreview) -> dict[str, Any]:
    return {"code": p.security_code, "name_zh": p.name_zh, "name_en": p.name_en, "side": p.side,
            "price": f"{p.price:.2f}", "quantity": p.quantity, "amount": yuan(p.amount_cents),
            "hold": yuan(p.hold_cents), "disclosure_id": p.disclosure_id}


def result_json(r: OrderResult) -> dict[str, Any]:
    return {"order_id": r.order_id, "accepted": r.accepted, "status": r.status.value, "code": r.security_code,
            "side": r.side, "price": f"{r.price:.2f}", "quantity": r.quantity, "trade_date": r.trade_date.isoformat(),
            "reject_code": r.code.value if r.code else None, "message": r.message, "repeated": r.repeated}
