"""GET /ws: live events for the logged-in user (an agent: only their own), until logout or session expiry."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from console.auth import require
from console.context import context_of
from console.live import visible_to
from crm_core.web_sessions import StaffIdentity

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    identity = require(request)
    ctx = context_of(request)
    ws = web.WebSocketResponse(heartbeat=30)
    queue = ctx.events.subscribe()  # before the hello: every event after it reaches this socket
    pump: asyncio.Task[None] | None = None
    try:
        await ws.prepare(request)
        ctx.sockets.add(ws)
        pump = asyncio.create_task(_pump(ws, queue, identity))
        await ws.send_json({"type": "hello", "agent_id": identity.agent_id, "role": identity.role})
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break
    finally:
        if pump is not None:
            pump.cancel()
        ctx.events.unsubscribe(queue)
    return ws


async def _pump(ws: web.WebSocketResponse, queue: asyncio.Queue[dict[str, Any]], identity: StaffIdentity) -> None:
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
                await ws.send_str(json.dumps(event, default=str))
    except asyncio.CancelledError:
        raise
    except Exception:  # one catch-all per socket: log it and close this socket only
        logger.exception("live event pump failed for agent %s", identity.agent_id)
        await ws.close(code=WSCloseCode.INTERNAL_ERROR)


async def close_sockets(app: web.Application) -> None:
    from console.context import CONTEXT

    for ws in list(app[CONTEXT].sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
