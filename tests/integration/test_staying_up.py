"""The service going away: callers waiting are carried on after a restart; callers arriving while it
is down hear an apology instead of silence; nothing is left stuck in Asterisk."""

from __future__ import annotations

import asyncio
import threading
import time

from crm_core import calls
from crm_core.models import AgentState
from hotline.call_trace import wait_until_recorded
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, place_calls, set_agent_state, wait_for


def test_service_restart_while_a_call_waits_carries_the_call_on(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.NOT_READY)])
    hotline.service.start()

    def queued_call_id() -> str | None:
        with hotline.db.session() as session:
            waiting = [c for c in calls.open_calls(session) if c.status == "queued"]
            return waiting[0].id if waiting else None

    def restart_then_ready() -> None:
        wait_for(queued_call_id, timeout=30)
        hotline.service.kill()  # SIGKILL: no goodbye, the WebSocket just drops
        time.sleep(1.5)
        hotline.service.start()
        set_agent_state(hotline.db, agents["2001"], AgentState.READY)

    threading.Thread(target=restart_then_ready, daemon=True).start()
    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"],
                                                                      talk_seconds=1, timeout=60))]))

    assert obs.agent_channel is not None, "the waiting caller reached the agent after the restart"
    wait_until_recorded(hotline.db, obs.call_id)  # the answer is written a moment after the caller heard the agent
    with hotline.db.session() as session:
        call = calls.get_call(session, obs.call_id)
        assert call.agent_id == agents["2001"]
        assert [e.kind for e in calls.events_of(session, call.id)].count("queued") == 2  # before and after


def test_caller_arriving_while_the_service_is_down_hears_an_apology(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    # The service is not started: FastAGI refuses, Stasis() would fail; the dialplan apologises.
    started = time.monotonic()
    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"], timeout=30))]))

    assert obs.answered_at is not None, "Asterisk answered the call"
    assert obs.hangup_by == "hotline" and obs.call_id == ""
    assert time.monotonic() - started < 25, "the apology ends the call; the caller is not left in silence"
    with hotline.db.session() as session:
        assert calls.open_calls(session) == []
