"""Hold and attended transfer from the desk's API: who may act on which call, what reaches the telephony,
and which live events an agent sees. The telephony itself is tested on the real Asterisk (integration)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.live import visible_to
from console.ports import TelephonyError
from crm_core import calls
from crm_core.db import Database
from crm_core.events import CallState
from crm_core.web_sessions import StaffIdentity
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony


def test_complete_and_cancel_reach_the_telephony_as_the_agent_or_as_a_supervisor(database: Database,
                                                                                  staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            call = f"/api/calls/{customer.call_id}"
            done = await client.post(f"{call}/transfer/complete")
            assert done.status == 200 and (await done.json())["transfer"] == "completed"
            assert (await client.post(f"{call}/transfer/cancel")).status == 200
            await login(client, "9001")
            assert (await client.post(f"{call}/transfer/cancel")).status == 200
            assert (await client.post(f"{call}/hold", json={"on": False})).status == 200

    run(scenario)
    assert telephony.requests == [
        ("complete_transfer", customer.call_id, staff.agent_id),
        ("cancel_transfer", customer.call_id, staff.agent_id),
        ("cancel_transfer", customer.call_id, None),  # a supervisor acts on any call
        ("hold", customer.call_id, False, None),
    ]


def test_unknown_calls_other_agents_calls_and_refusals(database: Database, staff: Staff) -> None:
    mine = add_customer(database, staff.agent_id)
    theirs = add_customer(database, staff.other_agent_id, name="Sun Li", number="13900139000")
    telephony = FakeTelephony()

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            for action in ("transfer/complete", "transfer/cancel"):
                unknown = await client.post(f"/api/calls/nosuchcall/{action}")
                assert unknown.status == 404 and "nosuchcall" in (await unknown.json())["error"]
                other = await client.post(f"/api/calls/{theirs.call_id}/{action}")
                assert other.status == 403 and "not yours" in (await other.json())["error"]
            hold = await client.post(f"/api/calls/{theirs.call_id}/hold", json={"on": True})
            assert hold.status == 403
            assert telephony.requests == []  # nothing reached the telephony

            telephony.fail_with = TelephonyError("consult_not_answered", "the transfer target has not answered yet")
            refused = await client.post(f"/api/calls/{mine.call_id}/transfer/complete")
            assert refused.status == 409
            assert await refused.json() == {"error": "the transfer target has not answered yet",
                                            "code": "consult_not_answered"}
            no_target = await client.post(f"/api/calls/{mine.call_id}/transfer", json={"attended": True})
            assert no_target.status == 422 and "to_job_number" in (await no_target.json())["error"]
            bad = await client.post(f"/api/calls/{mine.call_id}/transfer", json={"to_number": "12ab",
                                                                                   "attended": True})
            assert bad.status == 422

    run(scenario)


def test_the_target_of_an_attended_transfer_sees_the_callers_screen_pop(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    with database.session() as session:
        calls.record_event(session, customer.call_id, "consult_offered", agent_id=staff.other_agent_id,
                           number=None, from_agent_id=staff.agent_id)

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1002")
            pop = await client.get(f"/api/calls/{customer.call_id}/screen-pop")
            assert pop.status == 200
            body = await pop.json()
            assert body["caller_name"] == "Chen Jing" and body["direction"] == "inbound"

    run(scenario)


def identity(agent_id: int, role: str = "agent") -> StaffIdentity:
    return StaffIdentity(agent_id=agent_id, job_number=str(agent_id), name="x", role=role,
                         expires_at=datetime.now(UTC) + timedelta(hours=1))


def test_an_agent_sees_the_call_state_of_their_own_calls_only() -> None:
    held = CallState(7, "c1", "held")
    assert visible_to(identity(7), held)
    assert not visible_to(identity(8), held)
    assert visible_to(identity(8, "supervisor"), held)
