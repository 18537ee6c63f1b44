"""Queue a document to a client through the outbox (fax-back, e-mail): its data is taken now, at the
request, and kept in the notification, so that a retry sends the same document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from crm_core.documents.statement import statement_data
from crm_core.models import Notification
from crm_core.notifications.outbox import enqueue
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import Broker

PURPOSE = "document"


def queue_statement(session: Session, investor_id: int, *, key: str, now: datetime, policy: NotifyPolicy,
                    channel: str | None = "fax", address: str | None = None,
                    broker: Broker | None = None) -> Notification:
    """The client's statement (funds, holdings, today's fills) by `channel` (fax by default), to `address`
    when given (a number keyed for a fax-back) or the client's own. Idempotent on `key`."""
    if address is not None and channel == "fax":
        address = fax_number(address)
    document = statement_data(session, investor_id, now=now, broker=broker)
    return enqueue(session, key=key, investor_id=investor_id, purpose=PURPOSE, template="statement",
                   data={"document": document}, now=now, policy=policy, channel=channel, address=address)


def fax_number(text: str) -> str:
    """A keyed or typed fax number: digits (spaces, dashes and brackets dropped, a leading + kept), 3 to 20 of
    them; ValueError for anything else."""
    cleaned = "".join(ch for ch in text.strip() if ch not in " -()")
    digits = cleaned[1:] if cleaned.startswith("+") else cleaned
    if not (digits.isdigit() and 3 <= len(digits) <= 20):
        raise ValueError(f"not a fax number: {text[:40]!r}")
    return cleaned
