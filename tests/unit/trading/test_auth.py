"""Trading password: three wrong tries lock the account, raise an alert and leave audit rows; no secret kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crm_core.models import Alert, AuditEntry, TradingAccount
from crm_core.trading import AuthConfig, LoginOutcome, PasswordChange, authenticate, change_password
from tests.unit.trading.conftest import ACCOUNT, NOW, PASSWORD, Desk


def test_three_wrong_passwords_lock_the_account(desk: Desk) -> None:
    with desk.db.session() as session:
        first = authenticate(session, ACCOUNT, "975310", now=NOW, call_id="c9")
        assert (first.outcome, first.attempts_left) == (LoginOutcome.WRONG_PASSWORD, 2)
        assert authenticate(session, ACCOUNT, "864201", now=NOW, call_id="c9").attempts_left == 1
        locked = authenticate(session, ACCOUNT, "753197", now=NOW, call_id="c9")
        assert locked.outcome is LoginOutcome.LOCKED and locked.locked_until == NOW + timedelta(minutes=30)
    with desk.db.session() as session:  # committed: lock, alert, audit
        still = authenticate(session, ACCOUNT, PASSWORD, now=NOW + timedelta(minutes=29))
        assert still.outcome is LoginOutcome.LOCKED
        [alert] = session.scalars(select(Alert)).all()
        assert alert.kind == "account_locked" and alert.subject == f"account:{ACCOUNT}" and "c9" in alert.detail
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "login").order_by(AuditEntry.id)).all()
        assert [r.outcome for r in rows] == ["wrong_password", "wrong_password", "locked", "locked"]
        assert all(r.call_id == "c9" for r in rows[:3])
        text = repr([(r.detail, r.outcome, r.subject) for r in rows]) + alert.detail
        assert not any(secret in text for secret in ("975310", "864201", "753197", PASSWORD))
    with desk.db.session() as session:
        after = authenticate(session, ACCOUNT, PASSWORD, now=NOW + timedelta(minutes=31))
        assert after.ok and after.investor_id == desk.investor_id
        account = session.scalars(select(TradingAccount)).one()
        assert account.failed_logins == 0 and account.locked_until is None and PASSWORD not in account.password_hash


def test_configurable_lockout_and_success_resets_the_counter(desk: Desk) -> None:
    config = AuthConfig(max_failures=2, lock_minutes=5)
    with desk.db.session() as session:
        assert authenticate(session, ACCOUNT, "999999", now=NOW, config=config).attempts_left == 1
        assert authenticate(session, ACCOUNT, PASSWORD, now=NOW, config=config).ok
        assert authenticate(session, ACCOUNT, "999999", now=NOW, config=config).attempts_left == 1
        locked = authenticate(session, ACCOUNT, "999999", now=NOW, config=config)
        assert locked.locked_until == NOW + timedelta(minutes=5)
        assert authenticate(session, "nobody", PASSWORD, now=NOW).outcome is LoginOutcome.UNKNOWN_ACCOUNT


def test_change_password(desk: Desk) -> None:
    with desk.db.session() as session:
        def change(old: str, new: str, again: str) -> PasswordChange:
            return change_password(session, ACCOUNT, old, new, again, now=NOW).outcome

        assert change(PASSWORD, "258036", "258037") is PasswordChange.MISMATCH
        assert change(PASSWORD, "12345", "12345") is PasswordChange.BAD_FORMAT
        assert change(PASSWORD, "888888", "888888") is PasswordChange.TOO_SIMPLE
        assert change(PASSWORD, "654321", "654321") is PasswordChange.TOO_SIMPLE
        assert change(PASSWORD, PASSWORD, PASSWORD) is PasswordChange.SAME_AS_OLD
        assert change("000000", "258036", "258036") is PasswordChange.WRONG_PASSWORD
        assert change(PASSWORD, "258036", "258036") is PasswordChange.OK
        assert not authenticate(session, ACCOUNT, PASSWORD, now=NOW).ok
        assert authenticate(session, ACCOUNT, "258036", now=NOW).ok
        outcomes = session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "password.change")).all()
        assert outcomes[-1] == "ok" and "258036" not in repr(session.scalars(select(AuditEntry.detail)).all())
