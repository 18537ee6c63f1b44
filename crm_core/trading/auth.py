"""Trading-password authentication with lockout, and password change. Passwords are never stored or logged.

`max_failures` wrong passwords in a row lock the account for `lock_minutes`, raise an `account_locked`
alert and write an audit row; every login attempt is audited (outcome only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from crm_core import audit
from crm_core.models import Alert, TradingAccount
from crm_core.passwords import hash_password, verify_password
from crm_core.trading.accounts import find_account, lock_account
from crm_core.trading.config import AuthConfig


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG_PASSWORD = "wrong_password"
    LOCKED = "locked"
    UNKNOWN_ACCOUNT = "unknown_account"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    account_id: int | None = None
    investor_id: int | None = None
    attempts_left: int | None = None  # after a wrong password
    locked_until: datetime | None = None  # when locked

    @property
    def ok(self) -> bool:
        return self.outcome is LoginOutcome.OK


def authenticate(session: Session, account_number: str, password: str, *, now: datetime,
                 config: AuthConfig | None = None, channel: str = "phone",
                 call_id: str | None = None) -> LoginResult:
    config = config or AuthConfig()
    found = find_account(session, account_number)
    if found is None:
        _audit(session, account_number, LoginOutcome.UNKNOWN_ACCOUNT, channel, call_id, now)
        return LoginResult(LoginOutcome.UNKNOWN_ACCOUNT)
    account = lock_account(session, found.id)
    if account.locked_until is not None and now < account.locked_until:
        _audit(session, account_number, LoginOutcome.LOCKED, channel, call_id, now)
        return LoginResult(LoginOutcome.LOCKED, account.id, account.investor_id, 0, account.locked_until)
    if account.locked_until is not None:
        account.locked_until, account.failed_logins = None, 0
    if verify_password(account.password_hash, password):
        account.failed_logins = 0
        _audit(session, account_number, LoginOutcome.OK, channel, call_id, now)
        return LoginResult(LoginOutcome.OK, account.id, account.investor_id)
    return _failed(session, account, config, channel, call_id, now)


def _failed(session: Session, account: TradingAccount, config: AuthConfig, channel: str, call_id: str | None,
            now: datetime) -> LoginResult:
    account.failed_logins += 1
    left = config.max_failures - account.failed_logins
    if left > 0:
        _audit(session, account.account_number, LoginOutcome.WRONG_PASSWORD, channel, call_id, now,
               attempts_left=left)
        return LoginResult(LoginOutcome.WRONG_PASSWORD, account.id, account.investor_id, left)
    account.locked_until = now + timedelta(minutes=config.lock_minutes)
    session.add(Alert(kind="account_locked", subject=f"account:{account.account_number}", at=now,
                      detail=f"{account.failed_logins} wrong trading passwords; locked until "
                             f"{account.locked_until.isoformat()} (channel {channel}, call {call_id or '-'})"))
    _audit(session, account.account_number, LoginOutcome.LOCKED, channel, call_id, now,
           failures=account.failed_logins, locked_until=account.locked_until.isoformat())
    return LoginResult(LoginOutcome.LOCKED, account.id, account.investor_id, 0, account.locked_until)


def _audit(session: Session, account_number: str, outcome: LoginOutcome, channel: str, call_id: str | None,
           now: datetime, **detail: object) -> None:
    entry = audit.record(session, actor=f"account:{account_number}", action="login", outcome=outcome.value,
                         channel=channel, subject=f"account:{account_number}", call_id=call_id, **detail)
    entry.at = now


class PasswordChange(StrEnum):
    OK = "ok"
    WRONG_PASSWORD = "wrong_password"
    LOCKED = "locked"
    UNKNOWN_ACCOUNT = "unknown_account"
    MISMATCH = "mismatch"  # new and new-again differ
    BAD_FORMAT = "bad_format"  # not 6 digits
    TOO_SIMPLE = "too_simple"  # one repeated digit, or a run such as 123456
    SAME_AS_OLD = "same_as_old"


CHANGE_MESSAGES = {
    PasswordChange.OK: "the trading password has been changed",
    PasswordChange.WRONG_PASSWORD: "the current password is wrong",
    PasswordChange.LOCKED: "the account is locked after too many wrong passwords",
    PasswordChange.UNKNOWN_ACCOUNT: "no such trading account",
    PasswordChange.MISMATCH: "the two new passwords differ",
    PasswordChange.BAD_FORMAT: "the new password must be 6 digits",
    PasswordChange.TOO_SIMPLE: "the new password is too simple",
    PasswordChange.SAME_AS_OLD: "the new password must differ from the current one",
}


@dataclass(frozen=True)
class PasswordChangeResult:
    outcome: PasswordChange
    message: str
    login: LoginResult | None = None  # the check of the old password (attempts left, locked until)

    @property
    def ok(self) -> bool:
        return self.outcome is PasswordChange.OK


def password_problem(new: str) -> PasswordChange | None:
    if len(new) != 6 or not new.isdigit() or not new.isascii():
        return PasswordChange.BAD_FORMAT
    steps = {int(b) - int(a) for a, b in zip(new, new[1:], strict=False)}
    if len(set(new)) == 1 or steps in ({1}, {-1}):
        return PasswordChange.TOO_SIMPLE
    return None


def change_password(session: Session, account_number: str, old: str, new: str, new_again: str, *,
                    now: datetime, config: AuthConfig | None = None, channel: str = "phone",
                    call_id: str | None = None) -> PasswordChangeResult:
    """Checks the old password (a wrong one counts toward the lockout), then the new one twice."""
    login = authenticate(session, account_number, old, now=now, config=config, channel=channel, call_id=call_id)
    outcome = _change_outcome(login, old, new, new_again)
    if outcome is PasswordChange.OK:
        account = lock_account(session, login.account_id or 0)
        account.password_hash = hash_password(new)
    if login.outcome is not LoginOutcome.UNKNOWN_ACCOUNT:
        entry = audit.record(session, actor=f"account:{account_number}", action="password.change",
                             outcome=outcome.value, channel=channel, subject=f"account:{account_number}",
                             call_id=call_id)
        entry.at = now
    return PasswordChangeResult(outcome, CHANGE_MESSAGES[outcome], login)


def _change_outcome(login: LoginResult, old: str, new: str, new_again: str) -> PasswordChange:
    if not login.ok:
        return PasswordChange(login.outcome.value)
    if new != new_again:
        return PasswordChange.MISMATCH
    problem = password_problem(new)
    if problem is not None:
        return problem
    return PasswordChange.SAME_AS_OLD if new == old else PasswordChange.OK
