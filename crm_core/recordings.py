"""Recordings of calls, and the evidence behind an order or a transfer: the call and what it recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import AuditEntry, BankTransfer, CallRecording, TradingOrder


@dataclass(frozen=True)
class Evidence:
    call_id: str | None
    recordings: list[str]  # stored recording names, oldest first
    audit: list[AuditEntry]


def add(session: Session, call_id: str, name: str, *, format: str, purpose: str, at: datetime) -> CallRecording:
    recording = CallRecording(call_id=call_id, name=name, format=format, purpose=purpose, started_at=at)
    session.add(recording)
    session.flush()
    return recording


def of_call(session: Session, call_id: str) -> list[CallRecording]:
    return list(session.scalars(select(CallRecording).where(CallRecording.call_id == call_id)
                                .order_by(CallRecording.id)))


def evidence_of_order(session: Session, order_id: int) -> Evidence:
    order = session.get(TradingOrder, order_id)
    if order is None:
        raise LookupError(f"no order {order_id}")
    return _evidence(session, order.call_id, f"order:{order_id}")


def evidence_of_transfer(session: Session, transfer_id: int) -> Evidence:
    row = session.get(BankTransfer, transfer_id)
    if row is None:
        raise LookupError(f"no transfer {transfer_id}")
    return _evidence(session, row.call_id, f"transfer:{transfer_id}")


def _evidence(session: Session, call_id: str | None, subject: str) -> Evidence:
    audit = list(session.scalars(select(AuditEntry).where(AuditEntry.subject == subject).order_by(AuditEntry.id)))
    names = [r.name for r in of_call(session, call_id)] if call_id else []
    return Evidence(call_id, names, audit)
