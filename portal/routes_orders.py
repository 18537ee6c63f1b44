"""Web orders through the phone's own services (crm_core.trading, crm_core.suitability):

    POST /api/accounts/{account}/orders/check    every rule and suitability, nothing written: the preview, or
                                                 409 NEEDS_DISCLOSURE with the disclosure to show, or 422 + code
    POST /api/accounts/{account}/disclosures     the client read the disclosure and accepts: recorded consent
    POST /api/accounts/{account}/orders          place once per request id (a repeat gets the first result)
    POST /api/accounts/{account}/orders/{order_id}/cancel

A client trades only on the fund account they logged in with (auth.tradable).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core import audit, suitability, trading
from crm_core.trading import OrderRejected, RejectReason
from crm_core.trading.accounts import get_account
from portal.auth import tradable
from portal.context import PortalContext, context_of
from portal.schemas import path_account, read_body
from portal.views import preview_json, result_json
from webapi.errors import ApiError
from webapi.validation import path_int

routes = web.RouteTableDef()

DISCLOSURE_VERSION = "web-1"
DISCLOSURE_TEXT = (
    "Risk disclosure. This product's risk level is above the risk tolerance of your last assessment. Its price "
    "can move sharply and you may lose part or all of the money you put in. The brokerage has told you that it "
    "does not match your assessed tolerance. By accepting you confirm that you have read this, that you "
    "understand the risk, and that you choose to buy it of your own will. Your consent is recorded.")


def request_id_of(account: str, presented: str) -> str:
    """The order's request id: the browser's, scoped to the fund account (another client's id is another order)."""
    return f"web:{account}:{presented}"


@routes.post("/api/accounts/{account}/orders/check")
async def check_order(request: web.Request) -> web.Response:
    account = path_account(request)
    tradable(request, account)
    body = await read_body(request, "OrderDraft")
    ctx = context_of(request)
    try:
        preview = await ctx.in_session(_validate, ctx, account, body)
    except OrderRejected as error:
        if error.code is RejectReason.NEEDS_DISCLOSURE:
            raise ApiError(409, error.message, code=error.code.value,
                           disclosure={"code": body["code"], "text": DISCLOSURE_TEXT,
                                       "version": DISCLOSURE_VERSION}) from None
        raise
    return web.json_response(preview_json(preview))


@routes.post("/api/accounts/{account}/disclosures")
async def accept_disclosure(request: web.Request) -> web.Response:
    account = path_account(request)
    tradable(request, account)
    body = await read_body(request, "Disclosure")
    if body["accepted"] is not True:
        raise ApiError(422, "the disclosure was not accepted: nothing is recorded and the order is not placed",
                       field="accepted")
    ctx = context_of(request)
    disclosure_id = await ctx.in_session(_record_disclosure, ctx, account, body["code"], request.remote or "")
    return web.json_response({"disclosure_id": disclosure_id, "code": body["code"]}, status=201)


@routes.post("/api/accounts/{account}/orders")
async def place(request: web.Request) -> web.Response:
    account = path_account(request)
    tradable(request, account)
    body = await read_body(request, "Order")
    ctx = context_of(request)
    result = await ctx.in_session(_place, ctx, account, body)
    return web.json_response(result_json(result), status=201)


@routes.post("/api/accounts/{account}/orders/{order_id}/cancel")
async def cancel(request: web.Request) -> web.Response:
    account = path_account(request)
    tradable(request, account)
    order_id = path_int(request, "order_id")
    body = await read_body(request, "Cancel")
    ctx = context_of(request)
    result = await ctx.in_session(trading.cancel_order, account, order_id,
                                  request_id=request_id_of(account, body["request_id"]), now=ctx.clock(),
                                  channel="web", broker=ctx.broker)
    return web.json_response({"order_id": order_id, "cancelled": result.cancelled, "message": result.message,
                              "reject_code": result.code.value if result.code else None,
                              "repeated": result.repeated})


# --- work in the database executor ----------------------------------------------------------------

def _validate(session: Session, ctx: PortalContext, account: str, body: dict[str, Any]) -> trading.OrderPreview:
    return trading.validate_order(session, account, body["side"], body["code"], Decimal(body["price"]),
                                  body["quantity"], now=ctx.clock(), disclosure_id=body.get("disclosure_id"),
                                  broker=ctx.broker)


def _record_disclosure(session: Session, ctx: PortalContext, account: str, code: str, source: str) -> int:
    investor_id = get_account(session, account).investor_id
    try:
        disclosure = suitability.record_disclosure(session, investor_id, code, channel="web", at=ctx.clock())
    except suitability.UnknownError as error:
        raise ApiError(422, str(error).strip("'"), code=RejectReason.SUITABILITY_REFUSED.value) from None
    entry = audit.record(session, actor=f"account:{account}", action="risk_disclosure.accept", outcome="recorded",
                         channel="web", subject=f"disclosure:{disclosure.id}", product_code=code,
                         text_version=DISCLOSURE_VERSION, source=source)
    entry.at = ctx.clock()
    return disclosure.id


def _place(session: Session, ctx: PortalContext, account: str, body: dict[str, Any]) -> trading.OrderResult:
    return trading.place_order(session, account, body["side"], body["code"], Decimal(body["price"]),
                               body["quantity"], request_id=request_id_of(account, body["request_id"]),
                               now=ctx.clock(), channel="web", disclosure_id=body.get("disclosure_id"),
                               broker=ctx.broker)
