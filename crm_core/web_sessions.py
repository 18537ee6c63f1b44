"""Staff web logins: argon2 check, lockout per job number, server-side sessions keyed by a token digest.

The cookie carries a random token; the database keeps only its SHA-256, so a leaked table opens no session.
Every login attempt is audited (ok / wrong_password / locked); the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select
from sqlalchemy.orm import Session

from crm_core import audit
from crm_core.models import Agent, WebLoginLock, WebSession
from crm_core.models.base import utcnow
from crm_core.passwords import DUMMY_HASH, verify_password

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "agent": frozenset({"desk"}),
    "supervisor": frozenset({"desk", "supervise"}),
    "administrator": frozenset({"desk", "supervise", "administer"}),
}


@dataclass(frozen=True)
class LoginPolicy:
    session_minutes: int = 480
    max_failed_logins: int = 5
    lockout_minutes: int = 15


@dataclass(frozen=True)
class StaffIdentity:
    """Who a session belongs to, detached from the database session."""

    agent_id: int
    job_number: str
    name: str
    role: str
    expires_at: datetime

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS.get(self.role, frozenset())

    def may(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class LoginResult:
    outcome: str  # ok | wrong_password | locked
    token: str | None = None
    identity: StaffIdentity | None = None
    locked_until: datetime | None = None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, job_number: str, password: str, policy: LoginPolicy,
          *, source: str = "") -> LoginResult:
    """Check the password; on success open a session and return its token (shown once, never stored)."""
    now = utcnow()
    lock = session.get(WebLoginLock, job_number)
    if lock is not None and lock.locked_until is not None and lock.locked_until > now:
        _audit_login(session, job_number, "locked", source, locked_until=lock.locked_until.isoformat())
        return LoginResult("locked", locked_until=lock.locked_until)
    agent = session.scalars(select(Agent).where(Agent.job_number == job_number)).one_or_none()
    if not verify_password(agent.password_hash if agent else DUMMY_HASH, password) or agent is None:
        return _fail(session, job_number, lock, policy, now, source)
    if lock is not None:
        lock.failed_count = 0
        lock.locked_until = None
    token = secrets.token_urlsafe(32)
    web = WebSession(token_hash=token_digest(token), agent_id=agent.id, created_at=now,
                     expires_at=now + timedelta(minutes=policy.session_minutes))
    session.add(web)
    session.flush()
    _audit_login(session, job_number, "ok", source, role=agent.role)
    return LoginResult("ok", token=token, identity=_identity(agent, web))


def _fail(session: Session, job_number: str, lock: WebLoginLock | None, policy: LoginPolicy, now: datetime,
          source: str) -> LoginResult:
    if lock is None:
        lock = WebLoginLock(job_number=job_number, failed_count=0)
        session.add(lock)
    lock.failed_count = (lock.failed_count or 0) + 1
    lock.last_failed_at = now
    if lock.failed_count >= policy.max_failed_logins:
        lock.locked_until = now + timedelta(minutes=policy.lockout_minutes)
        lock.failed_count = 0
        _audit_login(session, job_number, "wrong_password", source, locks_until=lock.locked_until.isoformat())
        return LoginResult("locked", locked_until=lock.locked_until)
    _audit_login(session, job_number, "wrong_password", source, failures=lock.failed_count)
    return LoginResult("wrong_password")


def _audit_login(session: Session, job_number: str, outcome: str, source: str, **detail: Any) -> None:
    audit.record(session, actor=f"agent:{job_number}", action="login", outcome=outcome, channel="web",
                 subject=f"agent:{job_number}", source=source, **detail)


def resolve(session: Session, token: str) -> StaffIdentity | None:
    """The identity behind a cookie token, or None when unknown, logged out or expired."""
    row = session.execute(
        select(WebSession, Agent).join(Agent, Agent.id == WebSession.agent_id)
        .where(WebSession.token_hash == token_digest(token))
    ).one_or_none()
    if row is None:
        return None
    web, agent = row
    if web.ended_at is not None or web.expires_at <= utcnow():
        return None
    return _identity(agent, web)


def logout(session: Session, token: str) -> StaffIdentity | None:
    web = session.scalars(select(WebSession).where(WebSession.token_hash == token_digest(token))).one_or_none()
    if web is None or web.ended_at is not None:
        return None
    web.ended_at = utcnow()
    agent = session.get(Agent, web.agent_id)
    if agent is None:
        return None
    audit.record(session, actor=f"agent:{agent.job_number}", action="logout", outcome="ok", channel="web",
                 subject=f"agent:{agent.job_number}")
    return _identity(agent, web)


def _identity(agent: Agent, web: WebSession) -> StaffIdentity:
    return StaffIdentity(agent_id=agent.id, job_number=agent.job_number, name=agent.name, role=agent.role,
                         expires_at=web.expires_at)


def purge_stale(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """Delete sessions that expired or were logged out, and login locks that ran out with no failure counted
    since (the audit log keeps every login and logout). Returns how many sessions and locks were deleted."""
    now = now or utcnow()
    sessions = cast(CursorResult[Any], session.execute(
        delete(WebSession).where(or_(WebSession.expires_at <= now, WebSession.ended_at.is_not(None)))))
    locks = cast(CursorResult[Any], session.execute(
        delete(WebLoginLock).where(WebLoginLock.failed_count == 0,
                                   or_(WebLoginLock.locked_until.is_(None), WebLoginLock.locked_until <= now))))
    return sessions.rowcount, locks.rowcount
