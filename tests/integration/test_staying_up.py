"""The service going away: callers waiting are carried on after a restart; callers arriving while it
is down hear an apology instead of silence; nothing is left stuck in Asterisk."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm_core import calls
from crm_core.models import AgentState, Call, CallStatus
from crm_core.outage_calls import OUTAGE_SKILL
from hotline.call_trace import wait_until_recorded
from hotline.scripted_call import CallScript
from tests.integration.conftest import Hotline
from tests.support.cli import HOTLINE as HOTLINE_CLI
from tests.support.hotline import (
    HOTLINE,
    AgentSpec,
    add_agents,
    add_investor,
    place_calls,
    service_env,
    set_agent_state,
    wait_for,
)


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


def test_a_call_answered_while_the_service_was_down_is_counted_once_when_it_is_back(
        hotline: Hotline, database_url: str) -> None:
    """Asterisk's own record of the call (cel_custom) is imported when the service starts, once however often
    it starts, and the queue report of the day (the reports' zone) counts it offered and not answered."""
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    placed = datetime.now(UTC)
    [obs] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000002", ["1"], timeout=30))]))
    assert obs.answered_at is not None and obs.call_id == ""
    assert wait_for(hotline.asterisk.outage_records.exists, timeout=5), "Asterisk wrote its record of the call"

    def lost() -> list[Call]:
        with hotline.db.session() as session:
            return list(session.scalars(select(Call).where(Call.status == CallStatus.LOST_IN_OUTAGE.value)))

    hotline.service.start()
    [call] = wait_for(lost, timeout=15)
    assert (call.caller_number, call.category, call.answered_at) == ("13800000002", OUTAGE_SKILL, None)
    assert abs(call.entered_at - placed) < timedelta(seconds=10)
    hotline.service.stop()
    hotline.service.start()
    time.sleep(2)  # the import runs as the service starts
    assert [c.id for c in lost()] == [call.id]

    day = f"{call.entered_at.astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d}"
    report = subprocess.run([HOTLINE_CLI, "report", "queues", "--from", day, "--to", day, "--csv"],
                            env=service_env({}, database_url), capture_output=True, text=True, timeout=60)
    assert report.returncode == 0, report.stderr
    rows = list(csv.DictReader(io.StringIO(report.stdout)))
    assert [(r["interval"], r["skill"], r["offered"], r["answered"], r["abandoned"], r["service_level_pct"])
            for r in rows] == [(day, OUTAGE_SKILL, "1", "0", "0", "0.0")]
