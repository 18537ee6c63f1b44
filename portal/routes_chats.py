"""Chat with an agent: the client opens a chat about a topic (the ACD skill), the ACD offers it to an agent like a
call, and both write until one ends it. The page asks for news every few seconds (`after`: the last message it
has); each such request tells the ACD the client is still there (a closed page ends the chat after the idle
timeout).

    GET  /api/chats/current                    my open chat (or null) and the topics
    POST /api/chats                            open a chat about a topic (409 while one is open)
    GET  /api/chats/{chat_id}/messages?after=N the chat's status and its messages after N
    POST /api/chats/{chat_id}/messages         write (once per request id; 400 empty or too long, 409 ended)
    POST /api/chats/{chat_id}/end              end it
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core import chats
from crm_core.chats import ChatRefused
from crm_core.models import Chat, ChatMessage
from portal.auth import require
from portal.context import PortalContext, context_of
from portal.routes_notifications import request_id_of
from portal.schemas import read_body
from webapi.errors import ApiError
from webapi.validation import MAX_DB_INT, path_int

routes = web.RouteTableDef()
NO_CHAT = "no such chat"


@routes.get("/api/chats/current")
async def current_chat(request: web.Request) -> web.Response:
    identity = require(request)
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_current, identity.investor_id))


@routes.post("/api/chats")
async def open_chat(request: web.Request) -> web.Response:
    identity = require(request)
    body = await read_body(request, "ChatOpen")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_open, ctx, identity.investor_id, body["topic"]), status=201)


@routes.get("/api/chats/{chat_id}/messages")
async def read_messages(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    after = _after(request)
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_read, ctx, identity.investor_id, chat_id, after))


@routes.post("/api/chats/{chat_id}/messages")
async def write_message(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, "ChatPost")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_write, ctx, identity.investor_id, chat_id, body), status=201)


@routes.post("/api/chats/{chat_id}/end")
async def end_chat(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    ctx = context_of(request)
    return web.json_response(await ctx.in_session(_end, ctx, identity.investor_id, chat_id))


def _after(request: web.Request) -> int:
    text = request.query.get("after", "0")
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DB_INT:
        raise ApiError(422, "after must be a message number (0 or more)", field="after")
    return int(text)


def chat_json(session: Session, chat: Chat) -> dict[str, Any]:
    """The chat as the client sees it: waiting (with the place in the queue), talking with an agent, ended."""
    status = "waiting" if chat.status == "queued" else chat.status
    return {"id": chat.id, "topic": chat.skill, "status": status, "position": chats.position(session, chat),
            "agent_name": chats.agent_name(session, chat), "ended_by": chat.ended_by, "last_seq": chat.last_seq}


def message_json(message: ChatMessage) -> dict[str, Any]:
    return {"seq": message.seq, "author": message.author, "text": message.text, "at": message.at.isoformat()}


def _refused(refused: ChatRefused) -> ApiError:
    return ApiError(refused.status, str(refused), code=refused.code)


# --- work in the database executor ----------------------------------------------------------------

def _current(session: Session, investor_id: int) -> dict[str, Any]:
    chat = chats.current_of(session, investor_id)
    return {"topics": list(chats.TOPICS), "chat": chat_json(session, chat) if chat else None}


def _open(session: Session, ctx: PortalContext, investor_id: int, topic: str) -> dict[str, Any]:
    try:
        return chat_json(session, chats.open_chat(session, investor_id, topic, now=ctx.clock()))
    except ChatRefused as refused:
        raise _refused(refused) from None


def _mine(session: Session, investor_id: int, chat_id: int) -> Chat:
    try:
        return chats.of_investor(session, investor_id, chat_id)
    except LookupError:
        raise ApiError(404, NO_CHAT) from None


def _read(session: Session, ctx: PortalContext, investor_id: int, chat_id: int, after: int) -> dict[str, Any]:
    chat = _mine(session, investor_id, chat_id)
    chats.seen_by_client(chat, ctx.clock())
    return {"chat": chat_json(session, chat),
            "messages": [message_json(m) for m in chats.messages_after(session, chat.id, after)]}


def _write(session: Session, ctx: PortalContext, investor_id: int, chat_id: int,
           body: dict[str, Any]) -> dict[str, Any]:
    chat = _mine(session, investor_id, chat_id)
    try:
        message, repeated = chats.post(session, chat, "client", body["text"],
                                       request_id_of(investor_id, body["request_id"]), now=ctx.clock())
    except ChatRefused as refused:
        raise _refused(refused) from None
    return {**message_json(message), "repeated": repeated}


def _end(session: Session, ctx: PortalContext, investor_id: int, chat_id: int) -> dict[str, Any]:
    chat = _mine(session, investor_id, chat_id)
    chats.end(session, chat, "client", now=ctx.clock())
    return chat_json(session, chat)
