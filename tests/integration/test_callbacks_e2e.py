"""Callbacks through the real Asterisk and the real service (issue 11, items 7-8): a caller who takes the
callback keeps their place (a caller who entered after them is answered after the callback), and a callback
scheduled at the desk rings its agent at its time, then the client. Agents are simulated phones; the client
called back is a simulated customer (acd.outbound_dial = Local/{number}@hotline-customer-sim/n)."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm_core import callbacks, calls
from crm_core.models import AgentState, Call, Callback, Reminder
from crm_core.models.report_interval import CALLBACK_COUNTS
from hotline.scripted_call import CallScript
from reports import contact_centre
from reports.contact_centre import Options
from tests.integration.conftest import Hotline
from tests.support.desk import ConsoleApi, LiveSocket, ari_delete
from tests.support.hotline import (
    HOTLINE,
    AgentSpec,
    add_agents,
    add_investor,
    ari_list,
    place_calls,
    queued_from,
    set_agent_state,
    wait_for,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # telephony: SQLite is enough

SETTINGS = {"HOTLINE_ACD_CALLBACK_OFFER_AFTER_SECONDS": "1", "HOTLINE_ACD_ANNOUNCE_EVERY_SECONDS": "2",
            "HOTLINE_ACD_WRAP_UP_SECONDS": "1"}


def record(hotline: Hotline, call_id: str) -> Call:
    with hotline.db.session() as session:
        call = calls.get_call(session, call_id)
        session.expunge(call)
        return call


def events(hotline: Hotline, call_id: str) -> list[tuple[str, dict, datetime]]:
    with hotline.db.session() as session:
        return [(e.kind, dict(e.detail or {}), e.at) for e in calls.events_of(session, call_id)]


def callback_of(hotline: Hotline, number: str) -> Callback | None:
    with hotline.db.session() as session:
        row = session.scalars(select(Callback).where(Callback.number == number)).first()
        if row is not None:
            session.expunge(row)
        return row


def hang_up_the_customer(hotline: Hotline) -> None:
    """The client called back hangs up (their leg is the callback's: `callback-<key>`)."""
    legs = [c["id"] for c in ari_list(hotline.asterisk, "channels") if c["id"].startswith("callback-")]
    assert legs, "no callback leg in Asterisk"
    for leg in legs:
        ari_delete(hotline.asterisk, f"channels/{leg}")


def test_a_caller_who_takes_the_callback_keeps_their_place(hotline: Hotline) -> None:
    for account, number in (("100000002", "13800000002"), ("100000003", "13800000003"), ("100000004", "13800000004")):
        add_investor(hotline.db, account, f"Client {account[-1]}", number)
    agent = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.NOT_READY)])["2001"]
    hotline.service.start(**SETTINGS)
    seen: dict[str, object] = {}

    def the_agent_comes_once_all_wait_then_the_client_hangs_up() -> None:
        def late_caller_counts_the_callback() -> str | None:
            row = callback_of(hotline, "13800000003")
            with hotline.db.session() as session:
                late = session.scalars(select(Call).where(Call.caller_number == "13800000004")).first()
                late_id = late.id if late else None
            if row is None or late_id is None:
                return None
            after = [d for k, d, at in events(hotline, late_id) if k == "announced" and at > row.created_at]
            return late_id if any(d.get("position") == 3 for d in after) else None
        seen["late"] = wait_for(late_caller_counts_the_callback, timeout=60)
        set_agent_state(hotline.db, agent, AgentState.READY)
        row = wait_for(lambda: (r := callback_of(hotline, "13800000003")) is not None and r.status == "done" and r,
                       timeout=60)
        seen["done"] = row
        if row:
            time.sleep(1)
            hang_up_the_customer(hotline)

    helper = threading.Thread(target=the_agent_comes_once_all_wait_then_the_client_hangs_up, daemon=True)
    helper.start()
    after_a, after_b = queued_from(hotline.db, "13800000002"), queued_from(hotline.db, "13800000003")
    first, taker, late = asyncio.run(place_calls(hotline.asterisk, [  # each once the one before is in the queue
        (0, CallScript(HOTLINE, "13800000002", ["1"], talk_seconds=3, timeout=150)),
        (after_a, CallScript(HOTLINE, "13800000003", ["1", "1"], timeout=150)),  # the second 1: "to be called back"
        (after_b, CallScript(HOTLINE, "13800000004", ["1"], talk_seconds=1, timeout=150)),
    ]))
    helper.join(60)
    assert seen.get("late") == late.call_id, "the later caller never heard a place that counts the callback"
    assert seen.get("done"), "the callback was never made"

    # The caller heard the offer, took it, heard the confirmation and was hung up by the hotline.
    assert "zh/callback_offer" in taker.prompts and "zh/callback_confirmed" in taker.prompts
    assert taker.hangup_by == "hotline" and taker.agent_reached_at is None

    def finished(call_id: str) -> Call | None:
        call = record(hotline, call_id)
        return call if call.status in calls.FINAL_STATUSES else None
    a, b, c = (wait_for(lambda i=o.call_id: finished(i), timeout=30) for o in (first, taker, late))
    assert a and b and c
    assert a.queued_at < b.queued_at < c.queued_at
    assert b.status == "completed" and b.agent_id == agent and b.answered_at is not None

    def timeline() -> str:  # read only if the check below fails: the three calls' events, then the service's log
        lines = sorted(((at.isoformat(timespec="milliseconds"), name, kind, detail)
                        for name, o in (("A", first), ("B", taker), ("C", late))
                        for kind, detail, at in events(hotline, o.call_id)), key=lambda line: line[:3])
        return "\n".join(map(str, lines)) + "\n" + hotline.service.log.read_text()[-3000:]
    assert a.answered_at < b.answered_at < c.answered_at, \
        f"the callback kept its place: after A, before C\n{timeline()}"
    kinds = [k for k, _, _ in events(hotline, taker.call_id)]
    assert kinds.index("callback_requested") < kinds.index("offered") < kinds.index("callback_dialling") \
        < kinds.index("answered")
    row = callback_of(hotline, "13800000003")
    assert row is not None and row.status == "done" and row.open_number is None and row.attempts == 0
    assert row.entered_at == b.queued_at and row.call_id == taker.call_id  # its place: the caller's own entry


def test_a_scheduled_callback_rings_its_agent_at_its_time_then_the_client(hotline: Hotline) -> None:
    investor = add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}), AgentSpec("2002", {"general": 9})])
    hotline.service.start(**SETTINGS)
    base = f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}"
    desk = ConsoleApi(base, "2001", "pw-2001")
    live = LiveSocket(base, "2001", "pw-2001")
    try:
        due = datetime.now(UTC) + timedelta(seconds=4)
        status, saved = desk.post("/api/callbacks", {"investor_id": investor, "at": due.isoformat(),
                                                     "note": "about the margin call"})
        assert status == 201, saved
        assert callback_of(hotline, "13800000002").status == "scheduled"  # type: ignore[union-attr]

        talking = wait_for(lambda: desk.live().get("call_state") == "talking" and desk.live(), timeout=40)
        assert talking, f"the agent never talked to the client: {desk.live()}"
        call_id = str(talking["call_id"])
        status, pop = desk.request("GET", f"/api/calls/{call_id}/screen-pop")
        assert status == 200 and pop["callback"]["origin"] == "scheduled"
        assert pop["callback"]["note"] == "about the margin call" and pop["caller_name"] == "Li Wei"
        pops = [m for m in live.of_type("screen_pop") if m["call_id"] == call_id]
        assert pops and pops[0]["callback"] is True  # the desk is told it is a callback
        hang_up_the_customer(hotline)
        call = wait_for(lambda: (c := record(hotline, call_id)).status == "completed" and c, timeout=15)
    finally:
        live.close()
    assert call and call.agent_id == agents["2001"]  # its agent, not the other one ready
    assert call.answered_at is not None and call.answered_at >= due
    steps = [(k, d.get("reason")) for k, d, _ in events(hotline, call_id) if k in ("callback_due", "offered",
                                                                                      "callback_dialling", "answered")]
    assert steps == [("callback_due", None), ("offered", "callback"), ("callback_dialling", None), ("answered", None)]
    row = callback_of(hotline, "13800000002")
    assert row is not None and row.status == "done" and row.call_id == call_id
    with hotline.db.session() as session:
        assert callbacks.open_for(session, "13800000002") is None


def test_a_pending_callback_survives_a_service_restart(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000003", "Client 3", "13800000003")
    agent = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, state=AgentState.NOT_READY)])["2001"]
    hotline.service.start(**SETTINGS)
    [taker] = asyncio.run(place_calls(hotline.asterisk, [(0, CallScript(HOTLINE, "13800000003", ["1", "1"],
                                                                        timeout=60))]))
    assert taker.hangup_by == "hotline" and "zh/callback_confirmed" in taker.prompts
    hotline.service.stop()
    hotline.service.start()
    set_agent_state(hotline.db, agent, AgentState.READY)

    made = wait_for(lambda: (r := callback_of(hotline, "13800000003")) is not None and r.status == "done", timeout=40)
    assert made, f"the callback was not made after the restart: {callback_of(hotline, '13800000003')}"
    hang_up_the_customer(hotline)
    call = wait_for(lambda: (c := record(hotline, taker.call_id)).status in calls.FINAL_STATUSES and c, timeout=15)
    assert call and call.status == "completed" and call.agent_id == agent  # not closed as abandoned by the restart


def test_a_client_who_never_answers_is_tried_by_policy_then_the_agent_gets_a_reminder(hotline: Hotline) -> None:
    investor = add_investor(hotline.db, "100000010", "Zhao Lei", "13800000010")  # ending in 0: never answers
    agent = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9})])["2001"]
    hotline.service.start(**SETTINGS, HOTLINE_ACD_CALLBACK_ATTEMPTS="2", HOTLINE_ACD_CALLBACK_RETRY_SECONDS="2")
    desk = ConsoleApi(f"http://127.0.0.1:{hotline.service.env['HOTLINE_CONSOLE_PORT']}", "2001", "pw-2001")
    status, saved = desk.post("/api/callbacks", {"investor_id": investor, "at": datetime.now(UTC).isoformat()})
    assert status == 201, saved

    failed = wait_for(lambda: (r := callback_of(hotline, "13800000010")) is not None and r.status == "failed" and r,
                      timeout=60)
    assert failed, f"the callback never gave up: {callback_of(hotline, '13800000010')}"
    assert failed.attempts == 2 and failed.open_number is None and failed.call_id
    kinds = [(k, d) for k, d, _ in events(hotline, failed.call_id)]
    retries = [d for k, d in kinds if k == "callback_retry"]
    assert [d["attempts"] for d in retries] == [1]  # one retry, then given up
    assert [k for k, _ in kinds].count("callback_dialling") == 2
    # The call record is finished by the ACD's next write, just after the callback's (two transactions).
    assert wait_for(lambda: record(hotline, failed.call_id).status == "failed", timeout=10), \
        record(hotline, failed.call_id).status
    with hotline.db.session() as session:
        reminder = session.get(Reminder, failed.reminder_id)
        assert reminder is not None and reminder.agent_id == agent and "2 attempts" in reminder.text
        # The queue report counts it once as the ACD moved it on: asked at the desk, made, failed.
        day = failed.created_at.replace(hour=0, minute=0, second=0, microsecond=0)
        [figures] = [dict(zip(CALLBACK_COUNTS, row[-len(CALLBACK_COUNTS):], strict=True)) for row in
                     contact_centre.queues(session, day, day + timedelta(days=1), Options("day")).rows]
    assert figures == {"callbacks_queue": 0, "callbacks_desk": 1, "callbacks_portal": 0, "callbacks_made": 1,
                       "callbacks_reached": 0, "callbacks_failed": 1, "callbacks_cancelled": 0}
