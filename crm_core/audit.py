"""The audit trail: one row per sensitive action, from any channel. Callers pass no secrets in `detail`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models.audit_entry import AuditEntry

SECRET_WORDS = ("password", "pin", "secret", "dtmf")


def record(session: Session, *, actor: str, action: str, outcome: str, channel: str, subject: str | None = None,
           call_id: str | None = None, **detail: Any) -> AuditEntry:
    """Append an audit row. A detail key that looks like a secret is refused, not stored."""
    leaked = [key for key in detail if any(word in key.lower() for word in SECRET_WORDS)]
    if leaked:
        raise ValueError(f"secrets must never be audited: {', '.join(leaked)}")
    entry = AuditEntry(actor=actor, action=action, subject=subject, outcome=outcome, channel=channel,
                       call_id=call_id, detail=detail)
    session.add(entry)
    return entry


def entries(session: Session, *, action_prefix: str = "", subject: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    return list(session.scalars(query))
