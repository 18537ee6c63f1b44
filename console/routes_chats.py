"""A client's text chat on the desk: the screen-pop (the call's, labelled chat), the transcript, answer, write, end.
The ACD offers the chat (live event `chat`, state offered); answering makes the agent busy, ending puts them in
wrap-up (the ACD follows the chat's row: ari_apps/acd/chat_session.py).

    GET  /api/me/chat                          the chat offered to me or that I am in (or null)
    GET  /api/chats/{chat_id}/screen-pop       the client, as a call's screen-pop shows them
    GET  /api/chats/{chat_id}/messages?after=N the transcript after N
    POST /api/chats/{chat_id}/answer           take the chat offered to me
    POST /api/chats/{chat_id}/messages         write (once per request id; 400 empty or too long, 409 not talking)
    POST /api/chats/{chat_id}/end              end it
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.auth import require
from console.context import context_of
from console.schemas import read_body
from console.screen_pop import chat_pop
from crm_core import chats
from crm_core.chats import ChatRefused
from crm_core.models import Chat, ChatStatus
from crm_core.models.base import utcnow
from crm_core.web_sessions import StaffIdentity
from webapi.errors import ApiError
from webapi.validation import MAX_DB_INT, path_int

routes = web.RouteTableDef()


@routes.get("/api/me/chat")
async def my_chat(request: web.Request) -> web.Response:
    identity = require(request)
    return web.json_response({"chat": await context_of(request).in_session(_mine, identity.agent_id)})


@routes.get("/api/chats/{chat_id}/screen-pop")
async def get_chat_pop(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    ctx = context_of(request)
    try:
        return web.json_response(await ctx.in_session(chat_pop, chat_id, identity, now=utcnow(), broker=ctx.broker))
    except LookupError:
        raise ApiError(404, f"no such chat of yours: {chat_id}") from None


@routes.get("/api/chats/{chat_id}/messages")
async def get_messages(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    after = _after(request)
    return web.json_response(await context_of(request).in_session(_transcript, identity, chat_id, after))


@routes.post("/api/chats/{chat_id}/answer")
async def answer_chat(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    return web.json_response(await context_of(request).in_session(_answer, identity, chat_id))


@routes.post("/api/chats/{chat_id}/messages")
async def post_message(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    body = await read_body(request, "ChatPost")
    return web.json_response(await context_of(request).in_session(_write, identity, chat_id, body), status=201)


@routes.post("/api/chats/{chat_id}/end")
async def end_chat(request: web.Request) -> web.Response:
    identity = require(request)
    chat_id = path_int(request, "chat_id")
    return web.json_response(await context_of(request).in_session(_end, identity, chat_id))


def _after(request: web.Request) -> int:
    text = request.query.get("after", "0")
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DB_INT:
        raise ApiError(422, "after must be a message number (0 or more)", field="after")
    return int(text)


def chat_json(chat: Chat) -> dict[str, Any]:
    return {"id": chat.id, "topic": chat.skill, "status": chat.status, "investor_id": chat.investor_id,
            "last_seq": chat.last_seq, "ended_by": chat.ended_by}


# --- work in the database executor ----------------------------------------------------------------

def _mine(session: Session, agent_id: int) -> dict[str, Any] | None:
    chat = session.scalars(select(Chat).where(Chat.agent_id == agent_id, Chat.status != ChatStatus.ENDED.value)
                           .order_by(Chat.id.desc())).first()
    return chat_json(chat) if chat is not None else None


def _visible(session: Session, identity: StaffIdentity, chat_id: int) -> Chat:
    try:
        return chats.for_agent(session, chat_id, None if identity.may("supervise") else identity.agent_id)
    except LookupError:
        raise ApiError(404, f"no such chat of yours: {chat_id}") from None


def _transcript(session: Session, identity: StaffIdentity, chat_id: int, after: int) -> dict[str, Any]:
    chat = _visible(session, identity, chat_id)
    return {"chat": chat_json(chat), "messages": [
        {"seq": m.seq, "author": m.author, "text": m.text, "at": m.at.isoformat()}
        for m in chats.messages_after(session, chat.id, after)]}


def _answer(session: Session, identity: StaffIdentity, chat_id: int) -> dict[str, Any]:
    try:
        return chat_json(chats.answer(session, chat_id, identity.agent_id, now=utcnow()))
    except LookupError:
        raise ApiError(404, f"no such chat of yours: {chat_id}") from None
    except ChatRefused as refused:
        raise ApiError(refused.status, str(refused), code=refused.code) from None


def _write(session: Session, identity: StaffIdentity, chat_id: int, body: dict[str, Any]) -> dict[str, Any]:
    chat = _visible(session, identity, chat_id)
    if chat.status == ChatStatus.QUEUED.value:
        raise ApiError(409, "answer the chat first", code="not_answered")
    try:
        message, repeated = chats.post(session, chat, "agent", body["text"],
                                       f"desk:{identity.agent_id}:{body['request_id']}", now=utcnow(),
                                       agent_id=identity.agent_id)
    except ChatRefused as refused:
        raise ApiError(refused.status, str(refused), code=refused.code) from None
    return {"seq": message.seq, "author": message.author, "text": message.text, "repeated": repeated}


def _end(session: Session, identity: StaffIdentity, chat_id: int) -> dict[str, Any]:
    chat = _visible(session, identity, chat_id)
    chats.end(session, chat, "agent", now=utcnow(), actor=f"agent:{identity.agent_id}")
    return chat_json(chat)
