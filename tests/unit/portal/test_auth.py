"""The portal's login (the phone's trading password and lock-out), session, CSRF, origin and rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from crm_core import audit, trading
from crm_core.client_sessions import PortalPolicy, csrf_token, token_digest
from crm_core.db import Database
from crm_core.models import Alert, ClientWebSession, TradingAccount
from crm_core.trading import AuthConfig, LoginOutcome
from portal.ratelimit import RateLimiter
from tests.unit.console.conftest import run
from tests.unit.portal.conftest import CAUTIOUS, PASSWORD, SENIOR, Clients, log_in, portal_client


def test_login_sets_an_httponly_strict_cookie_and_stores_only_the_token_digest(database: Database,
                                                                               clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            response = await client.post("/api/login", json={"account": SENIOR, "password": PASSWORD})
            assert response.status == 200, await response.text()
            body = await response.json()
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            token = response.cookies["hotline_portal"].value
            assert body["csrf_token"] == csrf_token(token) and token not in body["csrf_token"]
            assert body["client"] == {"name": "Wang Fang", "account": SENIOR, "accounts": [SENIOR],
                                      "session_expires_at": body["client"]["session_expires_at"]}
            me = await client.get("/api/me")
            assert (await me.json())["client"]["account"] == SENIOR
            with database.session() as session:
                assert session.scalars(select(ClientWebSession.token_hash)).all() == [token_digest(token)]

    run(scenario)
    with database.session() as session:
        logins = audit.entries(session, action_prefix="login")
        assert [(r.subject, r.outcome, r.channel) for r in logins] == [(f"account:{SENIOR}", "ok", "web")]


def test_wrong_password_and_unknown_account_get_the_same_answer(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            wrong = await client.post("/api/login", json={"account": SENIOR, "password": "000000"})
            unknown = await client.post("/api/login", json={"account": "999999999", "password": PASSWORD})
            assert (wrong.status, await wrong.json()) == (unknown.status, await unknown.json()) == (
                401, {"error": "wrong fund account or trading password"})
            assert "Set-Cookie" not in wrong.headers

    run(scenario)


def test_the_phones_lockout_locks_the_web_and_the_phone_alike(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database) as client:
            statuses = [(await client.post("/api/login", json={"account": CAUTIOUS, "password": "000000"})).status
                        for _ in range(3)]
            assert statuses == [401, 401, 423]
            right = await client.post("/api/login", json={"account": CAUTIOUS, "password": PASSWORD})
            assert right.status == 423 and (await right.json())["locked_until"]

    run(scenario)
    with database.session() as session:
        by_phone = trading.authenticate(session, CAUTIOUS, PASSWORD, now=datetime.now(UTC), config=AuthConfig())
        assert by_phone.outcome is LoginOutcome.LOCKED
        alerts = session.scalars(select(Alert.subject).where(Alert.kind == "account_locked")).all()
        assert alerts == [f"account:{CAUTIOUS}"]


def test_a_post_without_the_csrf_token_or_from_another_origin_is_refused(database: Database,
                                                                        clients: Clients) -> None:
    order = {"side": "buy", "code": "600036", "price": "38.60", "quantity": 100, "request_id": "csrf-test-1"}

    async def scenario() -> None:
        async with portal_client(database) as client:
            csrf = await log_in(client, SENIOR)
            url = f"/api/accounts/{SENIOR}/orders"
            missing = await client.post(url, json=order)
            assert missing.status == 403 and (await missing.json())["code"] == "csrf"
            forged = await client.post(url, json=order, headers={"X-CSRF-Token": "0" * 64})
            assert forged.status == 403
            foreign = await client.post(url, json=order, headers={"X-CSRF-Token": csrf,
                                                                  "Origin": "https://evil.example"})
            assert foreign.status == 403 and (await foreign.json())["code"] == "origin"
            opaque = await client.post(url, json=order, headers={"X-CSRF-Token": csrf, "Origin": "null"})
            assert opaque.status == 403
            form = await client.post("/api/login", data={"account": SENIOR, "password": PASSWORD})
            assert form.status == 415
            ours = f"https://{client.host}:{client.port}"  # our host, as a browser behind a TLS proxy says it
            placed = await client.post(url, json=order, headers={"X-CSRF-Token": csrf, "Origin": ours})
            assert placed.status == 201, await placed.text()

    run(scenario)
    with database.session() as session:
        assert len(audit.entries(session, action_prefix="order.place")) == 1  # the refused ones placed nothing


def test_logins_are_rate_limited_per_address(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database, limiter=RateLimiter(attempts=3, window_seconds=60)) as client:
            for account in (SENIOR, CAUTIOUS, SENIOR):
                assert (await client.post("/api/login", json={"account": account, "password": PASSWORD})).status == 200
            limited = await client.post("/api/login", json={"account": CAUTIOUS, "password": PASSWORD})
            assert limited.status == 429 and (await limited.json())["retry_after_seconds"] > 0

    run(scenario)


def test_the_rate_limiter_counts_a_sliding_window_per_key() -> None:
    limiter = RateLimiter(attempts=2, window_seconds=10)
    assert limiter.retry_after(["ip:a", "account:1"], 0.0) == 0
    assert limiter.retry_after(["ip:a", "account:2"], 1.0) == 0
    assert limiter.retry_after(["ip:a", "account:3"], 2.0) == 8.0  # ip:a is full until 10.0
    assert limiter.retry_after(["ip:b", "account:1"], 2.0) == 0  # account:1 had one
    assert limiter.retry_after(["ip:c", "account:1"], 3.0) == 7.0
    assert limiter.retry_after(["ip:a", "account:4"], 10.5) == 0  # the first attempt left the window


def test_an_expired_or_logged_out_session_is_refused(database: Database, clients: Clients) -> None:
    async def scenario() -> None:
        async with portal_client(database, policy=PortalPolicy(session_minutes=5)) as client:
            csrf = await log_in(client, SENIOR)
            assert (await client.get(f"/api/accounts/{SENIOR}")).status == 200
            with database.session() as session:
                session.execute(update(ClientWebSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
            assert (await client.get(f"/api/accounts/{SENIOR}")).status == 401
            page = await client.get("/home", allow_redirects=False)
            assert page.status == 302 and page.headers["Location"] == "/login?expired=1"
            csrf = await log_in(client, SENIOR)
            assert (await client.post("/api/logout", headers={"X-CSRF-Token": csrf})).status == 200
            assert (await client.get("/api/me")).status == 401

    run(scenario)
    with database.session() as session:
        closed = [r.outcome for r in audit.entries(session, action_prefix="portal.session")]
        assert closed == ["opened", "opened", "closed", "closed"]  # the expired one ended by the new login
        account = session.scalars(select(TradingAccount).where(TradingAccount.account_number == SENIOR)).one()
        assert account.failed_logins == 0
