"""Text chat with an agent (issue 14, item 2): the rules (pure) and the services the portal, the desk and the
ACD call with a session.

A client opens one chat at a time about a topic (the ACD skill); the ACD offers it to a free agent like a call
(`offer`, `withdraw_offer`), the agent answers it from the desk (`answer`), both post messages (`post`: text
checked, numbered, once per request id) and either ends it (`end`); a client who stops asking for news (the
browser closed) is ended by the ACD after the idle timeout (`idle`). The messages are kept: the transcript.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_core import audit, once
from crm_core.callbacks import CLIENT_TOPICS
from crm_core.models import Agent, Chat, ChatMessage, ChatStatus, Investor
from crm_core.models.base import utcnow

MAX_TEXT = 1000  # characters of one message
Author = Literal["client", "agent"]
EndedBy = Literal["client", "agent", "timeout"]
TOPICS = CLIENT_TOPICS  # the same topics (= ACD skills) as "call me back"


class ChatRefused(Exception):
    """A chat request the rules refuse; `status` is the HTTP answer (400 bad text, 404, 409 state)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


# -- the rules (pure) -------------------------------------------------------------------------------------------
def checked_text(text: str) -> str:
    """The message as kept (trimmed), or ChatRefused 400: empty, or longer than MAX_TEXT."""
    trimmed = text.strip()
    if not trimmed:
        raise ChatRefused(400, "empty_text", "the message is empty")
    if len(trimmed) > MAX_TEXT:
        raise ChatRefused(400, "text_too_long", f"the message is {len(trimmed)} characters long; at most "
                                                f"{MAX_TEXT} are allowed")
    return trimmed


def checked_topic(topic: str) -> str:
    if topic not in TOPICS:
        raise ChatRefused(400, "bad_topic", f"topic must be one of: {', '.join(TOPICS)}")
    return topic


def may_post(status: str) -> None:
    """An ended chat takes no more messages (409)."""
    if status == ChatStatus.ENDED.value:
        raise ChatRefused(409, "chat_ended", "the chat has ended")


def idle(client_seen_at: float, now: float, idle_seconds: float) -> bool:
    """The client's page stopped asking for news (closed) long enough: the chat ends."""
    return idle_seconds > 0 and now - client_seen_at >= idle_seconds


def offer_expired(offered_at: float | None, now: float, answer_seconds: float) -> bool:
    """The agent was offered the chat and did not answer in time: offered to someone else."""
    return offered_at is not None and now - offered_at >= answer_seconds


# -- what the ACD reads ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChatView:
    """A chat as the ACD follows it (times in epoch seconds)."""

    id: int
    investor_id: int
    skill: str
    language: str
    status: str
    agent_id: int | None
    created_at: float
    offered_at: float | None
    client_seen_at: float
    last_seq: int
    ended_by: str | None

    @classmethod
    def of(cls, chat: Chat) -> ChatView:
        return cls(chat.id, chat.investor_id, chat.skill, chat.language, chat.status, chat.agent_id,
                   chat.created_at.timestamp(), chat.offered_at.timestamp() if chat.offered_at else None,
                   chat.client_seen_at.timestamp(), chat.last_seq, chat.ended_by)


def followed(session: Session, known: list[int]) -> list[ChatView]:
    """The open chats, and the ones the ACD already follows whatever their status (to see them end)."""
    query = select(Chat).where((Chat.status != ChatStatus.ENDED.value) | Chat.id.in_(known or [0]))
    return [ChatView.of(chat) for chat in session.scalars(query.order_by(Chat.id))]


# -- the client's side -------------------------------------------------------------------------------------------
def open_chat(session: Session, investor_id: int, topic: str, *, now: datetime) -> Chat:
    """A new chat about `topic`, queued; ChatRefused 409 while the client has one open."""
    checked_topic(topic)
    if current_of(session, investor_id) is not None:
        raise ChatRefused(409, "already_open", "you already have a chat open")
    investor = session.get(Investor, investor_id)
    language = (investor.language if investor is not None and investor.language else "zh")
    chat = Chat(investor_id=investor_id, open_investor_id=investor_id, skill=topic, language=language,
                status=ChatStatus.QUEUED.value, created_at=now, client_seen_at=now, last_seq=0)
    session.add(chat)
    session.flush()
    audit.record(session, actor=f"investor:{investor_id}", action="chat.open", outcome="queued", channel="web",
                 subject=f"chat:{chat.id}", topic=topic)
    return chat


def current_of(session: Session, investor_id: int) -> Chat | None:
    return session.scalars(select(Chat).where(Chat.open_investor_id == investor_id)).first()


def of_investor(session: Session, investor_id: int, chat_id: int) -> Chat:
    """The client's own chat; LookupError for another's (the same as none)."""
    chat = session.get(Chat, chat_id)
    if chat is None or chat.investor_id != investor_id:
        raise LookupError(f"no chat {chat_id}")
    return chat


def seen_by_client(chat: Chat, now: datetime) -> None:
    """The client's page asked for news: not idle."""
    if chat.status != ChatStatus.ENDED.value:
        chat.client_seen_at = now


# -- both sides ---------------------------------------------------------------------------------------------------
def post(session: Session, chat: Chat, author: Author, text: str, request_key: str, *, now: datetime,
         agent_id: int | None = None) -> tuple[ChatMessage, bool]:
    """The message, numbered next in the chat; the same request key again returns the first one (True: a
    repeat). ChatRefused 400 for bad text, 409 once the chat has ended."""
    existing = _posted(session, chat.id, request_key)
    if existing is not None:
        return existing, True
    kept = checked_text(text)
    may_post(chat.status)
    try:
        with once.savepoint(session):  # the number and the message together, or neither
            seq = session.execute(update(Chat).where(Chat.id == chat.id).values(last_seq=Chat.last_seq + 1)
                                  .returning(Chat.last_seq)).scalar_one()
            message = ChatMessage(chat_id=chat.id, seq=seq, author=author, agent_id=agent_id, text=kept, at=now,
                                  request_key=request_key)
            session.add(message)
            session.flush()
    except IntegrityError:  # the same request at the same moment (a double click) was first: its message
        first = _posted(session, chat.id, request_key)
        if first is None:
            raise
        return first, True
    if author == "client":
        seen_by_client(chat, now)
    session.flush()
    session.refresh(chat)
    return message, False


def _posted(session: Session, chat_id: int, request_key: str) -> ChatMessage | None:
    return session.scalars(select(ChatMessage).where(ChatMessage.chat_id == chat_id,
                                                     ChatMessage.request_key == request_key)).first()


def messages_after(session: Session, chat_id: int, after: int) -> list[ChatMessage]:
    return list(session.scalars(select(ChatMessage).where(ChatMessage.chat_id == chat_id, ChatMessage.seq > after)
                                .order_by(ChatMessage.seq)))


def end(session: Session, chat: Chat, by: EndedBy, *, now: datetime, actor: str | None = None) -> bool:
    """Ended by the client, the agent or the idle timeout; False if it had ended already (nothing changes).
    `actor`: who, for the audit row (a supervisor ending an agent's chat names themselves); else `end_actor`."""
    if chat.status == ChatStatus.ENDED.value:
        return False
    chat.status, chat.ended_at, chat.ended_by, chat.open_investor_id = ChatStatus.ENDED.value, now, by, None
    audit.record(session, actor=actor or end_actor(by, chat.investor_id, chat.agent_id), action="chat.end",
                 outcome="ended", channel="desk" if by == "agent" else "web", subject=f"chat:{chat.id}",
                 ended_by=by, messages=chat.last_seq)
    session.flush()
    return True


def end_actor(by: EndedBy, investor_id: int, agent_id: int | None) -> str:
    """The audit actor of an end, as the chat's opening and answer name theirs: the client, the agent, the system."""
    if by == "client":
        return f"investor:{investor_id}"
    if by == "agent" and agent_id is not None:
        return f"agent:{agent_id}"
    return "system"


def end_idle(session: Session, chat_id: int) -> bool:
    """The ACD's idle timeout ends the chat (nothing if a person ended it meanwhile)."""
    chat = session.get(Chat, chat_id)
    return chat is not None and end(session, chat, "timeout", now=utcnow())


# -- the ACD and the desk -----------------------------------------------------------------------------------------
def offer(session: Session, chat_id: int, agent_id: int, *, now: datetime | None = None) -> bool:
    """The ACD offers the queued chat to the agent; False if it ended meanwhile."""
    chat = session.get(Chat, chat_id)
    if chat is None or chat.status != ChatStatus.QUEUED.value:
        return False
    chat.agent_id, chat.offered_at = agent_id, now or utcnow()
    return True


def withdraw_offer(session: Session, chat_id: int, agent_id: int) -> bool:
    """The offer ran out: queued again with no agent. False if the agent answered (or it ended) meanwhile."""
    chat = session.get(Chat, chat_id)
    if chat is None or chat.status != ChatStatus.QUEUED.value or chat.agent_id != agent_id:
        return False
    chat.agent_id, chat.offered_at = None, None
    return True


def answer(session: Session, chat_id: int, agent_id: int, *, now: datetime) -> Chat:
    """The agent takes the chat offered to them (the same again is no change); ChatRefused 409 otherwise."""
    chat = for_agent(session, chat_id, agent_id)
    if chat.status == ChatStatus.TALKING.value:
        return chat
    if chat.status != ChatStatus.QUEUED.value or chat.offered_at is None:
        raise ChatRefused(409, "not_offered", "this chat is not offered to you")
    chat.status, chat.answered_at = ChatStatus.TALKING.value, now
    audit.record(session, actor=f"agent:{agent_id}", action="chat.answer", outcome="talking", channel="desk",
                 subject=f"chat:{chat.id}")
    return chat


def for_agent(session: Session, chat_id: int, agent_id: int | None) -> Chat:
    """A chat offered to or taken by the agent (None: a supervisor, any chat); LookupError otherwise."""
    chat = session.get(Chat, chat_id)
    if chat is None or (agent_id is not None and chat.agent_id != agent_id):
        raise LookupError(f"no chat {chat_id} of yours")
    return chat


def agent_name(session: Session, chat: Chat) -> str | None:
    """The answering agent's name, as the client sees it."""
    if chat.agent_id is None or chat.status == ChatStatus.QUEUED.value:
        return None
    agent = session.get(Agent, chat.agent_id)
    return agent.name if agent is not None else None


def history(session: Session, investor_id: int, limit: int = 5) -> list[Chat]:
    """The client's latest chats, newest first (the desk's contact history)."""
    return list(session.scalars(select(Chat).where(Chat.investor_id == investor_id)
                                .order_by(Chat.created_at.desc(), Chat.id.desc()).limit(limit)))


def position(session: Session, chat: Chat) -> int | None:
    """The client's place among the chats of the same topic waiting for an agent (1: next); None unless waiting."""
    if chat.status != ChatStatus.QUEUED.value or chat.agent_id is not None:
        return None
    ahead = session.scalars(select(Chat.id).where(Chat.status == ChatStatus.QUEUED.value, Chat.skill == chat.skill,
                                                  Chat.agent_id.is_(None), Chat.id < chat.id)).all()
    return len(ahead) + 1
