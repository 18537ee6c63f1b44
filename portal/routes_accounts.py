"""GET /api/accounts/{account}: funds, holdings, open orders, today's fills (crm_core.summary, as the phone and
the screen-pop read them) and today's orders; GET /api/accounts/{account}/history: orders and fills between two days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core.summary import account_summary
from crm_core.trading import calendar
from crm_core.trading.history import fills_between, orders_between
from portal.auth import readable
from portal.context import PortalContext, context_of
from portal.schemas import path_account
from portal.views import fill_json, order_json, summary_json
from webapi.errors import ApiError

routes = web.RouteTableDef()
MAX_HISTORY_DAYS = 366


@routes.get("/api/accounts/{account}")
async def summary(request: web.Request) -> web.Response:
    account = path_account(request)
    readable(request, account)
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_summary, ctx, account))


@routes.get("/api/accounts/{account}/history")
async def history(request: web.Request) -> web.Response:
    account = path_account(request)
    readable(request, account)
    ctx = context_of(request)
    today = calendar.trade_date(ctx.clock())
    first, last = history_days(request.query.get("from"), request.query.get("to"), today)
    body = await ctx.in_session(_history, ctx, account, first, last)
    return web.json_response(body)


def history_days(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """The days asked (default the last 30 up to today), at most a year; 422 for a bad day or range."""
    end = _day("to", last) if last else today
    start = _day("from", first) if first else end - timedelta(days=30)
    if start > end:
        raise ApiError(422, "from is after to", field="from")
    if (end - start).days > MAX_HISTORY_DAYS:
        raise ApiError(422, f"at most {MAX_HISTORY_DAYS} days at a time", field="from")
    return start, end


def _day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("")
    except ValueError:
        raise ApiError(422, f"{name} must be a day, YYYY-MM-DD", field=name) from None


def _summary(session: Session, ctx: PortalContext, account: str) -> dict[str, Any]:
    """The one investor summary, plus every order of today's session (filled, cancelled and rejected too)."""
    now = ctx.clock()
    today = calendar.trade_date(now)
    return {**summary_json(account_summary(session, account, now=now, broker=ctx.broker)),
            "orders_today": [order_json(o) for o in orders_between(session, account, today, today)]}


def _history(session: Session, ctx: PortalContext, account: str, first: date, last: date) -> dict[str, Any]:
    return {"account": account, "from": first.isoformat(), "to": last.isoformat(),
            "orders": [order_json(o) for o in orders_between(session, account, first, last)],
            "fills": [fill_json(f) for f in fills_between(session, account, first, last)]}
