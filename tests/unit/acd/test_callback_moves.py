"""Callbacks through the ACD call's table (callback_moves): offered in the announcement, taken with 1 keeping the
caller's place, made by ringing the agent first and then the customer, retried by policy, then given up with a
reminder. The rows themselves are listed with every other in test_state.py (accepted and refused)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.call import CALLBACK_CANCELLED, CONTROL, fail_pending
from ari_apps.acd.callback_moves import offer_due, offer_reason
from ari_apps.acd.desk_rules import ControlRefused
from ari_apps.acd.dispatcher import OFFER
from ari_apps.acd.model import Phase, callback_endpoint, owned
from ari_apps.acd.state import step
from ari_apps.originate import Originate
from crm_core import callbacks, calls
from crm_core.events import CallEnded, ScreenPop
from crm_core.models import AgentState, CallStatus
from tests.unit.acd.test_state import (
    CALLBACK,
    CALLBACK_DIALED,
    CALLBACK_DIALING,
    CTX,
    OFFERED,
    PENDING,
    WAITING,
    channel,
    destroyed,
    published,
    read,
    stasis_start,
)

CALLBACK_PENDING_QUEUED = replace(PENDING, announcing=None)  # confirmed, waiting in the queue


def dtmf(channel_id: str, digit: str) -> dict:
    return {"type": "ChannelDtmfReceived", "digit": digit, "duration_ms": 100, "channel": channel(channel_id)}


def test_the_offer_is_made_after_the_configured_wait_to_a_number_that_can_be_dialled() -> None:
    assert offer_due(waited=90.0, offer_after=90.0, dialable=True)
    assert not offer_due(waited=89.9, offer_after=90.0, dialable=True)
    assert not offer_due(waited=500.0, offer_after=0.0, dialable=True)  # 0: never offered
    assert not offer_due(waited=500.0, offer_after=90.0, dialable=False)
    assert callback_endpoint("PJSIP/{number}@trunk", "138-0000 0002") == "PJSIP/13800000002@trunk"
    assert callback_endpoint("PJSIP/{number}@trunk", "anonymous") is None


def test_the_announcement_offers_the_callback_and_only_then_does_1_take_it() -> None:
    announced = step(WAITING, ev.AnnounceDue(3, 2, offer_callback=True), CTX)
    assert announced.call.callback_offered
    assert announced.effects[1] == fx.Announce("acd-b1", "k1", 3, 2, "zh", offer_callback=True)
    assert step(WAITING, read(WAITING, dtmf("1733111111.12", "1")), CTX).effects == ()  # not offered: nothing
    assert step(OFFERED, ev.KeyPressed("2"), CTX).effects == ()
    assert read(OFFERED, dtmf("1733111111.12", "1")) == ev.KeyPressed("1")
    assert ev.read(OFFERED, dtmf("agent-k0", "1")) is None  # only the caller's keys
    taken = step(OFFERED, ev.KeyPressed("1"), CTX)
    assert taken.effects == (fx.SaveCallback(),) and not taken.call.callback_offered  # a second 1 does nothing


def test_a_callback_already_open_for_the_number_is_refused_and_the_caller_keeps_waiting() -> None:
    refused = step(OFFERED, ev.CallbackSaved(None), CTX)
    assert refused.call == OFFERED
    assert refused.effects == (fx.Write(calls.record_event, {"kind": "callback_refused", "reason": "already_pending"}),)


def test_a_taken_callback_keeps_the_place_then_rings_the_agent_first_then_the_customer() -> None:
    saved = step(OFFERED, ev.CallbackSaved(CALLBACK.endpoint), CTX)
    assert saved.call.phase is Phase.CALLBACK_PENDING and saved.call.callback == CALLBACK
    assert saved.call.entered_at == WAITING.entered_at and saved.call.priority == WAITING.priority  # its place
    assert fx.Withdraw() not in saved.effects and fx.Enqueue() not in saved.effects  # it never left the queue
    assert saved.effects[-1] == fx.Say("acd-b1", "k1", "callback_confirmed", "zh")
    hung_up = step(saved.call, ev.AnnounceDone("k1"), CTX)
    assert hung_up.effects == (fx.HangUp("1733111111.12"),)
    assert step(hung_up.call, read(hung_up.call, destroyed("1733111111.12")), CTX).effects == \
        (fx.DestroyBridge("acd-b1"),)

    offer = ev.Offer(7, "skill", "2001", "PJSIP/agent2001")  # matched by its skill in the router's queue
    claiming = step(hung_up.call, offer, CTX)
    assert claiming.call == hung_up.call and claiming.effects == (fx.ClaimCallback(offer),)  # nobody rung yet
    offered = step(hung_up.call, ev.CallbackClaimed(offer, claimed=True), CTX)
    out = offered.call
    assert out.phase is Phase.DIALING_OUT and (out.channel_id, out.bridge_id) == ("callback-k1", "cbbridge-k1")
    assert owned(out) == {"channel:callback-k1", "bridge:cbbridge-k1", "channel:agent-k1"}
    assert offered.effects == (
        fx.HangUp("1733111111.12"), fx.DestroyBridge("acd-b1"),
        fx.Write(calls.mark_offered, {"agent_id": 7, "job_number": "2001", "reason": "callback"}),
        fx.Write(callbacks.attempt_started, {"agent_id": 7}),
        fx.RecordAgentState(7, AgentState.BUSY),
        fx.Ring(Originate(endpoint="PJSIP/agent2001", app="hotline-acd", channel_id="agent-k1", ring_seconds=15,
                          app_args="agent", caller_id='"13800000002" <13800000002>',
                          variables={"HOTLINE_CALL_ID": "c1", "HOTLINE_ROLE": "agent", "HOTLINE_AGENT_ID": "7"})))

    picked_up = step(out, read(out, stasis_start("agent-k1")), CTX)
    assert published(picked_up) == [ScreenPop(7, "c1", "13800000002", callback=True)]  # the desk says "callback"
    assert picked_up.effects[-1] == fx.Ring(Originate(
        endpoint=CALLBACK.endpoint, app="hotline-acd", channel_id="callback-k1", ring_seconds=30,
        app_args="customer", variables={"HOTLINE_CALL_ID": "c1", "HOTLINE_ROLE": "customer"}))
    talking = step(picked_up.call, read(picked_up.call, stasis_start("callback-k1", "customer")), CTX)
    assert talking.call.phase is Phase.TALKING
    assert fx.Write(callbacks.connected) in talking.effects


def test_a_callback_offered_by_its_skill_says_callback_as_the_desks_and_overflow_is_kept() -> None:
    assert offer_reason("skill") == "callback"  # a portal's or a queue's callback, matched by its skill
    assert offer_reason("callback") == "callback"  # its own agent took it
    assert offer_reason("skill: assigned agent still busy") == "callback: assigned agent still busy"
    assert offer_reason("overflow") == "overflow" and offer_reason("any agent") == "any agent"  # counted in reports
    widened = step(CALLBACK_PENDING_QUEUED, ev.CallbackClaimed(ev.Offer(7, "overflow", "2001", "PJSIP/a"), True), CTX)
    assert fx.Write(calls.mark_offered, {"agent_id": 7, "job_number": "2001", "reason": "overflow"}) in widened.effects


def test_a_callback_its_client_cancelled_leaves_the_queue_and_nobody_is_rung() -> None:
    found = step(CALLBACK_PENDING_QUEUED, ev.CallbackCancelled(), CTX)  # the ACD's check of the database
    assert found.call.phase is Phase.DONE
    assert found.effects == (fx.Withdraw(), fx.HangUp("1733111111.12"), fx.DestroyBridge("acd-b1"),
                             fx.Write(calls.record_event, {"kind": "callback_withdrawn", "agent_id": None}))
    offer = ev.Offer(7, "skill", "2001", "PJSIP/agent2001")
    too_late = step(CALLBACK_PENDING_QUEUED, ev.CallbackClaimed(offer, claimed=False), CTX)  # cancelled meanwhile
    assert too_late.call.phase is Phase.DONE
    assert not [e for e in too_late.effects if isinstance(e, fx.Ring | fx.RecordAgentState)]  # no phone rings
    assert too_late.effects[-2:] == (
        fx.Write(calls.record_event, {"kind": "callback_withdrawn", "agent_id": 7}),
        fx.AgentBack(7, wrap_up=False))  # the agent taken for it is offered the next call at once


def test_an_agent_who_does_not_answer_misses_it_and_the_callback_waits_in_its_place_again() -> None:
    missed = step(CALLBACK_DIALING, ev.AgentGone("No answer"), CTX)
    assert missed.call.phase is Phase.CALLBACK_PENDING and missed.call.callback == CALLBACK  # not an attempt
    assert missed.call.agent_id is None and missed.call.entered_at == CALLBACK_DIALING.entered_at
    assert missed.effects[-2:] == (fx.AgentMissed(7), fx.Enqueue())
    assert fx.Write(calls.mark_missed, {"agent_id": 7, "cause": "No answer"}) in missed.effects


def test_a_customer_who_does_not_answer_is_tried_again_later_then_the_agent_is_reminded() -> None:
    busy = step(CALLBACK_DIALED, ev.CallerGone("User busy"), CTX)
    assert busy.call.phase is Phase.CALLBACK_PENDING
    assert busy.call.callback == replace(CALLBACK, attempts=1, due_at=CTX.now + CTX.callback_retry_seconds)
    assert fx.Enqueue() not in busy.effects  # not before its next attempt (the interpreter's timer: CallbackDue)
    assert fx.Write(callbacks.retry_later, {"attempts": 1, "due_at": CTX.now + 300.0}) in busy.effects
    assert busy.effects[-1] == fx.AgentBack(7, wrap_up=True)
    assert step(busy.call, ev.CallbackDue(), CTX).effects == (fx.Enqueue(),)
    assert step(busy.call, ev.Resumed(), CTX).effects == ()  # after a restart: not due yet

    last = replace(CALLBACK_DIALED, callback=replace(CALLBACK, attempts=CTX.callback_attempts - 1))
    given_up = step(last, ev.OriginateFailed("callback-k0", 400), CTX)
    assert given_up.call.phase is Phase.DONE
    assert given_up.effects == (
        fx.HangUp("agent-k0"),
        fx.Write(calls.record_event, {"kind": "dial_failed", "by": "customer", "cause": "originate failed: 400"}),
        fx.Write(callbacks.give_up, {"attempts": 3, "agent_id": 7}),
        fx.Write(calls.finish, {"status": CallStatus.FAILED, "hangup_by": "customer"}),
        fx.Publish(CallEnded(7, "c1", "failed", "customer")), fx.AgentBack(7, wrap_up=True))


def test_a_click_to_dial_that_reaches_nobody_still_fails_at_once() -> None:
    plain = replace(CALLBACK_DIALED, callback=None)
    assert step(plain, ev.CallerGone("User busy"), CTX).call.phase is Phase.DONE


def test_the_confirmation_ending_is_the_only_playback_that_hangs_the_caller_up() -> None:
    assert step(PENDING, ev.AnnounceDone("other"), CTX).effects == ()


def test_a_call_that_ends_with_an_offer_unread_frees_that_agent_and_refuses_desk_requests() -> None:
    """A callback cancelled (or a caller gone) just as the dispatcher offered it: the offer is still in the call's
    queue when its task ends; the agent it took is handed back, not left ringing for nothing."""
    async def scenario() -> tuple[list[int], BaseException | None]:
        events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        events.put_nowait({"type": CALLBACK_CANCELLED})
        events.put_nowait({"type": OFFER, "agent_id": 7, "reason": "skill"})
        events.put_nowait({"type": CONTROL, "control": "hold", "args": {}, "done": done})
        stranded = fail_pending(events)
        assert events.empty()
        return stranded, done.exception()

    stranded, refused = asyncio.run(scenario())
    assert stranded == [7]
    assert isinstance(refused, ControlRefused) and refused.code == "not_on_call"
