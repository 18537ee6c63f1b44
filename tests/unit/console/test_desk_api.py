"""The agent desk's API on real rows: screen-pop, disposition, state, call control, callbacks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from console.ports import TelephonyError
from crm_core import callbacks
from crm_core.db import Database
from crm_core.models import Callback, CallDisposition, QuestionnaireResponse, Reminder
from crm_core.rematch import rematch_investors
from crm_core.seed import seed_reference_data
from crm_core.trading import BuiltinBroker, FixedFeed
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony


def test_the_screen_pop_shows_the_caller_from_real_rows(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    feed = FixedFeed()
    feed.set("600519", bid_cents=149_999, ask_cents=150_001)  # last 1500.00

    async def scenario() -> dict:
        async with console_client(database, FakeTelephony(), broker=BuiltinBroker(feed)) as client:
            await login(client, "1001")
            response = await client.get(f"/api/calls/{customer.call_id}/screen-pop")
            assert response.status == 200
            return await response.json()

    pop = run(scenario)
    assert pop["caller_name"] == "Chen Jing" and pop["known"] and pop["vip"]
    assert pop["caller_number"] == "13800138000"
    assert pop["investor"]["risk_class"] == "C4" and pop["investor"]["investor_class"] == "professional"
    assert pop["investor"]["risk_class_label"] == "C4"
    assert pop["segment_path"] == "all/retail/hnw"
    assert pop["holdings"] == [{"account_number": "T138000", "security_code": "600519", "name": "贵州茅台",
                                "name_en": "Kweichow Moutai", "quantity": 100, "sellable": 100,
                                "last_price": "1500.00", "market_value": "150000.00"}]
    assert pop["funds"] == [{"account_number": "T138000", "available": "12000.00", "frozen": "345.67",
                             "total": "12345.67", "status": "active"}]
    assert pop["open_orders"] == [] and pop["fills_today"] == []
    kinds = [step["kind"] for step in pop["ivr_path"]]
    assert kinds == ["entered", "identified", "menu", "invalid_choice", "menu", "queued", "answered"]
    assert pop["ivr_path"][3]["detail"] == {"choice": "9"}
    assert [c["call_id"] for c in pop["recent_calls"]] == [customer.previous_call_id]
    assert pop["recent_calls"][0]["notes"][0]["note"] == "explained the fee schedule"
    assert pop["recent_calls"][0]["agent"] == "Li Na"
    assert [c["summary"] for c in pop["complaints"]] == ["commission too high"]
    assert [r["text"] for r in pop["reminders"]] == ["renew questionnaire"]


def test_a_questionnaire_that_lowers_the_class_shows_the_lowered_class(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id, risk_class="C4")
    with database.session() as session:
        seed_reference_data(session)
        session.add(QuestionnaireResponse(investor_id=customer.investor_id, questionnaire="standard-v1",
                                          answers=[1] * 10, score=30, answered_at=datetime.now(UTC)))
        session.flush()
        rematch_investors(session, [customer.investor_id], "questionnaire", as_of=date.today())

    async def scenario() -> dict:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            return await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()

    investor = run(scenario)["investor"]
    assert (investor["risk_class"], investor["declared_risk_class"]) == ("C2", "C4")
    assert investor["risk_class_label"] == "C2 (declared C4)"


def test_an_unknown_number_pops_as_unknown(database: Database, staff: Staff) -> None:
    from crm_core import calls

    with database.session() as session:
        call = calls.open_call(session, channel_id="c9", caller_number="0755000", dialed_number="95555")
        calls.mark_answered(session, call.id, staff.agent_id)
        call_id = call.id

    async def scenario() -> dict:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            return await (await client.get(f"/api/calls/{call_id}/screen-pop")).json()

    pop = run(scenario)
    assert pop["caller_name"] == "unknown number" and pop["investor"] is None and not pop["known"]
    assert pop["holdings"] == [] and pop["funds"] == [] and pop["open_orders"] == [] and pop["recent_calls"] == []


def test_another_agents_call_is_refused_and_unknown_calls_are_404(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.other_agent_id)

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            mine = await client.get(f"/api/calls/{customer.call_id}/screen-pop")
            assert mine.status == 403
            for call_id in ("nosuchcall", "x" * 70, "a%00b"):
                response = await client.get(f"/api/calls/{call_id}/screen-pop")
                assert response.status == 404, call_id
                assert "error" in await response.json()
            await login(client, "9001")
            assert (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).status == 200

    run(scenario)


def test_a_disposition_is_saved_with_agent_and_time(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            response = await client.post(f"/api/calls/{customer.call_id}/disposition",
                                         json={"code": "callback_needed", "note": "wants a call about margin"})
            assert response.status == 201, await response.text()

    run(scenario)
    with database.session() as session:
        rows = session.scalars(select(CallDisposition).where(CallDisposition.call_id == customer.call_id)).all()
        assert [(r.agent_id, r.code, r.note) for r in rows] == [(staff.agent_id, "callback_needed",
                                                                 "wants a call about margin")]
        assert rows[0].at.tzinfo is not None


def test_state_changes_go_to_the_telephony(database: Database, staff: Staff) -> None:
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            assert (await client.put("/api/me/state", json={"state": "ready"})).status == 200
            assert (await client.put("/api/me/state", json={"state": "not_ready", "reason": "lunch"})).status == 200
            missing = await client.put("/api/me/state", json={"state": "not_ready"})
            assert missing.status == 422 and "reason" in (await missing.json())["error"]
            assert (await client.put("/api/me/state", json={"state": "busy"})).status == 422

    run(scenario)
    assert telephony.named("set_agent_state") == [("set_agent_state", staff.agent_id, "ready", None),
                                                  ("set_agent_state", staff.agent_id, "not_ready", "lunch")]


def test_hold_transfer_dial_and_callback(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            call = f"/api/calls/{customer.call_id}"
            assert (await client.post(f"{call}/hold", json={"on": True})).status == 200
            assert (await client.post(f"{call}/transfer", json={"to_job_number": "1002", "attended": True})).status \
                == 200
            assert (await client.post(f"{call}/transfer", json={"to_number": "13900001111"})).status == 200
            assert (await client.post(f"{call}/transfer", json={"to_job_number": "7777"})).status == 404
            both = await client.post(f"{call}/transfer", json={"to_job_number": "1002", "to_number": "139"})
            assert both.status == 422
            dialled = await client.post("/api/dial", json={"number": "13800138000"})
            assert dialled.status == 201 and (await dialled.json())["call_id"].startswith("dialled-")
            callback = await client.post("/api/callbacks", json={
                "investor_id": customer.investor_id, "at": "2030-01-02T09:30:00+08:00", "note": "margin call"})
            assert callback.status == 201, await callback.text()
            made = await callback.json()
            again = await client.post("/api/callbacks", json={
                "investor_id": customer.investor_id, "at": "2030-01-02T09:30:00+08:00", "note": "margin call"})
            assert again.status == 201 and (await again.json())["callback_id"] == made["callback_id"]  # double click
            other = await client.post("/api/callbacks", json={"investor_id": customer.investor_id,
                                                              "at": "2030-01-03T09:30:00+08:00"})
            assert other.status == 409 and (await other.json())["code"] == "already_pending"
            naive = await client.post("/api/callbacks", json={"investor_id": customer.investor_id,
                                                              "at": "2030-01-02T09:30:00"})
            assert naive.status == 422
            nobody = await client.post("/api/callbacks", json={"investor_id": 99999, "at": "2030-01-02T01:00:00Z"})
            assert nobody.status == 404

    run(scenario)
    assert telephony.requests == [
        ("hold", customer.call_id, True, staff.agent_id),
        ("transfer", customer.call_id, "1002", None, True, staff.agent_id),
        ("transfer", customer.call_id, None, "13900001111", False, staff.agent_id),
        ("dial", staff.agent_id, "13800138000"),
    ]
    with database.session() as session:
        reminder = session.scalars(select(Reminder).where(Reminder.text == "Call back: margin call")).one()
        assert reminder.agent_id == staff.agent_id and reminder.due_at.hour == 1
        made_back = session.scalars(select(Callback)).one()  # the ACD makes it at its time, rung to me first
        assert (made_back.status, made_back.agent_id, made_back.reminder_id) == ("scheduled", staff.agent_id,
                                                                                 reminder.id)
        assert made_back.due_at == reminder.due_at and made_back.number == "13800138000"


def test_the_client_calls_in_first_and_the_agent_cancels_their_callbacks(database: Database, staff: Staff) -> None:
    """The screen-pop lists the client's callbacks still to come; the agent on the call cancels one for them (again:
    the same answer); one being made is refused (409), another client's is not found, and an agent who may not see
    the call may not cancel through it."""
    customer = add_customer(database, staff.agent_id)
    other = add_customer(database, staff.agent_id, name="Sun Li", number="13900139000")
    with database.session() as session:
        mine = callbacks.schedule(session, agent_id=staff.other_agent_id, investor_id=customer.investor_id,
                                  at=datetime(2030, 1, 3, 1, 30, tzinfo=UTC), skill="general", note="margin",
                                  key="desk:x").id
        theirs = callbacks.schedule(session, agent_id=staff.agent_id, investor_id=other.investor_id,
                                    at=datetime(2030, 1, 2, 1, 30, tzinfo=UTC), skill="general", note="",
                                    key="desk:y").id
        [due] = callbacks.open_due(session, datetime(2030, 1, 2, 2, 0, tzinfo=UTC))  # the other client's, queued...
        assert callbacks.claim_attempt(session, due.call_id)  # ...and being made: no longer cancellable

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1002")
            path = f"/api/calls/{customer.call_id}/callbacks/{mine}/cancel"
            assert (await client.post(path)).status == 403  # not 1002's call
            await login(client, "1001")
            pop = await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()
            assert [(c["id"], c["origin"], c["note"]) for c in pop["open_callbacks"]] == [(mine, "scheduled", "margin")]
            cancelled = await client.post(path)
            assert cancelled.status == 200 and (await cancelled.json())["status"] == "cancelled"
            again = await client.post(path)
            assert again.status == 200 and (await again.json())["status"] == "cancelled"
            not_theirs = await client.post(f"/api/calls/{customer.call_id}/callbacks/{theirs}/cancel")
            assert not_theirs.status == 404
            busy = await client.post(f"/api/calls/{other.call_id}/callbacks/{theirs}/cancel")
            refused = await busy.json()
            assert busy.status == 409 and refused["code"] == "in_progress"
            assert "the client is being called back now" in refused["error"]  # the agent's words, not the client's
            pop = await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()
            assert pop["open_callbacks"] == []

    run(scenario)
    with database.session() as session:
        row = session.get(Callback, mine)
        assert row is not None and (row.status, row.cancelled_by) == ("cancelled", "agent:1001")


def test_a_telephony_refusal_is_a_409_with_its_code(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    telephony = FakeTelephony(fail_with=TelephonyError("not_on_call", "the call has already ended"))

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            response = await client.post(f"/api/calls/{customer.call_id}/hold", json={"on": False})
            assert response.status == 409
            assert await response.json() == {"error": "the call has already ended", "code": "not_on_call"}

    run(scenario)


def test_malformed_bodies_get_4xx_with_a_message(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    call = f"/api/calls/{customer.call_id}"
    cases = [
        ("POST", "/api/login", b"{not json", 400),
        ("POST", "/api/login", b"[1, 2]", 400),
        ("POST", "/api/login", b"", 400),
        ("POST", "/api/login", b'{"job_number": 1001, "password": "x"}', 422),
        ("POST", "/api/login", b'{"job_number": "1001"}', 422),
        ("POST", "/api/login", b'{"job_number": "1\\u0000", "password": "x"}', 422),
        ("POST", "/api/login", b'{"job_number": "\\ud800", "password": "x"}', 422),
        ("POST", "/api/login", b'{"job_number": "123456789012345678901", "password": "x"}', 422),
        ("PUT", "/api/me/state", b'{"state": 3}', 422),
        ("POST", f"{call}/disposition", b'{"code": "bogus"}', 422),
        ("POST", f"{call}/disposition", b'{"note": "no code"}', 422),
        ("POST", f"{call}/hold", b'{"on": "yes"}', 422),
        ("POST", f"{call}/hold", b'{"on": 1}', 422),
        ("POST", "/api/dial", b'{"number": "call me"}', 422),
        ("POST", "/api/callbacks", b'{"investor_id": "1", "at": "2030-01-01T00:00:00Z"}', 422),
        ("POST", "/api/callbacks", b'{"investor_id": 99999999999, "at": "2030-01-01T00:00:00Z"}', 422),
        ("POST", "/api/callbacks", b'{"investor_id": 1, "at": "tomorrow"}', 422),
        ("POST", "/api/callbacks", b'{"investor_id": true, "at": "2030-01-01T00:00:00Z"}', 422),
        ("POST", "/api/nothing-here", b"{}", 404),
        ("GET", "/api/login", None, 405),
    ]

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "9001")
            for method, path, body, status in cases:
                response = await client.request(method, path, data=body,
                                                headers={"Content-Type": "application/json"})
                assert response.status == status, (path, body, await response.text())
                assert isinstance((await response.json())["error"], str)

    run(scenario)
