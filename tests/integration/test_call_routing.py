"""Real calls through the real Asterisk: identification, IVR, skill-based routing, records.

Each test starts a fresh service on a fresh database (SQLite and PostgreSQL) and places scripted
calls that enter the hotline exactly as trunk calls do.
"""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import select

from crm_core import calls
from crm_core.models import Agent, AgentState, Call, CallDetailRecord
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.support.hotline import (
    HOTLINE,
    NEVER_ANSWERS,
    AgentSpec,
    add_agents,
    add_investor,
    place_calls,
    queued_from,
    set_agent_state,
    wait_for,
)


def call_row(hotline: Hotline, call_id: str) -> Call:
    def finished() -> Call | None:
        with hotline.db.session() as session:
            call = calls.get_call(session, call_id)
            return call if call.status in calls.FINAL_STATUSES else None
    call = wait_for(finished, timeout=10)
    assert call is not None, f"call {call_id} never finished"
    return call


def event_kinds(hotline: Hotline, call_id: str) -> list[tuple[str, dict]]:
    with hotline.db.session() as session:
        return [(e.kind, e.detail) for e in calls.events_of(session, call_id)]


def test_identified_vip_reaches_agent_with_the_right_skill(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000001", "Wang Fang", "13800000001", vip=True)
    agents = add_agents(hotline.db, [AgentSpec("2001", {"account": 9}), AgentSpec("2002", {"trading": 7})])
    hotline.service.start()

    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000001", ["1"],
                                                                      talk_seconds=1.5))]))

    call = call_row(hotline, obs.call_id)
    assert call.identified_by == "number" and call.vip and call.priority == 10
    assert call.category == "trading" and call.agent_id == agents["2002"]
    assert call.status == "completed" and call.hangup_by == "caller"
    assert obs.prompts[:3] == ["zh/greeting", "zh/vip_welcome", "zh/main_menu"]
    kinds = [k for k, _ in event_kinds(hotline, obs.call_id)]
    assert kinds == ["entered", "identified", "menu", "queued", "offered", "answered", "hangup"]
    with hotline.db.session() as session:
        cdr = session.scalars(select(CallDetailRecord).where(CallDetailRecord.call_id == obs.call_id)).one()
        assert cdr.disposition == "ANSWERED" and cdr.agent_job_number == "2002"
        assert cdr.source == "13800000001" and 1 <= cdr.billable_seconds <= 3
        assert call.entered_at.tzinfo is not None and call.entered_at <= call.answered_at <= call.ended_at


def test_vip_overtakes_an_earlier_ordinary_caller(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000001", "Wang Fang", "13800000001", vip=True)
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.NOT_READY)])
    hotline.service.start()

    # Both wait (no agent ready); the agent becomes ready once both are queued.
    def ready_when_both_queued() -> None:
        def queued() -> bool:
            with hotline.db.session() as session:
                return len(session.scalars(select(Call).where(Call.status == "queued")).all()) == 2
        wait_for(queued, timeout=40)
        set_agent_state(hotline.db, agents["2001"], AgentState.READY)

    threading.Thread(target=ready_when_both_queued, daemon=True).start()
    ordinary, vip = asyncio.run(place_calls(hotline.asterisk, [
        (0, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=1)),
        (queued_from(hotline.db, "13800000002"), CallScript(HOTLINE, "13800000001", ["1"], talk_seconds=1)),
    ]))

    first, second = call_row(hotline, ordinary.call_id), call_row(hotline, vip.call_id)
    assert first.queued_at < second.queued_at, "the ordinary caller queued first"
    assert second.answered_at < first.answered_at, "the VIP was answered first"
    assert first.agent_id == second.agent_id == agents["2001"]


def test_overflow_to_the_operator_desk_after_the_wait(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2005", {"general": 6})])
    hotline.service.start()

    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["4"], talk_seconds=1))]))

    call = call_row(hotline, obs.call_id)
    assert call.category == "complaints" and call.status == "completed"
    offered = [d for k, d in event_kinds(hotline, obs.call_id) if k == "offered"]
    assert [(d["job_number"], d["reason"]) for d in offered] == [("2005", "overflow")]
    assert (call.answered_at - call.queued_at).total_seconds() >= 4  # HOTLINE_ACD_OVERFLOW_AFTER_SECONDS


def test_agent_who_does_not_answer_is_skipped_and_set_not_ready(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, device=NEVER_ANSWERS),
                                     AgentSpec("2002", {"trading": 5})])
    hotline.service.start()

    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=1))]))

    call = call_row(hotline, obs.call_id)
    assert call.agent_id == agents["2002"] and call.status == "completed"
    steps = [(k, d.get("job_number")) for k, d in event_kinds(hotline, obs.call_id)
             if k in ("offered", "missed", "answered")]
    assert steps == [("offered", "2001"), ("missed", None), ("offered", "2002"), ("answered", None)]
    with hotline.db.session() as session:
        skipped = session.get(Agent, agents["2001"])
        assert skipped is not None and skipped.state == "not_ready" and skipped.state_reason == "missed call"


def test_caller_hanging_up_in_queue_is_recorded_as_abandoned(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.NOT_READY)])
    hotline.service.start()

    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"],
                                                                      hang_up_after=15))]))

    call = call_row(hotline, obs.call_id)
    assert call.status == "abandoned" and call.hangup_by == "caller" and call.agent_id is None
    assert any(p.endswith("queue_position_before") for p in obs.prompts), "the caller heard their position"
    with hotline.db.session() as session:
        cdr = session.scalars(select(CallDetailRecord).where(CallDetailRecord.call_id == obs.call_id)).one()
        # the wait is the time in the queue, however long the IVR took on this machine before it
        assert call.queued_at is not None and call.ended_at is not None
        assert cdr.disposition == "ABANDONED" and cdr.billable_seconds == 0 and \
            cdr.wait_seconds == round((call.ended_at - call.queued_at).total_seconds()) < cdr.duration_seconds


def test_unknown_number_identified_by_the_account_keyed_in(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000003", "Emily Chen", "13800000003", language="en")
    add_agents(hotline.db, [AgentSpec("2004", {"products": 8}, languages=("en",))])
    hotline.service.start()

    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13999999999",
                                                                      ["100000003#", "3"], talk_seconds=1))]))

    call = call_row(hotline, obs.call_id)
    assert call.identified_by == "account" and call.language == "en" and call.status == "completed"
    assert obs.prompts[0] == "account_prompt" and "en/main_menu" in obs.prompts
    kinds = [k for k, _ in event_kinds(hotline, obs.call_id)]
    assert kinds[:3] == ["entered", "not_identified", "identified"]


def test_unknown_caller_who_skips_chooses_a_language(hotline: Hotline) -> None:
    add_agents(hotline.db, [AgentSpec("2004", {"account": 8}, languages=("en",))])
    hotline.service.start()

    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13999999999", ["#", "2", "2"],
                                                                      talk_seconds=1))]))

    call = call_row(hotline, obs.call_id)
    assert call.investor_id is None and call.language == "en" and call.category == "account"
    assert "zh/language_menu" in obs.prompts and "en/main_menu" in obs.prompts


def test_garbage_and_silent_keys_reprompt_then_reach_an_operator(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2005", {"general": 6})])
    hotline.service.start()

    # Every digit leads somewhere at the main menu (9: an expert); `*` there is no key (not "back" either).
    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["*", "*", ""],
                                                                      talk_seconds=1))]))

    call = call_row(hotline, obs.call_id)
    assert call.category == "general" and call.status == "completed"
    kinds = [k for k, _ in event_kinds(hotline, obs.call_id)]
    assert kinds.count("invalid_choice") == 2 and kinds.count("no_input") == 1
    assert kinds.index("to_operator") < kinds.index("queued")
    assert obs.prompts.count("zh/main_menu") == 3 and "zh/to_operator" in obs.prompts


def test_agent_whose_phone_is_not_registered_is_never_rung(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    # 2001 is the better match but has only a SIP account (PJSIP/agent2001) that no phone has registered.
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, device=None),  # type: ignore[arg-type]
                                     AgentSpec("2002", {"trading": 5})])
    hotline.service.start()
    assert wait_for(lambda: hotline.asterisk.ari_get("endpoints/PJSIP/agent2001"), timeout=15), \
        "the agent's endpoint was pushed to Asterisk"

    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=1))]))

    call = call_row(hotline, obs.call_id)
    assert call.agent_id == agents["2002"] and call.status == "completed"
    steps = [(k, d.get("job_number")) for k, d in event_kinds(hotline, obs.call_id)
             if k in ("offered", "missed", "answered")]
    assert steps == [("offered", "2002"), ("answered", None)]  # 2001 was skipped, not rung into a miss
    with hotline.db.session() as session:
        skipped = session.get(Agent, agents["2001"])
        assert skipped is not None and skipped.state == "ready" and skipped.state_reason is None
