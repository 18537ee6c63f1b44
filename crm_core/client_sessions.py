"""Clients' self-service web logins: the fund account and its trading password, checked by the phone's own
`trading.authenticate` (so the same lock-out, alert and audit, channel "web"), then a server-side session
keyed by the SHA-256 of a random token.

    login(session, account_number, password, policy, *, now, source) -> ClientLogin
    resolve(session, token, *, now) -> ClientIdentity | None
    logout(session, token, *, now) -> bool
    csrf_token(token) -> str          # derived from the session token: a page of ours can show it, no other can

The caller owns the transaction. The session lets its client read the accounts of the investor owning the
fund account and trade on that fund account only (`ClientIdentity.may_read`, `.may_trade`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select
from sqlalchemy.orm import Session

from crm_core import audit, trading
from crm_core.models import ClientWebSession, Investor, TradingAccount
from crm_core.passwords import DUMMY_HASH, verify_password
from crm_core.trading import AuthConfig, LoginOutcome


@dataclass(frozen=True)
class PortalPolicy:
    session_minutes: int = 30  # a client's session is short: it can trade
    auth: AuthConfig = AuthConfig()  # the phone's: wrong passwords before the lock-out, its minutes


@dataclass(frozen=True)
class ClientIdentity:
    """Who a portal session belongs to, detached from the database session."""

    investor_id: int
    name: str
    account_number: str  # the fund account logged in with: the only one it trades on
    accounts: tuple[str, ...]  # every fund account of the investor: what it may read
    expires_at: datetime

    def may_read(self, account_number: str) -> bool:
        return account_number in self.accounts

    def may_trade(self, account_number: str) -> bool:
        return account_number == self.account_number


@dataclass(frozen=True)
class ClientLogin:
    outcome: LoginOutcome
    token: str | None = None
    identity: ClientIdentity | None = None
    attempts_left: int | None = None
    locked_until: datetime | None = None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(token: str) -> str:
    """The CSRF token of a session: an HMAC of the session token (HttpOnly), so only our pages know it."""
    return hmac.new(token.encode(), b"hotline-portal-csrf", hashlib.sha256).hexdigest()


def csrf_matches(token: str, presented: str) -> bool:
    return hmac.compare_digest(csrf_token(token), presented)


def login(session: Session, account_number: str, password: str, policy: PortalPolicy, *, now: datetime,
          source: str = "") -> ClientLogin:
    """The phone's password check (lock-out included); on success a session whose token is returned once."""
    result = trading.authenticate(session, account_number, password, now=now, config=policy.auth, channel="web")
    if result.outcome is LoginOutcome.UNKNOWN_ACCOUNT:
        verify_password(DUMMY_HASH, password)  # as long as a wrong password: the web does not tell who exists
    if not result.ok or result.account_id is None or result.investor_id is None:
        return ClientLogin(result.outcome, attempts_left=result.attempts_left, locked_until=result.locked_until)
    token = secrets.token_urlsafe(32)
    row = ClientWebSession(token_hash=token_digest(token), account_id=result.account_id,
                           investor_id=result.investor_id, created_at=now,
                           expires_at=now + timedelta(minutes=policy.session_minutes))
    session.add(row)
    session.flush()
    entry = audit.record(session, actor=f"account:{account_number}", action="portal.session", outcome="opened",
                         channel="web", subject=f"account:{account_number}", source=source)
    entry.at = now
    return ClientLogin(LoginOutcome.OK, token=token, identity=_identity(session, row))


def resolve(session: Session, token: str, *, now: datetime) -> ClientIdentity | None:
    """The client behind a cookie token, or None when unknown, logged out or expired."""
    row = session.scalars(select(ClientWebSession).where(ClientWebSession.token_hash == token_digest(token))
                          ).one_or_none()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return _identity(session, row)


def logout(session: Session, token: str, *, now: datetime) -> bool:
    row = session.scalars(select(ClientWebSession).where(ClientWebSession.token_hash == token_digest(token))
                          ).one_or_none()
    if row is None or row.ended_at is not None:
        return False
    row.ended_at = now
    account = session.get(TradingAccount, row.account_id)
    subject = f"account:{account.account_number if account else row.account_id}"
    entry = audit.record(session, actor=subject, action="portal.session", outcome="closed", channel="web",
                         subject=subject)
    entry.at = now
    return True


def _identity(session: Session, row: ClientWebSession) -> ClientIdentity:
    investor = session.get(Investor, row.investor_id)
    own = session.get(TradingAccount, row.account_id)
    numbers = session.scalars(select(TradingAccount.account_number)
                              .where(TradingAccount.investor_id == row.investor_id)
                              .order_by(TradingAccount.account_number)).all()
    return ClientIdentity(investor_id=row.investor_id, name=investor.name if investor else "",
                          account_number=own.account_number if own else "", accounts=tuple(numbers),
                          expires_at=row.expires_at)


def purge_stale(session: Session, now: datetime) -> int:
    """Delete portal sessions that expired or were logged out (the audit log keeps each opening and closing)."""
    result = cast(CursorResult[Any], session.execute(
        delete(ClientWebSession).where(or_(ClientWebSession.expires_at <= now,
                                           ClientWebSession.ended_at.is_not(None)))))
    return result.rowcount
