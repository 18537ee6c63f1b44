"""A quote sheet (the market's latest prices of some securities, by default those the client holds) and a
product's fact sheet (the product as the CRM keeps it: kind, type, risk level, horizon, who may buy it; whether
it suits this client; the latest price of a listed one), as plain JSON values like the statement's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import suitability
from crm_core.documents.header import as_of, client_header
from crm_core.models import Product
from crm_core.summary import investor_summary
from crm_core.trading import Broker, OrderRejected, Quote
from crm_core.trading import quote as market_quote

QUOTE_SHEET = "quote_sheet"
FACT_SHEET = "fact_sheet"
MAX_QUOTES = 60  # two pages of a fax


class DocumentRejected(ValueError):
    """A document that cannot be made from what was asked (an unknown code): the message says why."""


def quote_sheet_data(session: Session, investor_id: int, *, now: datetime, codes: list[str] | None = None,
                     broker: Broker | None = None) -> dict[str, Any]:
    """The latest quotes of `codes`, or of the securities the client holds when none are given."""
    client = client_header(session, investor_id)
    if not codes:
        summary = investor_summary(session, investor_id, now=now, broker=broker)
        codes = [h.security_code for account in summary.accounts for h in account.holdings]
    wanted = list(dict.fromkeys(codes))[:MAX_QUOTES]
    try:
        quotes = [_quote(market_quote(code, now=now, broker=broker)) for code in wanted]
    except OrderRejected as error:
        raise DocumentRejected(str(error)) from None
    return {"kind": QUOTE_SHEET, "as_of": as_of(now), "client": client, "quotes": quotes}


def fact_sheet_data(session: Session, investor_id: int, *, now: datetime, code: str,
                    broker: Broker | None = None) -> dict[str, Any]:
    """The fact sheet of the active product `code`, with whether it suits this client."""
    client = client_header(session, investor_id)
    product = session.scalars(select(Product).where(Product.code == code, Product.active)).one_or_none()
    if product is None:
        raise DocumentRejected(f"no product with code {code!r}")
    decision = suitability.check(session, investor_id, code)
    try:
        last = _quote(market_quote(code, now=now, broker=broker)) if product.kind == "security" else None
    except OrderRejected:  # a product that is not traded on the exchange
        last = None
    return {"kind": FACT_SHEET, "as_of": as_of(now), "client": client,
            "product": {"code": product.code, "name": product.name, "kind": product.kind,
                        "type": product.product_type, "risk_level": product.risk_level, "horizon": product.horizon,
                        "min_investor_class": product.min_investor_class,
                        "attributes": {k: str(v) for k, v in sorted((product.attributes or {}).items())}},
            "suitability": {"outcome": decision.outcome.value, "reason": decision.reason}, "quote": last}


def _quote(quote: Quote) -> dict[str, Any]:
    change = quote.last_cents - quote.previous_close_cents
    percent = f"{change * 100 / quote.previous_close_cents:+.2f}" if quote.previous_close_cents else "0.00"
    return {"code": quote.code, "name_zh": quote.name_zh, "name_en": quote.name_en, "last": quote.last_cents,
            "previous_close": quote.previous_close_cents, "change": change, "change_percent": percent,
            "bid": quote.bid_cents, "ask": quote.ask_cents, "limit_up": quote.limit_up_cents,
            "limit_down": quote.limit_down_cents}
