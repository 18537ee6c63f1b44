"""Relationship routing at the desk and the board: the agent's own book (searchable, with open complaints,
reminders and callbacks), "your client" on the screen-pop, no screen-pop of another agent's client outside
one's book, and the supervisor's service targets per segment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crm_core import callbacks
from crm_core.db import Database
from crm_core.models import Investor, InvestorAssignment, InvestorPhone, Reminder
from crm_core.models.base import utcnow
from crm_core.seed import seed_reference_data
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony


def assign(database: Database, investor_id: int, agent_id: int, role: str = "service_commissioner") -> None:
    with database.session() as session:
        session.add(InvestorAssignment(investor_id=investor_id, role_code=role, agent_id=agent_id, pinned=True,
                                       rule_code="manual", assigned_by="admin"))


def test_the_desk_lists_my_clients_searchable_with_what_is_open(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    with database.session() as session:
        other = Investor(account_number="A000777", name="Sun Li", investor_class="ordinary", risk_class="C2")
        stranger = Investor(account_number="A000888", name="Not Mine", investor_class="ordinary", risk_class="C2")
        session.add_all([other, stranger])
        session.flush()
        session.add(InvestorPhone(investor_id=other.id, number="13900007777"))
        reminder = Reminder(investor_id=customer.investor_id, agent_id=staff.agent_id, text="Call back: fees",
                            due_at=utcnow() + timedelta(hours=1))
        session.add(reminder)
        session.flush()
        callbacks.schedule(session, agent_id=staff.agent_id, investor_id=customer.investor_id,
                           at=reminder.due_at, skill="general", note="fees", key="book-test", reminder_id=reminder.id)
        ids = other.id, stranger.id
    assign(database, customer.investor_id, staff.agent_id)
    assign(database, customer.investor_id, staff.agent_id, "marketing_manager")
    assign(database, ids[0], staff.agent_id)
    assign(database, ids[1], staff.other_agent_id)

    async def scenario() -> list[Any]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            return [await (await client.get(path)).json() for path in
                    ("/api/me/book", "/api/me/book?q=7777", "/api/me/book?q=chen", "/api/me/book?q=A000888")]

    everyone, by_phone, by_name, not_mine = run(scenario)
    assert [c["name"] for c in everyone["investors"]] == ["Chen Jing", "Sun Li"]
    chen = everyone["investors"][0]
    assert (chen["phone"], chen["segment"], sorted(chen["roles"])) == \
        ("13800138000", "hnw", ["marketing_manager", "service_commissioner"])
    assert (chen["open_complaints"], chen["reminders"], chen["callbacks"]) == (1, 1, 1)
    assert [c["account_number"] for c in by_phone["investors"]] == ["A000777"]
    assert [c["name"] for c in by_name["investors"]] == ["Chen Jing"]
    assert not_mine["investors"] == [], "another agent's client is not in my book"


def test_the_screen_pop_says_your_client_and_hides_other_agents_clients(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)  # the call was answered by 1001

    async def pops() -> tuple[Any, int]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            mine = await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()
            await login(client, "1002")
            return mine, (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).status

    mine, other_status = run(pops)
    assert mine["relationship"] is None and other_status == 403, "not in anyone's book yet"
    assign(database, customer.investor_id, staff.other_agent_id)

    async def pops_again() -> tuple[Any, Any]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            answering = await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()
            await login(client, "1002")
            return answering, await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()

    answering, commissioner = run(pops_again)
    assert answering["relationship"] is None and commissioner["relationship"] == "your client"


def test_the_board_shows_the_service_targets_per_segment(database: Database, staff: Staff) -> None:
    with database.session() as session:
        seed_reference_data(session)

    async def scenario() -> tuple[int, Any]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            agent = (await client.get("/api/supervisor/service-levels")).status
            await login(client, "9001")
            return agent, await (await client.get("/api/supervisor/service-levels")).json()

    agent_status, view = run(scenario)
    assert agent_status == 403
    rows = {row["rule_code"]: row for row in view["service_levels"]}
    assert list(rows) == ["SL-HIGH-ASSETS", "SL-VIP", "SL-DEFAULT"]
    assert (rows["SL-HIGH-ASSETS"]["condition"], rows["SL-HIGH-ASSETS"]["priority"],
            rows["SL-HIGH-ASSETS"]["answer_within_seconds"]) == ("investor.assets >= 5_000_000", 20, 10.0)
