"""GET /ws: live events for the logged-in user (an agent: only their own), until logout or session expiry."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

from aiohttp import WSCloseCode, WSMsgType, web

from console.auth import COOKIE, require
from console.context import ConsoleContext, context_of
from console.live import visible_to
from crm_core.events import Hello, LiveEvent
from crm_core.web_sessions import StaffIdentity, token_digest

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    identity = require(request)
    ctx = context_of(request)
    session_key = token_digest(request.cookies.get(COOKIE, ""))
    ws = web.WebSocketResponse(heartbeat=30)
    queue = ctx.events.subscribe()  # before the hello: every event after it reaches this socket
    pump: asyncio.Task[None] | None = None
    try:
        await ws.prepare(request)
        ctx.sockets.add(ws)
        ctx.sockets_by_session.setdefault(session_key, set()).add(ws)
        pump = asyncio.create_task(_pump(ws, queue, identity))
        await ws.send_json(Hello(identity.agent_id, identity.role).as_dict())
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break
    finally:
        if pump is not None:
            pump.cancel()
        ctx.events.unsubscribe(queue)
        _forget(ctx.sockets_by_session, session_key, ws)
    return ws


async def _pump(ws: web.WebSocketResponse, queue: asyncio.Queue[LiveEvent], identity: StaffIdentity) -> None:
    try:
        while not ws.closed:
            remaining = (identity.expires_at - datetime.now(UTC)).total_seconds()
            if remaining <= 0:
                await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"session expired")
                return
            try:
                event = await asyncio.wait_for(queue.get(), timeout=min(remaining, 60))
            except TimeoutError:
                continue
            if visible_to(identity, event):
                await ws.send_str(json.dumps(event.as_dict(), default=str))
    except asyncio.CancelledError:
        raise
    except Exception:  # one catch-all per socket: log it and close this socket only
        logger.exception("live event pump failed for agent %s", identity.agent_id)
        await ws.close(code=WSCloseCode.INTERNAL_ERROR)


def _forget(by_session: dict[str, set[web.WebSocketResponse]], key: str, ws: web.WebSocketResponse) -> None:
    sockets = by_session.get(key)
    if sockets is not None:
        sockets.discard(ws)
        if not sockets:
            del by_session[key]


async def close_session_sockets(ctx: ConsoleContext, token: str) -> None:
    """After logout: the session's live sockets close as if it had expired."""
    for ws in list(ctx.sockets_by_session.get(token_digest(token), ())):
        await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"logged out")


async def close_sockets(app: web.Application) -> None:
    from console.context import CONTEXT

    for ws in list(app[CONTEXT].sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
