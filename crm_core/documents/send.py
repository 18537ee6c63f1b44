"""Queue a document to a client through the outbox (fax-back, e-mail, SMS): its data is taken now, at the
request, and kept in the notification, so that a retry sends the same document. The notification's template
has the document's name (`templates/<lang>/<kind>.j2`: the e-mail's subject and text, the SMS)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crm_core.documents.sheets import FACT_SHEET, QUOTE_SHEET, DocumentRejected, fact_sheet_data, quote_sheet_data
from crm_core.documents.statement import KIND as STATEMENT
from crm_core.documents.statement import statement_data
from crm_core.models import Notification
from crm_core.notifications.outbox import Outgoing, claim_one, enqueue
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import Broker

PURPOSE = "document"
KINDS = (STATEMENT, QUOTE_SHEET, FACT_SHEET)
ON_CALL = "this call"  # the address of a fax sent on the caller's own call


def queue_document(session: Session, investor_id: int, kind: str, *, key: str, now: datetime, policy: NotifyPolicy,
                   channel: str | None = "fax", address: str | None = None, codes: list[str] | None = None,
                   broker: Broker | None = None) -> Notification:
    """The client's document `kind` by `channel` (fax by default), to `address` when given (a number keyed for
    a fax-back) or the client's own. `codes`: the securities of a quote sheet (default: those held), the
    product of a fact sheet (one, required). Idempotent on `key`; DocumentRejected for a bad kind or code."""
    if address is not None and channel == "fax":
        address = fax_number(address)
    document = document_data(session, investor_id, kind, now=now, codes=codes, broker=broker)
    return send_document(session, investor_id, document, key=key, now=now, policy=policy, channel=channel,
                         address=address)


def send_document(session: Session, investor_id: int, document: dict[str, Any], *, key: str, now: datetime,
                  policy: NotifyPolicy, channel: str | None = "fax", address: str | None = None) -> Notification:
    """Queue a document already taken (`document_data`), e.g. while the caller chose how to get it."""
    if address is not None and channel == "fax":
        address = fax_number(address)
    return enqueue(session, key=key, investor_id=investor_id, purpose=PURPOSE, template=document["kind"],
                   data={"document": document}, now=now, policy=policy, channel=channel, address=address)


def fax_on_call(session: Session, investor_id: int, document: dict[str, Any], *, key: str, now: datetime,
                policy: NotifyPolicy, caller: str) -> tuple[Notification, Outgoing | None]:
    """Queue a document already taken to be faxed on the caller's own call (they press start on their fax
    machine), and claim it for that call at once: no other sender takes it, at any hour, and it has no other
    channel (a failure cannot be tried again on a call that is over: it ends given up, with the reason).
    Idempotent on `key`: a repeat returns the first notification and None (nothing to send again)."""
    row = enqueue(session, key=key, investor_id=investor_id, purpose=PURPOSE, template=document["kind"],
                  data={"document": document}, now=now, policy=policy, channel="fax", chain=[],
                  address=on_call_address(caller))
    return row, claim_one(session, row.id, now)


def on_call_address(caller: str) -> str:
    """The address a fax on the caller's own call is recorded with: not a number to dial."""
    return f"{ON_CALL} from {caller}" if caller.strip() else ON_CALL


def document_data(session: Session, investor_id: int, kind: str, *, now: datetime, codes: list[str] | None = None,
                  broker: Broker | None = None) -> dict[str, Any]:
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        STATEMENT: lambda: statement_data(session, investor_id, now=now, broker=broker),
        QUOTE_SHEET: lambda: quote_sheet_data(session, investor_id, now=now, codes=codes, broker=broker),
        FACT_SHEET: lambda: fact_sheet_data(session, investor_id, now=now, code=_one(codes), broker=broker),
    }
    if kind not in makers:
        raise DocumentRejected(f"no document {kind!r} (known: {', '.join(KINDS)})")
    return makers[kind]()


def _one(codes: list[str] | None) -> str:
    if not codes or len(codes) != 1:
        raise DocumentRejected("a fact sheet is of one product: give its code")
    return codes[0]


def fax_number(text: str) -> str:
    """A keyed or typed fax number: digits (spaces, dashes and brackets dropped, a leading + kept), 3 to 20 of
    them; ValueError for anything else."""
    cleaned = "".join(ch for ch in text.strip() if ch not in " -()")
    digits = cleaned[1:] if cleaned.startswith("+") else cleaned
    if not (digits.isdigit() and 3 <= len(digits) <= 20):
        raise ValueError(f"not a fax number: {text[:40]!r}")
    return cleaned
