"""Login, lockout, expiry, logout and role permissions of the console, on both database backends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select, update

from crm_core import audit
from crm_core.db import Database
from crm_core.models import WebLoginLock, WebSession
from crm_core.models.base import utcnow
from crm_core.web_sessions import purge_stale, resolve, token_digest
from tests.unit.console.conftest import PASSWORD, Staff, console_client, login, run
from tests.unit.console.doubles import FakeTelephony


def test_login_sets_an_httponly_strict_cookie_and_stores_only_the_token_digest(database: Database,
                                                                               staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            response = await client.post("/api/login", json={"job_number": "1001", "password": PASSWORD})
            assert response.status == 200
            body = await response.json()
            assert body["home"] == "/agent" and body["user"]["role"] == "agent"
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
            token = response.cookies["hotline_session"].value
            me = await client.get("/api/me")
            assert (await me.json())["user"]["job_number"] == "1001"
            with database.session() as session:
                stored = session.scalars(select(WebSession.token_hash)).all()
            assert stored == [token_digest(token)] and token not in stored

    run(scenario)
    with database.session() as session:
        rows = audit.entries(session, action_prefix="login")
        assert [(r.subject, r.outcome) for r in rows] == [("agent:1001", "ok")]


def test_a_supervisor_lands_on_the_supervisor_console(database: Database, staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            assert (await login(client, "9001"))["home"] == "/supervisor"

    run(scenario)


def test_wrong_password_and_unknown_job_number_are_refused_alike(database: Database, staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            for job in ("1001", "4242"):
                response = await client.post("/api/login", json={"job_number": job, "password": "nope"})
                assert response.status == 401
                assert await response.json() == {"error": "wrong job number or password"}
                assert "hotline_session" not in response.cookies
            assert (await client.get("/api/me")).status == 401

    run(scenario)
    with database.session() as session:
        outcomes = [(r.subject, r.outcome) for r in audit.entries(session, action_prefix="login")]
    assert outcomes == [("agent:1001", "wrong_password"), ("agent:4242", "wrong_password")]


def test_repeated_failures_lock_the_job_number_even_for_the_right_password(database: Database,
                                                                           staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony(), max_failed_logins=3, lockout_minutes=10) as client:
            statuses = []
            for _ in range(3):
                response = await client.post("/api/login", json={"job_number": "1001", "password": "bad"})
                statuses.append(response.status)
            assert statuses == [401, 401, 423]
            locked = await client.post("/api/login", json={"job_number": "1001", "password": PASSWORD})
            assert locked.status == 423
            assert "locked" in (await locked.json())["error"]
            other = await client.post("/api/login", json={"job_number": "1002", "password": PASSWORD})
            assert other.status == 200  # counted per job number

    run(scenario)
    with database.session() as session:
        outcomes = [r.outcome for r in audit.entries(session, action_prefix="login") if r.subject == "agent:1001"]
    assert outcomes == ["wrong_password", "wrong_password", "wrong_password", "locked"]


def test_a_success_resets_the_failure_count(database: Database, staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony(), max_failed_logins=2) as client:
            await client.post("/api/login", json={"job_number": "1001", "password": "bad"})
            await login(client, "1001")
            response = await client.post("/api/login", json={"job_number": "1001", "password": "bad"})
            assert response.status == 401

    run(scenario)


def test_an_expired_session_is_refused_and_the_pages_send_to_login(database: Database, staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            assert (await client.get("/api/me")).status == 200
            with database.session() as session:
                session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
            response = await client.get("/api/me")
            assert response.status == 401
            assert "expired" in (await response.json())["error"]
            page = await client.get("/agent", allow_redirects=False)
            assert page.status == 302 and page.headers["Location"] == "/login?expired=1"

    run(scenario)


def test_logout_ends_the_session(database: Database, staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            token = client.session.cookie_jar.filter_cookies(client.make_url("/"))["hotline_session"].value
            assert (await client.post("/api/logout")).status == 200
            assert (await client.get("/api/me")).status == 401
            client.session.cookie_jar.update_cookies({"hotline_session": token})  # a stolen copy is dead too
            assert (await client.get("/api/me")).status == 401

    run(scenario)


def test_an_agent_is_refused_supervisor_endpoints_with_a_clear_message(database: Database, staff: Staff) -> None:
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            for method, path, body in [
                ("GET", "/api/supervisor/live", None),
                ("POST", "/api/supervisor/supervise", {"agent_id": staff.other_agent_id, "mode": "listen"}),
                ("DELETE", "/api/supervisor/supervise/sup-1", None),
                ("POST", f"/api/supervisor/agents/{staff.other_agent_id}/state", {"state": "logged_out"}),
            ]:
                response = await client.request(method, path, json=body)
                assert response.status == 403, path
                error = (await response.json())["error"]
                assert "supervisor" in error and "agent" in error
            page = await client.get("/supervisor")
            assert page.status == 403

    run(scenario)
    assert telephony.requests == []


def test_unauthenticated_api_calls_get_401(database: Database, staff: Staff) -> None:
    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            for method, path in [("GET", "/api/me"), ("PUT", "/api/me/state"), ("POST", "/api/dial"),
                                 ("GET", "/api/calls/abc/screen-pop"), ("GET", "/api/supervisor/live")]:
                response = await client.request(method, path, json={})
                assert response.status == 401, path
            assert (await client.get("/agent", allow_redirects=False)).headers["Location"] == "/login"

    run(scenario)


def test_expired_and_ended_sessions_and_spent_locks_are_purged(database: Database, staff: Staff) -> None:
    now = utcnow()
    with database.session() as session:
        for token, expires, ended in (("live", now + timedelta(hours=1), None),
                                      ("expired", now - timedelta(seconds=1), None),
                                      ("logged-out", now + timedelta(hours=1), now)):
            session.add(WebSession(token_hash=token_digest(token), agent_id=staff.agent_id, expires_at=expires,
                                   ended_at=ended))
        session.add_all([WebLoginLock(job_number="spent", failed_count=0, locked_until=now - timedelta(minutes=1)),
                         WebLoginLock(job_number="locked", failed_count=0, locked_until=now + timedelta(minutes=5)),
                         WebLoginLock(job_number="counting", failed_count=2, last_failed_at=now)])
    with database.session() as session:
        assert purge_stale(session) == (2, 1)
    with database.session() as session:
        assert session.scalars(select(WebSession.token_hash)).all() == [token_digest("live")]
        assert sorted(session.scalars(select(WebLoginLock.job_number))) == ["counting", "locked"]
        assert resolve(session, "live") is not None


def test_the_console_purges_stale_sessions_when_it_starts(database: Database, staff: Staff) -> None:
    with database.session() as session:
        session.add(WebSession(token_hash=token_digest("old"), agent_id=staff.agent_id,
                               expires_at=utcnow() - timedelta(days=3)))

    def left() -> int:
        with database.session() as session:
            return len(session.scalars(select(WebSession)).all())

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()):
            for _ in range(100):
                if left() == 0:
                    return
                await asyncio.sleep(0.05)

    run(scenario)
    assert left() == 0
