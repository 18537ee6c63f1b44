"""The portal's small decisions as pure functions: the CSRF token, request-id scoping, history days."""

from __future__ import annotations

from datetime import date

import pytest

from crm_core.client_sessions import ClientIdentity, csrf_matches, csrf_token
from portal.routes_accounts import history_days
from portal.routes_orders import request_id_of
from webapi.errors import ApiError


def test_the_csrf_token_belongs_to_one_session_and_does_not_reveal_it() -> None:
    token = "session-token-a"
    assert csrf_matches(token, csrf_token(token))
    assert not csrf_matches("session-token-b", csrf_token(token))
    assert not csrf_matches(token, "") and token not in csrf_token(token)


def test_request_ids_are_scoped_to_the_fund_account() -> None:
    assert request_id_of("200000001", "abc12345") != request_id_of("200000002", "abc12345")


def test_an_identity_reads_its_investors_accounts_and_trades_on_its_own() -> None:
    identity = ClientIdentity(investor_id=1, name="x", account_number="A1", accounts=("A1", "A2"),
                              expires_at=None)  # type: ignore[arg-type]
    assert identity.may_read("A2") and not identity.may_trade("A2") and identity.may_trade("A1")
    assert not identity.may_read("B1")


TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(("first", "last", "expected"), [
    (None, None, (date(2026, 11, 2), TODAY)),
    ("2026-12-01", None, (date(2026, 12, 1), TODAY)),
    (None, "2026-06-30", (date(2026, 5, 31), date(2026, 6, 30))),
])
def test_history_days_default_to_the_last_30(first: str | None, last: str | None,
                                             expected: tuple[date, date]) -> None:
    assert history_days(first, last, TODAY) == expected


@pytest.mark.parametrize(("first", "last"), [("2026-12-03", "2026-12-01"), ("2024-01-01", None), ("2026-1-1", None),
                                             (None, "2026-12-02T00:00")])
def test_bad_history_days_are_refused(first: str | None, last: str | None) -> None:
    with pytest.raises(ApiError) as refused:
        history_days(first, last, TODAY)
    assert refused.value.status == 422
