"""Expert help from the desk's API: the three-way call (the consulted expert joins, or one is rung straight in),
either side leaving it, and the hand-over to the expert queue by topic. Who may act, what reaches the telephony,
and what bad input gets. The telephony itself is tested on the real Asterisk (tests/integration/test_expert_call)."""

from __future__ import annotations

from console.ports import TelephonyError
from crm_core.db import Database
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony


def test_the_three_way_call_and_the_expert_queue_reach_the_telephony(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            call = f"/api/calls/{customer.call_id}"
            joined = await client.post(f"{call}/conference", json={})
            assert joined.status == 200 and (await joined.json())["conference"] == "joined"
            rung = await client.post(f"{call}/conference", json={"to_job_number": "1002"})
            assert rung.status == 200 and (await rung.json())["conference"] == "ringing"
            assert (await client.post(f"{call}/conference", json={"to_number": "13900000001"})).status == 200
            for who in ("expert", "agent"):
                left = await client.post(f"{call}/conference/leave", json={"who": who})
                assert left.status == 200 and (await left.json())["left"] == who
            queued = await client.post(f"{call}/queue", json={"topic": "bonds"})
            assert queued.status == 200 and (await queued.json())["skill"] == "expert_bonds"
            assert (await client.post(f"{call}/queue", json={"skill": "general"})).status == 200
            await login(client, "9001")
            assert (await client.post(f"{call}/conference/leave", json={"who": "agent"})).status == 200

    run(scenario)
    me = staff.agent_id
    assert telephony.requests == [
        ("conference", customer.call_id, None, None, me),
        ("conference", customer.call_id, "1002", None, me),
        ("conference", customer.call_id, None, "13900000001", me),
        ("leave_conference", customer.call_id, "expert", me),
        ("leave_conference", customer.call_id, "agent", me),
        ("to_queue", customer.call_id, "expert_bonds", me),
        ("to_queue", customer.call_id, "general", me),
        ("leave_conference", customer.call_id, "agent", None),  # a supervisor acts on any call
    ]


def test_bad_input_other_agents_calls_and_refusals(database: Database, staff: Staff) -> None:
    mine = add_customer(database, staff.agent_id)
    theirs = add_customer(database, staff.other_agent_id, name="Sun Li", number="13900139000")
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            call = f"/api/calls/{mine.call_id}"
            both = await client.post(f"{call}/conference", json={"to_job_number": "1002", "to_number": "139000"})
            assert both.status == 422
            assert (await client.post(f"{call}/conference", json={"to_job_number": "4242"})).status == 404
            assert (await client.post(f"{call}/conference/leave", json={"who": "caller"})).status == 422
            assert (await client.post(f"{call}/conference/leave", json={})).status == 422
            assert (await client.post(f"{call}/queue", json={"topic": "crypto"})).status == 422
            assert (await client.post(f"{call}/queue", json={})).status == 422
            assert (await client.post(f"{call}/queue", json={"topic": "stocks", "skill": "general"})).status == 422
            other = await client.post(f"/api/calls/{theirs.call_id}/conference", json={})
            assert other.status == 403
            assert (await client.post("/api/calls/nosuchcall/queue", json={"topic": "funds"})).status == 404
            assert telephony.requests == []  # nothing reached the telephony

            telephony.fail_with = TelephonyError("in_conference", "a three-way call is in progress")
            refused = await client.post(f"{call}/queue", json={"topic": "funds"})
            assert refused.status == 409 and (await refused.json())["code"] == "in_conference"

    run(scenario)
