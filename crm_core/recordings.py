"""Recordings of calls, and the evidence behind an order or a transfer: the call and what it recorded."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import AuditEntry, BankTransfer, CallRecording, TradingOrder

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
AUDIO_TYPES = {"wav": "audio/wav", "gsm": "audio/x-gsm", "ulaw": "audio/basic", "sln": "audio/L16"}


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


def file_of(folders: Iterable[Path], name: str, format: str) -> Path | None:
    """The file of recording `name` in the first of `folders` that holds it, or None. A name or format that
    could reach outside a folder (separators, dots, anything but letters, digits, - and _) finds nothing, and
    a file that resolves (through a link) outside its folder is not returned."""
    if not SAFE_NAME.fullmatch(name) or format not in AUDIO_TYPES:
        return None
    for folder in folders:
        root = folder.resolve()
        path = (root / f"{name}.{format}").resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None
