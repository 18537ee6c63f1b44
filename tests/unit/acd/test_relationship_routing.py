"""Relationship routing, pure: the investor's assigned agent first, waiting for them while busy, then skill;
segment priorities; the spill when too many wait for one agent; the plan of a call with an assigned agent."""

from ari_apps.acd.relationship import Preference, plan
from ari_apps.acd.routing import RoutableAgent, Router, WaitingCall
from crm_core.models import AgentState


def router() -> Router:
    return Router(overflow_skill="general", overflow_after=30, any_agent_after=120)


def agent(agent_id: int, skills: dict[str, int], idle_since: float = 0.0) -> RoutableAgent:
    return RoutableAgent(agent_id, skills, frozenset({"zh"}), idle_since)


def call(call_id: str, *, preferred: int | None = None, hold_until: float = 0.0, priority: int = 0,
         entered_at: float = 0.0, fallback: str = "") -> WaitingCall:
    return WaitingCall(call_id, "trading", "zh", priority, entered_at, preferred=preferred, hold_until=hold_until,
                       fallback=fallback)


def test_assigned_agent_beats_a_higher_skill() -> None:
    r = router()
    r.agent_free(agent(1001, {"trading": 9}, idle_since=0))
    r.agent_free(agent(1002, {"trading": 2}, idle_since=50))
    c = call("x", preferred=1002, hold_until=10)
    r.call_waiting(c, now=1)
    decision = r.best_agent_for(c)
    assert decision is not None and (decision.agent_id, decision.reason) == (1002, "assigned")


def test_held_call_waits_for_its_busy_agent_then_goes_by_skill() -> None:
    r = router()
    r.agent_free(agent(1001, {"trading": 9}))
    c = call("x", preferred=1002, hold_until=8)
    r.call_waiting(c, now=0)
    assert r.held("x") and r.best_agent_for(c) is None, "1001 is free but the call waits for 1002"
    assert r.dispatch(now=7.9) == []
    [decision] = r.dispatch(now=8.0)
    assert (decision.agent_id, decision.reason) == (1001, "skill: assigned agent still busy")


def test_agent_freed_during_the_hold_takes_their_client_before_older_calls() -> None:
    r = router()
    older = call("older", entered_at=0, priority=5)
    mine = call("mine", preferred=1002, hold_until=100, entered_at=10)
    r.call_waiting(older, now=10)
    r.call_waiting(mine, now=10)
    r.agent_free(agent(1002, {"trading": 5}))
    decision = r.best_call_for(1002)
    assert decision is not None and (decision.call_id, decision.reason) == ("mine", "assigned")


def test_other_agents_never_take_a_held_call_and_skill_calls_still_flow() -> None:
    r = router()
    r.call_waiting(call("mine", preferred=1002, hold_until=100), now=0)
    r.call_waiting(call("other", entered_at=5), now=5)
    r.agent_free(agent(1001, {"trading": 9}))
    decision = r.best_call_for(1001)
    assert decision is not None and decision.call_id == "other"


def test_after_the_hold_the_agent_still_gets_their_client_first() -> None:
    r = router()
    c = call("x", preferred=1002, hold_until=5)
    r.call_waiting(c, now=0)
    r.escalate(now=6)
    assert not r.held("x")
    r.agent_free(agent(1001, {"trading": 9}))
    r.agent_free(agent(1002, {"trading": 1}))
    decision = r.best_agent_for(c)
    assert decision is not None and decision.agent_id == 1002


def test_segment_priority_orders_the_queue() -> None:
    r = router()
    r.call_waiting(call("ordinary", entered_at=0), now=0)
    r.call_waiting(call("rich", entered_at=5, priority=20), now=5)
    assert [c.id for c in r.waiting()] == ["rich", "ordinary"]
    r.agent_free(agent(1001, {"trading": 9}))
    decision = r.best_call_for(1001)
    assert decision is not None and decision.call_id == "rich"


def test_position_of_a_held_call_counts_the_calls_waiting_for_that_agent() -> None:
    r = router()
    r.call_waiting(call("a", preferred=1002, hold_until=50, entered_at=0), now=1)
    r.call_waiting(call("b", preferred=1002, hold_until=50, entered_at=1), now=1)
    r.call_waiting(call("c", entered_at=0), now=1)
    assert r.position("b") == 2 and r.waiting_for(1002) == 2 and r.waiting_for(1001) == 0


def test_fallback_reason_names_why_the_call_went_by_skill() -> None:
    r = router()
    r.agent_free(agent(1001, {"trading": 9}))
    c = call("x", preferred=1002, fallback="assigned agent not ready")
    r.call_waiting(c, now=0)
    decision = r.best_agent_for(c)
    assert decision is not None and decision.reason == "skill: assigned agent not ready"


# -- the plan -----------------------------------------------------------------------------------------------
def test_plan_waits_for_a_busy_agent_until_the_segments_wait() -> None:
    chosen = plan(Preference(1002, 8), state=AgentState.BUSY, free=False, waiting_for_agent=0, max_waiting=2,
                  entered_at=100)
    assert (chosen.hold_until, chosen.fallback) == (108, "")


def test_plan_does_not_wait_for_an_agent_who_is_not_ready_or_unreachable() -> None:
    for state, why in ((AgentState.NOT_READY, "not ready"), (None, "not logged in"),
                       (AgentState.READY, "unreachable"), (AgentState.LOGGED_OUT, "logged out")):
        chosen = plan(Preference(1002, 8), state=state, free=False, waiting_for_agent=0, max_waiting=2,
                      entered_at=100)
        assert (chosen.hold_until, chosen.fallback) == (0.0, f"assigned agent {why}")


def test_plan_spills_when_too_many_wait_for_the_agent() -> None:
    chosen = plan(Preference(1002, 8), state=AgentState.BUSY, free=False, waiting_for_agent=2, max_waiting=2,
                  entered_at=100)
    assert (chosen.hold_until, chosen.fallback) == (0.0, "assigned agent at the limit of 2 waiting")


def test_spilled_call_goes_by_skill_while_the_held_ones_wait() -> None:
    r = router()
    for name in ("a", "b"):
        r.call_waiting(call(name, preferred=1002, hold_until=50), now=0)
    chosen = plan(Preference(1002, 50), state=AgentState.BUSY, free=False, waiting_for_agent=r.waiting_for(1002),
                  max_waiting=2, entered_at=0)
    spilled = call("c", preferred=1002, hold_until=chosen.hold_until, fallback=chosen.fallback)
    r.call_waiting(spilled, now=0)
    r.agent_free(agent(1001, {"trading": 9}))
    [decision] = r.dispatch(now=1)
    assert (decision.call_id, decision.agent_id) == ("c", 1001)
    assert decision.reason == "skill: assigned agent at the limit of 2 waiting"


# -- the state machine and the dispatcher -------------------------------------------------------------------
def test_the_crm_route_sets_the_queued_calls_priority_and_its_preference() -> None:
    from ari_apps.acd import call_events as ev
    from ari_apps.acd.call import preference
    from ari_apps.acd.model import AcdCall, Context
    from ari_apps.acd.state import step
    from crm_core.call_routing import CallRoute, ServiceLevel

    ctx = Context(key="k1", app="hotline-acd", ring_seconds=15, dial_seconds=30, now=100.0)
    waiting = AcdCall(call_id="c1", channel_id="ch1", bridge_id="b1", caller_number="1380", skill="trading",
                      priority=10)
    route = CallRoute(7, "trading", "service_commissioner", "ROUTE-SERVICE", 1002, "1002", "manual by admin",
                      ServiceLevel("SL-HIGH-ASSETS", 20, 10.0, 8.0))
    queued = step(waiting, ev.Queued(90.0, route), ctx).call
    assert (queued.priority, queued.route, queued.entered_at) == (20, route, 90.0)
    assert preference(queued.route) == Preference(1002, 8.0)
    unassigned = CallRoute(7, "general", None, "", None, None, "", ServiceLevel("", 0, 30.0, 0.0))
    plain = step(waiting, ev.Queued(90.0, unassigned), ctx).call
    assert plain.priority == 10 and preference(plain.route) is None, "no service rule: the IVR's priority"
    assert step(waiting, ev.Queued(90.0), ctx).call.priority == 10


def test_the_dispatcher_holds_a_call_for_its_busy_agent_and_offers_it_when_they_are_back(database) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    import time
    from concurrent.futures import ThreadPoolExecutor

    from ari_apps.acd.app import AcdApp
    from ari_apps.acd.settings import AcdSettings
    from ari_apps.prompts import Prompts
    from crm_core.db import AsyncDatabase
    from tests.unit.acd.test_board import WaitingCaller, ready_agent

    strong = ready_agent(database, "1001", "Local/answer@hotline-agent-sim/n")
    own = ready_agent(database, "1002", "Local/answer@hotline-agent-sim/n")

    async def scenario() -> None:
        with ThreadPoolExecutor(max_workers=1) as executor:
            app = AcdApp("hotline-acd", AsyncDatabase(database, executor), Prompts("/sounds"),
                         AcdSettings(wrap_up_seconds=0, max_waiting_per_agent=1))
            dispatcher = app.dispatcher
            await dispatcher.board.refresh()
            first = WaitingCaller("first")
            dispatcher.enqueue(first, skill="trading", language="zh", priority=0, entered_at=time.time(),
                               preference=Preference(own, 30))
            assert first.events.get_nowait()["agent_id"] == own, "the assigned agent, not the stronger one"
            await dispatcher.board.set_state(own, AgentState.BUSY)
            held = WaitingCaller("held")
            dispatcher.enqueue(held, skill="trading", language="zh", priority=0, entered_at=time.time(),
                               preference=Preference(own, 30))
            assert held.events.empty() and dispatcher.router.held("held"), "waits for 1002 though 1001 is free"
            assert 0 < dispatcher.expected_wait_seconds("held") <= 30
            spilled = WaitingCaller("spilled")
            dispatcher.enqueue(spilled, skill="trading", language="zh", priority=0, entered_at=time.time(),
                               preference=Preference(own, 30))
            offer = spilled.events.get_nowait()
            assert (offer["agent_id"], offer["reason"]) == (strong, "skill: assigned agent at the limit of 1 waiting")
            await dispatcher.agent_back(own, wrap_up=False)
            offer = held.events.get_nowait()
            assert (offer["agent_id"], offer["reason"]) == (own, "assigned")

    asyncio.run(scenario())


def test_the_route_and_its_reasons_are_in_the_calls_timeline_and_the_trace(database) -> None:  # type: ignore[no-untyped-def]
    from ari_apps.acd.call import _mark_queued
    from crm_core import agents as agent_service
    from crm_core import calls
    from crm_core.models import Investor
    from crm_core.seed import seed_reference_data
    from crm_core.staff import grant_role, set_profile
    from crm_core.workflows import assign_investors
    from hotline.call_trace import build_trace, format_trace
    from hotline.scripted_call import CallObservation

    with database.session() as session:
        seed_reference_data(session)
        investor = Investor(account_number="100000001", name="Wang Fang", investor_class="ordinary",
                            risk_class="C3", vip=True)
        session.add(investor)
        agent = agent_service.create_agent(session, job_number="1002", name="Agent 1002", password="pw",
                                           sip_password="sip", languages=["zh"], skills={"trading": 3})
        session.flush()
        grant_role(session, agent.id, "service_commissioner")
        set_profile(session, agent.id, capacity=5)
        assign_investors(session, [investor.id], agent.id, by="admin")
        call = calls.open_call(session, channel_id="ch-1", caller_number="13800000001", dialed_number="95500")
        calls.identify(session, call.id, investor, "number")
        call_id = call.id
    with database.session() as session:
        queued_at, route = _mark_queued(session, call_id, "trading", "zh", 10)
        assert queued_at is not None and route is not None and route.agent_id == agent.id
        assert calls.get_call(session, call_id).priority == 0, "SL-DEFAULT: the vip attribute is not computed yet"
        trace = build_trace(session, CallObservation("ch-1", "peer-1", call_id=call_id))
    routed = next(step for step in trace["route"] if step["event"] == "routed")
    assert (routed["agent_job_number"], routed["assignment"], routed["route_rule"]) == \
        ("1002", "manual by admin", "ROUTE-SERVICE")
    assert "routed: {" in format_trace(trace) and "'role_code': 'service_commissioner'" in format_trace(trace)
