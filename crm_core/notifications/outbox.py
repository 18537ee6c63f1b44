"""The outbox's services: enqueue (idempotent), claim what is due, record each outcome. Stateless functions
taking a session; no I/O beyond the database (the senders are at the edges)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import documents
from crm_core.models import AttributeValue, Investor, Notification, NotificationEvent, NotificationReceipt
from crm_core.notifications import templates
from crm_core.notifications.addresses import addresses
from crm_core.notifications.rules import (
    PREFERENCE,
    WAITING,
    Channel,
    NotifyPolicy,
    Status,
    after_failure,
    allowed_at,
    plan_chain,
)
from crm_core.once import claim as claim_once
from crm_core.surveys import link_tokens


class NotificationNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Outgoing:
    """One message to send now, detached from the session: what a sender needs and nothing more."""

    id: int
    key: str
    channel: str
    address: str
    language: str
    subject: str
    text: str
    sms: str
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (file name, MIME type, content)
    voice: str = ""  # what a voice call says, with marked values (templates.spoken_parts); "": the text


def enqueue(session: Session, *, key: str, investor_id: int, purpose: str, template: str, data: dict[str, Any],
            now: datetime, policy: NotifyPolicy, channel: str | None = None,
            chain: list[str] | None = None, address: str | None = None) -> Notification:
    """Queue a notification once per `key`: a repeated key returns the first one, unchanged. With no channel
    the client can be reached on, it is given up at once (and says why). `address` replaces the client's own
    address on `channel` (a fax number keyed for a fax-back)."""
    existing = _by_key(session, key)
    if existing is not None:
        return existing
    investor = session.get(Investor, investor_id)
    if investor is None:
        raise NotificationNotFound(f"no investor {investor_id}")
    templates.render(template, investor.language, {"name": investor.name, **link_tokens.preview_values(data)})
    documents.attachments(data, investor.language)  # and so does a bad document
    reachable = addresses(session, investor_id)
    if address is not None:
        if channel is None or channel == PREFERENCE or not address.strip():
            raise ValueError("an address for this message needs its channel and cannot be empty")
        reachable[channel] = address.strip()
    planned = plan_chain(purpose, channel, _preferred_channel(session, investor_id), chain, set(reachable))
    row = Notification(key=key, investor_id=investor_id, purpose=purpose, template=template,
                       language=investor.language, data=data, chain=planned, channel=planned[0] if planned else None,
                       address=reachable.get(planned[0]) if planned else None, attempts=0, reason="",
                       status=Status.QUEUED.value if planned else Status.GIVEN_UP.value,
                       due_at=allowed_at(planned[0], now, policy) if planned else now, created_at=now, updated_at=now)
    if not claim_once(session, row):
        winner = _by_key(session, key)
        assert winner is not None
        return winner
    _event(session, row, now, "" if planned else f"no way to reach the client for {purpose}")
    if not planned:
        row.reason = f"no way to reach the client ({', '.join(sorted(reachable)) or 'no contact data'})"
    return row


def enqueue_to_staff(session: Session, *, key: str, purpose: str, template: str, data: dict[str, Any],
                     language: str, email: str, now: datetime, policy: NotifyPolicy) -> Notification:
    """Queue an e-mail to a member of staff (no client: a daily report to a list) once per `key`; the address
    is kept in the data (`to`), and e-mail is its only channel."""
    existing = _by_key(session, key)
    if existing is not None:
        return existing
    address = email.strip()
    if not 3 <= len(address) <= 200 or "@" not in address or any(c.isspace() for c in address):
        raise ValueError(f"not an e-mail address: {email!r}")
    full = {**data, "to": address}
    templates.render(template, language, {"name": "", **full})  # a bad template fails here
    documents.attachments(full, language)  # and so does a bad document
    chain = [Channel.EMAIL.value]
    row = Notification(key=key, investor_id=None, purpose=purpose, template=template, language=language, data=full,
                       chain=chain, channel=chain[0], address=address, attempts=0, reason="",
                       status=Status.QUEUED.value, due_at=allowed_at(chain[0], now, policy), created_at=now,
                       updated_at=now)
    if not claim_once(session, row):
        winner = _by_key(session, key)
        assert winner is not None
        return winner
    _event(session, row, now, "")
    return row


def _reachable(session: Session, row: Notification) -> dict[str, str]:
    """Where the row's recipient can be reached: a client's addresses, or a member of staff's e-mail."""
    if row.investor_id is None:
        return {Channel.EMAIL.value: str(row.data.get("to", ""))}
    return addresses(session, row.investor_id)


def claim(session: Session, now: datetime, channels: set[str], limit: int = 20) -> list[Outgoing]:
    """Due notifications on these channels, marked `sending` (rows locked with SKIP LOCKED on PostgreSQL, so
    that two workers never take one)."""
    rows = list(session.scalars(
        select(Notification).where(Notification.status.in_(WAITING), Notification.due_at <= now,
                                   Notification.channel.in_(channels))
        .order_by(Notification.due_at, Notification.id).limit(limit).with_for_update(skip_locked=True)))
    return [_take(session, row, now) for row in rows]


def claim_one(session: Session, notification_id: int, now: datetime) -> Outgoing | None:
    """This notification, marked `sending`, whenever it is due (a sender that has the client on the line: a fax
    on the caller's own call); None when it is not waiting (already sent, or being sent)."""
    row = session.scalars(select(Notification).where(Notification.id == notification_id,
                                                      Notification.status.in_(WAITING))
                          .with_for_update(skip_locked=True)).one_or_none()
    return None if row is None else _take(session, row, now)


def _take(session: Session, row: Notification, now: datetime) -> Outgoing:
    investor = session.get(Investor, row.investor_id) if row.investor_id is not None else None  # None: to staff
    assert row.channel is not None and row.address is not None
    data = link_tokens.message_values(session, row.data)  # a survey link's token, made now and only sent
    text = templates.render(row.template, row.language, {"name": investor.name if investor else "", **data})
    row.status, row.attempts, row.updated_at = Status.SENDING.value, row.attempts + 1, now
    _event(session, row, now, f"attempt {row.attempts} to {row.address}")
    return Outgoing(row.id, row.key, row.channel, row.address, row.language, text.subject, text.text, text.sms,
                    documents.attachments(row.data, row.language), text.voice)


def sent(session: Session, notification_id: int, now: datetime, *, provider_id: str = "",
         delivered: bool = False, detail: str = "") -> None:
    row = _get(session, notification_id)
    row.status = (Status.DELIVERED if delivered else Status.SENT).value
    row.provider_id, row.updated_at, row.reason = provider_id or row.provider_id, now, ""
    _event(session, row, now, f"{provider_id} ({detail})" if detail else provider_id)


def delivered(session: Session, channel: str, provider_id: str, now: datetime, reason: str = "") -> bool:
    """A delivery receipt for a message this outbox sent; False when no notification has that id."""
    row = session.scalars(select(Notification).where(Notification.channel == channel,
                                                     Notification.provider_id == provider_id)).first()
    if row is None:
        return False
    row.status, row.updated_at = Status.DELIVERED.value, now
    _event(session, row, now, reason or f"receipt for {provider_id}")
    return True


RECEIPT_DELIVERED = {"DELIVRD", "ACCEPTD"}


def receipt(session: Session, channel: str, provider_id: str, state: str, now: datetime,
            policy: NotifyPolicy) -> bool:
    """A carrier's delivery receipt: delivered, or a failure of that channel (undeliverable, expired,
    rejected) that falls back like any other. One for a provider id not (yet) written is kept, and applied
    by `apply_early_receipts` once it is; returns whether it matched a notification now."""
    row = session.scalars(select(Notification).where(Notification.channel == channel,
                                                     Notification.provider_id == provider_id)).first()
    if row is None:
        session.add(NotificationReceipt(channel=channel, provider_id=provider_id, state=state, at=now))
        return False
    if state.upper() in RECEIPT_DELIVERED:
        return delivered(session, channel, provider_id, now, f"receipt {state}")
    failed(session, row.id, f"receipt {state}", now, policy, permanent=True)
    return True


def apply_early_receipts(session: Session, now: datetime, policy: NotifyPolicy) -> int:
    """Receipts kept because they came before their message's `sent` was written, applied now that it is
    (the dispatcher calls this at every round: the two writes race in separate transactions)."""
    early = list(session.scalars(select(NotificationReceipt).join(
        Notification, (Notification.channel == NotificationReceipt.channel)
        & (Notification.provider_id == NotificationReceipt.provider_id))))
    for kept in early:
        session.delete(kept)
        receipt(session, kept.channel, kept.provider_id, kept.state, now, policy)
    return len(early)


def failed(session: Session, notification_id: int, reason: str, now: datetime, policy: NotifyPolicy, *,
           permanent: bool = False) -> Notification:
    """An attempt failed: retried later, the next channel, or given up (rules.after_failure)."""
    row = _get(session, notification_id)
    outcome = after_failure(list(row.chain), row.attempts, reason, now, policy, permanent=permanent)
    if outcome.chain and outcome.chain[0] != row.channel:  # fell back: the next channel's address
        row.channel, row.address = outcome.chain[0], _reachable(session, row).get(outcome.chain[0])
    row.status, row.chain, row.attempts, row.due_at = outcome.status.value, outcome.chain, outcome.attempts, \
        outcome.due_at
    row.reason, row.updated_at = outcome.reason, now
    _event(session, row, now, outcome.reason)
    return row


def recover(session: Session, now: datetime) -> int:
    """At start: notifications left `sending` by a stopped service may have gone out; they become `unknown`
    and are not sent again by themselves (never twice). Returns how many."""
    rows = list(session.scalars(select(Notification).where(Notification.status == Status.SENDING.value)))
    for row in rows:
        row.status, row.updated_at = Status.UNKNOWN.value, now
        row.reason = "the service stopped while sending: it may have gone out; `hotline notify retry` sends it again"
        _event(session, row, now, row.reason)
    return len(rows)


def retry(session: Session, notification_id: int, now: datetime, policy: NotifyPolicy) -> Notification:
    """An operator's word: send again now on its current channel (or its first reachable one)."""
    row = _get(session, notification_id)
    if row.status in (Status.SENDING.value, Status.QUEUED.value):
        return row
    if not row.chain:
        reachable = _reachable(session, row)
        row.chain = plan_chain(row.purpose, row.channel, None, None, set(reachable))
        row.address = reachable.get(row.chain[0]) if row.chain else None
    if not row.chain:
        raise NotificationNotFound(f"notification {notification_id}: no way to reach the client")
    row.channel = row.chain[0]
    row.status, row.attempts, row.due_at, row.updated_at = Status.QUEUED.value, 0, now, now
    row.reason = "retried by an operator"
    _event(session, row, now, row.reason)
    return row


def of_investor(session: Session, investor_id: int, limit: int = 20) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.investor_id == investor_id)
                                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def counts_by_channel(session: Session) -> dict[str | None, dict[str, int]]:
    """{channel: {status: how many}} over the whole outbox (None: given up with no channel): channel health."""
    found: dict[str | None, dict[str, int]] = {}
    rows = session.execute(select(Notification.channel, Notification.status, func.count())
                           .group_by(Notification.channel, Notification.status)).all()
    for channel, status, count in rows:
        found.setdefault(channel, {})[status] = count
    return found


def events_of(session: Session, notification_id: int) -> list[NotificationEvent]:
    return list(session.scalars(select(NotificationEvent).where(NotificationEvent.notification_id == notification_id)
                                .order_by(NotificationEvent.at, NotificationEvent.id)))


def _preferred_channel(session: Session, investor_id: int) -> str | None:
    """The CRM's computed `preferred_channel` attribute (a text attribute: stored as it reads)."""
    return session.scalar(select(AttributeValue.value).where(
        AttributeValue.investor_id == investor_id, AttributeValue.attribute_key == "preferred_channel",
        AttributeValue.valid_to.is_(None)))


def _by_key(session: Session, key: str) -> Notification | None:
    return session.scalars(select(Notification).where(Notification.key == key)).one_or_none()


def _get(session: Session, notification_id: int) -> Notification:
    row = session.get(Notification, notification_id)
    if row is None:
        raise NotificationNotFound(f"no notification {notification_id}")
    return row


def _event(session: Session, row: Notification, now: datetime, reason: str) -> None:
    session.add(NotificationEvent(notification_id=row.id, at=now, status=row.status, channel=row.channel,
                                  reason=reason))
