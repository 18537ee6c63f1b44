"""Relationship routing through the real Asterisk (issue 16's acceptance): an investor's call goes to the agent
the CRM assigned them, waits for them while busy up to the segment's time, then goes by skill; a reassignment
from the command line routes the next call at once; a segment rule added while the service runs raises a later
caller's priority."""

from __future__ import annotations

import asyncio
import subprocess
import threading

from sqlalchemy import select

from crm_core.changes import edit_rule
from crm_core.models import AgentState, Call, Investor
from crm_core.rematch import rematch_investors
from crm_core.seed import seed_reference_data
from crm_core.staff import grant_role, set_profile
from crm_core.workflows import assign_investors
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.integration.test_call_routing import call_row, event_kinds
from tests.support.cli import HOTLINE as HOTLINE_SCRIPT
from tests.support.hotline import (
    HOTLINE,
    AgentSpec,
    add_agents,
    add_investor,
    place_calls,
    queued_from,
    set_agent_state,
    wait_for,
)

WAIT_FOR_AGENT = 4  # seconds a call waits for its busy agent (the default segment's service level, in this test)


def crm_ready(hotline: Hotline, investors: list[int], commissioners: list[int]) -> None:
    """Reference data (routing rules among them), the investors' attributes and paths, the commissioners."""
    with hotline.db.session() as session:
        seed_reference_data(session)
        for agent_id in commissioners:
            grant_role(session, agent_id, "service_commissioner")
            set_profile(session, agent_id, capacity=10)
        rematch_investors(session, investors, "test")
        edit_rule(session, "service_level", "SL-DEFAULT", condition="true", outcome="serve", priority=1000,
                  params={"priority": 0, "answer_within_seconds": 30, "wait_for_agent_seconds": WAIT_FOR_AGENT})


def routed(hotline: Hotline, call_id: str) -> list[tuple[str | None, str | None]]:
    return [(d.get("job_number"), d.get("reason")) for k, d in event_kinds(hotline, call_id) if k == "offered"]


def test_the_assigned_agent_first_then_skill_after_the_wait_then_the_new_assignment(hotline: Hotline) -> None:
    x = add_investor(hotline.db, "100000001", "Wang Fang", "13800000001")
    agents = add_agents(hotline.db, [AgentSpec("1001", {"trading": 9}), AgentSpec("1002", {"trading": 3}),
                                     AgentSpec("1003", {"trading": 2}, state=AgentState.NOT_READY)])
    crm_ready(hotline, [x], [agents["1002"], agents["1003"]])
    with hotline.db.session() as session:
        assign_investors(session, [x], agents["1002"], by="admin")
    hotline.service.start()

    def call_from_x() -> str:
        [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000001", ["1"],
                                                                          talk_seconds=1))]))
        return obs.call_id

    # 1. Both ready: X's call goes to 1002, their commissioner, not to 1001 with the higher skill.
    first = call_row(hotline, call_from_x())
    assert first.agent_id == agents["1002"] and first.status == "completed"
    assert routed(hotline, first.id) == [("1002", "assigned")]
    [route] = [d for k, d in event_kinds(hotline, first.id) if k == "routed"]
    assert (route["role_code"], route["agent_job_number"], route["assignment"]) == \
        ("service_commissioner", "1002", "manual by admin")
    assert (route["route_rule"], route["service_rule"]) == ("ROUTE-SERVICE", "SL-DEFAULT")

    # 2. 1002 busy: the call waits for them the segment's time, then goes by skill to 1001.
    assert wait_for(lambda: _state(hotline, agents["1002"]) == "ready", timeout=10)
    set_agent_state(hotline.db, agents["1002"], AgentState.BUSY)
    second = call_row(hotline, call_from_x())
    assert second.agent_id == agents["1001"] and second.status == "completed"
    assert routed(hotline, second.id) == [("1001", "skill: assigned agent still busy")]
    assert second.queued_at is not None and second.answered_at is not None
    assert (second.answered_at - second.queued_at).total_seconds() >= WAIT_FOR_AGENT

    # 3. The administrator reassigns X to 1003 from the command line: the next call goes to 1003 at once.
    set_agent_state(hotline.db, agents["1002"], AgentState.READY)
    set_agent_state(hotline.db, agents["1003"], AgentState.READY)
    assigned = subprocess.run([HOTLINE_SCRIPT, "crm", "assign", "100000001", "1003", "--by", "admin"],
                              env=hotline.service.env, capture_output=True, text=True, timeout=60)
    assert assigned.returncode == 0 and "service_commissioner 1002 -> 1003" in assigned.stdout, assigned.stderr
    assert wait_for(lambda: _state(hotline, agents["1003"]) == "ready" and _state(hotline, agents["1001"]) == "ready",
                    timeout=10)
    third = call_row(hotline, call_from_x())
    assert third.agent_id == agents["1003"] and routed(hotline, third.id) == [("1003", "assigned")]


def test_a_segment_rule_added_while_running_puts_a_later_caller_first(hotline: Hotline) -> None:
    ordinary = add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    rich = add_investor(hotline.db, "100000003", "Zhao Min", "13800000003")
    with hotline.db.session() as session:
        session.get(Investor, rich).risk_class = "C5"  # type: ignore[union-attr]
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.NOT_READY)])
    crm_ready(hotline, [ordinary, rich], [])
    hotline.service.start()
    with hotline.db.session() as session:  # while the service runs: read at the next call, no restart
        edit_rule(session, "service_level", "SL-AGGRESSIVE", condition="investor.risk_class >= C5", outcome="serve",
                  priority=5, params={"priority": 30, "answer_within_seconds": 10, "wait_for_agent_seconds": 0})

    def ready_when_both_queued() -> None:
        def queued() -> bool:
            with hotline.db.session() as session:
                return len(session.scalars(select(Call).where(Call.status == "queued")).all()) == 2
        wait_for(queued, timeout=40)
        set_agent_state(hotline.db, agents["2001"], AgentState.READY)

    threading.Thread(target=ready_when_both_queued, daemon=True).start()
    earlier, later = asyncio.run(place_calls(hotline.asterisk, [
        (0, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=1)),
        (queued_from(hotline.db, "13800000002"), CallScript(HOTLINE, "13800000003", ["1"], talk_seconds=1)),
    ]))

    first, second = call_row(hotline, earlier.call_id), call_row(hotline, later.call_id)
    assert (first.priority, second.priority) == (0, 30)
    assert first.queued_at < second.queued_at, "the ordinary caller queued first"
    assert second.answered_at < first.answered_at, "the caller of the raised segment was answered first"
    [route] = [d for k, d in event_kinds(hotline, later.call_id) if k == "routed"]
    assert (route["service_rule"], route["answer_within_seconds"]) == ("SL-AGGRESSIVE", 10)


def _state(hotline: Hotline, agent_id: int) -> str:
    from crm_core.models import Agent

    with hotline.db.session() as session:
        agent = session.get(Agent, agent_id)
        assert agent is not None
        return agent.state
