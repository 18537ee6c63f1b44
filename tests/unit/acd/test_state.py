"""The ACD call's state machine, without Asterisk: given a state and an event (read from ARI payloads shaped as
Asterisk 22 sends them), the next state and the effects. Every row of the table is exercised; every desk
control a state refuses is refused with the desk's code; every other event a state has no row for changes
nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.model import AcdCall, Callback, Consultation, Context, Dialling, Phase, Transition, line, owned
from ari_apps.acd.moves import drop_consultation
from ari_apps.acd.state import TABLE, step
from ari_apps.originate import Originate
from crm_core import calls
from crm_core.agents import set_state
from crm_core.events import (
    LIVE_EVENTS,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallOffered,
    CallState,
    LiveEvent,
    ScreenPop,
)
from crm_core.models import AgentState, CallStatus

CTX = Context(key="k1", app="hotline-acd", ring_seconds=15, dial_seconds=30, now=1_733_111_100.0)
ENTERED = 1_733_111_088.0  # the caller entered the queue 12 s before the step
VARS = {"HOTLINE_CALL_ID": "c1"}

WAITING = AcdCall(call_id="c1", channel_id="1733111111.12", bridge_id="acd-b1", caller_number="13800000002",
                  skill="trading", entered_at=ENTERED)
RINGING = replace(WAITING, phase=Phase.RINGING, agent_id=7, agent_channel_id="agent-k0")
TALKING = replace(RINGING, phase=Phase.TALKING)
HELD = replace(TALKING, phase=Phase.HELD)
CONSULT_RINGING = replace(HELD, phase=Phase.CONSULT_RINGING, consult=Consultation("target-k0", "consult-k0", 8, None))
CONSULTING = replace(CONSULT_RINGING, phase=Phase.CONSULTING)
OUTSIDE = replace(CONSULTING, consult=Consultation("target-k0", "consult-k0", None, "13900000001"))
CONFERENCE = replace(CONSULTING, phase=Phase.CONFERENCE)  # the caller, agent 7 and expert 8 in acd-b1
JOINING = replace(CONSULT_RINGING, consult=Consultation("target-k0", "consult-k0", 8, None, join=True))
DIALLING = Dialling("PJSIP/agent2001", "Local/13900000001@hotline-customer-sim/n", AgentState.NOT_READY)
DIALING = AcdCall(call_id="c2", channel_id="dial-k0", bridge_id="dial-c2", caller_number="13900000001",
                  skill="general", phase=Phase.DIALING_OUT, agent_id=7, agent_channel_id="agent-k0", dialling=DIALLING)
DIALED = replace(DIALING, dialling=replace(DIALLING, agent_answered=True))
DONE = replace(TALKING, phase=Phase.DONE)
OFFERED = replace(WAITING, callback_offered=True)  # heard "press 1 to be called back"
CALLBACK = Callback("Local/13800000002@hotline-customer-sim/n")
PENDING = replace(WAITING, phase=Phase.CALLBACK_PENDING, callback=CALLBACK, announcing="k0")  # confirmation playing
CALLBACK_DIALING = replace(PENDING, phase=Phase.DIALING_OUT, channel_id="callback-k0", bridge_id="cbbridge-k0",
                           agent_id=7, agent_channel_id="agent-k0", announcing=None,
                           dialling=Dialling("PJSIP/agent2001", CALLBACK.endpoint, AgentState.READY))
CALLBACK_DIALED = replace(CALLBACK_DIALING, dialling=replace(CALLBACK_DIALING.dialling, agent_answered=True))
CALLS = {Phase.WAITING: WAITING, Phase.RINGING: RINGING, Phase.TALKING: TALKING, Phase.HELD: HELD,
         Phase.CONSULT_RINGING: CONSULT_RINGING, Phase.CONSULTING: CONSULTING, Phase.DIALING_OUT: DIALING,
         Phase.CALLBACK_PENDING: PENDING, Phase.CONFERENCE: CONFERENCE, Phase.DONE: DONE}


# -- ARI payloads, as Asterisk 22 sends them to the app ------------------------------------------------------
def channel(channel_id: str, state: str = "Up", name: str = "Local/answer@hotline-agent-sim-00000003;1") -> dict:
    return {"id": channel_id, "name": name, "state": state, "protocol_id": "",
            "caller": {"name": "13800000002", "number": "13800000002"}, "connected": {"name": "", "number": ""},
            "accountcode": "", "dialplan": {"context": "hotline-agent-sim", "exten": "answer", "priority": 2,
                                            "app_name": "Stasis", "app_data": "hotline-acd,agent"},
            "creationtime": "2026-12-02T03:44:51.021+0000", "language": "en", "channelvars": VARS}


def stasis_start(channel_id: str, args: str = "agent") -> dict[str, Any]:
    return {"type": "StasisStart", "timestamp": "2026-12-02T03:44:52.101+0000", "args": [args],
            "channel": channel(channel_id), "asterisk_id": "02:42:c0:00:02:02", "application": "hotline-acd"}


def hangup_request(channel_id: str) -> dict[str, Any]:
    return {"type": "ChannelHangupRequest", "timestamp": "2026-12-02T03:44:58.310+0000", "soft": False, "cause": 16,
            "channel": channel(channel_id), "asterisk_id": "02:42:c0:00:02:02", "application": "hotline-acd"}


def destroyed(channel_id: str, cause: int = 17, cause_txt: str = "User busy") -> dict[str, Any]:
    return {"type": "ChannelDestroyed", "timestamp": "2026-12-02T03:44:58.402+0000", "cause": cause,
            "cause_txt": cause_txt, "channel": channel(channel_id, "Down"), "asterisk_id": "02:42:c0:00:02:02",
            "application": "hotline-acd"}


def stasis_end(channel_id: str) -> dict[str, Any]:
    return {"type": "StasisEnd", "timestamp": "2026-12-02T03:44:58.399+0000", "channel": channel(channel_id),
            "asterisk_id": "02:42:c0:00:02:02", "application": "hotline-acd"}


def ringing(channel_id: str) -> dict[str, Any]:
    return {"type": "ChannelStateChange", "timestamp": "2026-12-02T03:44:51.530+0000",
            "channel": channel(channel_id, "Ringing", "PJSIP/agent2001-00000003"), "asterisk_id": "02:42:c0:00:02:02",
            "application": "hotline-acd"}


def playback_finished(playback_id: str) -> dict[str, Any]:
    return {"type": "PlaybackFinished", "timestamp": "2026-12-02T03:44:59.001+0000",
            "playback": {"id": playback_id, "media_uri": "sound:/srv/hotline/sounds/zh/queue_position_before",
                         "next_media_uri": "", "target_uri": "bridge:acd-b1", "language": "zh", "state": "done"},
            "asterisk_id": "02:42:c0:00:02:02", "application": "hotline-acd"}


def read(call: AcdCall, payload: dict[str, Any]) -> ev.CallEvent:
    event = ev.read(call, payload)
    assert event is not None, payload["type"]
    return event


def kinds(transition: Transition) -> list[str]:
    return [type(effect).__name__ for effect in transition.effects]


# -- reading ARI events ---------------------------------------------------------------------------------------
def test_ari_events_read_as_events_of_the_leg_they_are_about() -> None:
    assert read(RINGING, ringing("agent-k0")) == ev.AgentRinging()
    assert read(RINGING, stasis_start("agent-k0")) == ev.AgentAnswered()
    assert read(RINGING, destroyed("agent-k0")) == ev.AgentGone("User busy")
    assert read(TALKING, hangup_request("1733111111.12")) == ev.CallerGone("16")
    assert read(TALKING, stasis_end("agent-k0")) == ev.AgentGone("StasisEnd")
    assert read(CONSULT_RINGING, stasis_start("target-k0", "consult")) == ev.TargetAnswered()
    assert read(CONSULTING, destroyed("target-k0", 16, "Normal Clearing")) == ev.TargetGone("Normal Clearing")
    assert read(DIALED, stasis_start("dial-k0", "customer")) == ev.CallerAnswered()
    assert read(WAITING, playback_finished("k1")) == ev.AnnounceDone("k1")


def test_events_of_legs_the_call_no_longer_has_read_as_nothing() -> None:
    assert ev.read(WAITING, destroyed("agent-k0")) is None  # the missed agent's last hang-up event
    assert ev.read(TALKING, stasis_start("someone-else")) is None
    assert ev.read(TALKING, ringing("target-k0")) is None
    assert ev.read(TALKING, {"type": "ChannelVarset", "channel": channel("agent-k0"), "variable": "X"}) is None
    assert ev.read(TALKING, {"type": "BridgeDestroyed", "bridge": {"id": "acd-b1"}}) is None


# -- every row of the table -------------------------------------------------------------------------------------
ROWS: list[tuple[AcdCall, ev.CallEvent, Phase, list[str]]] = [
    (WAITING, ev.Start(), Phase.WAITING, ["CreateBridge", "AddToBridge", "StartMoh", "MarkQueued"]),
    (WAITING, ev.Resumed(), Phase.WAITING, ["StartMoh", "MarkQueued"]),
    (WAITING, ev.Queued(ENTERED), Phase.WAITING, ["Publish", "Enqueue"]),
    (WAITING, ev.Offer(7, "skill", "2001", "PJSIP/agent2001"), Phase.RINGING, ["Write", "RecordAgentState", "Ring"]),
    (WAITING, ev.AnnounceDue(2, 3), Phase.WAITING, ["StopMoh", "Announce", "Write"]),
    (replace(WAITING, announcing="k0"), ev.AnnounceDone("k0"), Phase.WAITING, ["StartMoh"]),
    (WAITING, ev.CallerGone("16"), Phase.DONE, ["Publish", "Withdraw", "Write", "Publish"]),
    (OFFERED, ev.KeyPressed("1"), Phase.WAITING, ["SaveCallback"]),
    (OFFERED, ev.CallbackSaved(CALLBACK.endpoint), Phase.CALLBACK_PENDING, ["StopMoh", "Say"]),

    (RINGING, ev.AgentRinging(), Phase.RINGING, ["Publish"]),
    (RINGING, ev.AgentAnswered(), Phase.TALKING,
     ["StopMoh", "AddToBridge", "SetAgentState", "Write", "Publish", "Publish", "Publish"]),
    (RINGING, ev.AgentGone("No answer"), Phase.WAITING, ["Write", "Publish", "AgentMissed", "Enqueue"]),
    (RINGING, ev.OriginateFailed("agent-k0", 500), Phase.WAITING, ["Write", "Publish", "AgentMissed", "Enqueue"]),
    (replace(RINGING, announcing="k0"), ev.AnnounceDone("k0"), Phase.RINGING, ["StartMoh"]),
    (RINGING, ev.CallerGone("16"), Phase.DONE,
     ["HangUp", "Publish", "AgentBack", "Publish", "Withdraw", "Write", "Publish"]),

    (TALKING, ev.Hold(), Phase.HELD, ["RemoveFromBridge", "StartMoh", "Write", "Publish"]),
    (TALKING, ev.Unhold(), Phase.TALKING, []),
    (TALKING, ev.Blind(9, True, "2009", "PJSIP/agent2009"), Phase.RINGING,
     ["HangUp", "Write", "Publish", "AgentBack", "StartMoh", "Write", "RecordAgentState", "Ring"]),
    (TALKING, ev.Consult(8, None, "PJSIP/agent2002"), Phase.CONSULT_RINGING,
     ["RemoveFromBridge", "StartMoh", "Write", "Publish", "CreateBridge", "AddToBridge", "Write", "RecordAgentState",
      "Ring", "Publish"]),
    (TALKING, ev.AgentGone("16"), Phase.DONE, ["Withdraw", "Write", "Publish", "AgentBack", "AfterCall"]),
    (TALKING, ev.CallerGone("16"), Phase.DONE, ["HangUp", "Withdraw", "Write", "Publish", "AgentBack"]),
    (replace(TALKING, announcing="k0"), ev.AnnounceDone("k0"), Phase.TALKING, []),
    (TALKING, ev.ToQueue("expert_funds"), Phase.WAITING,
     ["HangUp", "Write", "Publish", "AgentBack", "StartMoh", "MarkQueued"]),

    (HELD, ev.Unhold(), Phase.TALKING, ["StopMoh", "AddToBridge", "Write", "Publish"]),
    (HELD, ev.Hold(), Phase.HELD, []),
    (HELD, ev.Blind(9, True, "2009", "PJSIP/agent2009"), Phase.RINGING,
     ["HangUp", "Write", "Publish", "AgentBack", "StartMoh", "Write", "RecordAgentState", "Ring"]),
    (HELD, ev.Consult(None, "13900000001", "Local/13900000001@hotline-customer-sim/n"), Phase.CONSULT_RINGING,
     ["CreateBridge", "AddToBridge", "Write", "Ring", "Publish"]),
    (HELD, ev.AgentGone("16"), Phase.DONE, ["Withdraw", "Write", "Publish", "AgentBack", "AfterCall"]),
    (HELD, ev.CallerGone("16"), Phase.DONE, ["HangUp", "Withdraw", "Write", "Publish", "AgentBack"]),
    (HELD, ev.ToQueue("expert_funds"), Phase.WAITING,
     ["HangUp", "Write", "Publish", "AgentBack", "StartMoh", "MarkQueued"]),

    (CONSULT_RINGING, ev.TargetAnswered(), Phase.CONSULTING, ["AddToBridge", "SetAgentState", "Publish", "Write",
                                                               "Publish"]),
    (CONSULT_RINGING, ev.TargetGone("No answer"), Phase.TALKING,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentMissed", "Write", "StopMoh", "AddToBridge", "Write",
      "Publish"]),
    (CONSULT_RINGING, ev.OriginateFailed("target-k0", 500), Phase.TALKING,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentMissed", "Write", "StopMoh", "AddToBridge", "Write",
      "Publish"]),
    (CONSULT_RINGING, ev.Cancel(), Phase.TALKING,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentBack", "Write", "StopMoh", "AddToBridge", "Write",
      "Publish"]),
    (CONSULT_RINGING, ev.AgentGone("16"), Phase.DONE,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentBack", "Withdraw", "Write", "Publish", "AgentBack",
      "AfterCall"]),
    (CONSULT_RINGING, ev.CallerGone("16"), Phase.DONE,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentBack", "HangUp", "Withdraw", "Write", "Publish",
      "AgentBack"]),

    (CONSULTING, ev.Complete(), Phase.TALKING,
     ["RemoveFromBridge", "StopMoh", "AddToBridge", "HangUp", "DestroyBridge", "Write", "Publish", "AgentBack",
      "Publish"]),
    (CONSULTING, ev.Cancel(), Phase.TALKING,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentBack", "Write", "StopMoh", "AddToBridge", "Write",
      "Publish"]),
    (CONSULTING, ev.TargetGone("16"), Phase.TALKING,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentBack", "Write", "StopMoh", "AddToBridge", "Write",
      "Publish"]),
    (CONSULTING, ev.AgentGone("16"), Phase.TALKING,
     ["RemoveFromBridge", "StopMoh", "AddToBridge", "DestroyBridge", "Write", "Publish", "AgentBack", "Publish"]),
    (CONSULTING, ev.CallerGone("16"), Phase.DONE,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentBack", "HangUp", "Withdraw", "Write", "Publish",
      "AgentBack"]),
    (CONSULTING, ev.Conference(), Phase.CONFERENCE,
     ["RemoveFromBridge", "RemoveFromBridge", "DestroyBridge", "StopMoh", "AddToBridge", "AddToBridge", "Write",
      "RecordBridge", "Publish"]),

    (CONFERENCE, ev.Complete(), Phase.TALKING, ["HangUp", "Write", "Publish", "AgentBack", "Publish"]),
    (CONFERENCE, ev.AgentGone("16"), Phase.TALKING, ["Write", "Publish", "AgentBack", "Publish"]),
    (CONFERENCE, ev.Cancel(), Phase.TALKING, ["HangUp", "AgentBack", "Write", "Publish"]),
    (CONFERENCE, ev.TargetGone("16"), Phase.TALKING, ["AgentBack", "Write", "Publish"]),
    (CONFERENCE, ev.CallerGone("16"), Phase.DONE,
     ["HangUp", "RemoveFromBridge", "DestroyBridge", "AgentBack", "HangUp", "Withdraw", "Write", "Publish",
      "AgentBack"]),

    (DIALING, ev.Start(), Phase.DIALING_OUT, ["RecordAgentState", "Ring"]),
    (DIALING, ev.AgentRinging(), Phase.DIALING_OUT, ["Publish"]),
    (DIALING, ev.AgentAnswered(), Phase.DIALING_OUT, ["CreateBridge", "AddToBridge", "Publish", "Ring"]),
    (DIALED, ev.CallerAnswered(), Phase.TALKING, ["AddToBridge", "Write", "Publish"]),
    (DIALING, ev.AgentGone("No answer"), Phase.DONE, ["HangUp", "Write", "Write", "Publish", "SetAgentState"]),
    (DIALED, ev.CallerGone("User busy"), Phase.DONE, ["HangUp", "Write", "Write", "Publish", "AgentBack"]),
    (DIALING, ev.OriginateFailed("agent-k0", 500), Phase.DONE, ["HangUp", "Write", "Write", "Publish",
                                                                 "SetAgentState"]),

    (PENDING, ev.AnnounceDone("k0"), Phase.CALLBACK_PENDING, ["HangUp"]),
    (PENDING, ev.CallerGone("16"), Phase.CALLBACK_PENDING, ["DestroyBridge"]),
    (PENDING, ev.Resumed(), Phase.CALLBACK_PENDING, ["Enqueue"]),
    (PENDING, ev.CallbackDue(), Phase.CALLBACK_PENDING, ["Enqueue"]),
    (PENDING, ev.Offer(7, "skill", "2001", "PJSIP/agent2001"), Phase.CALLBACK_PENDING, ["ClaimCallback"]),
    (PENDING, ev.CallbackClaimed(ev.Offer(7, "skill", "2001", "PJSIP/agent2001"), True), Phase.DIALING_OUT,
     ["HangUp", "DestroyBridge", "Write", "Write", "RecordAgentState", "Ring"]),
    (PENDING, ev.CallbackCancelled(), Phase.DONE, ["Withdraw", "HangUp", "DestroyBridge", "Write"]),
]


@pytest.mark.parametrize(("call", "event", "phase", "effects"), ROWS,
                         ids=[f"{c.phase}-{type(e).__name__}" for c, e, _, _ in ROWS])
def test_each_row_of_the_table(call: AcdCall, event: ev.CallEvent, phase: Phase, effects: list[str]) -> None:
    transition = step(call, event, CTX)
    assert transition.call.phase is phase
    assert kinds(transition) == effects
    if not isinstance(event, ev.OriginateFailed) or call.consult is None:  # that one answers the consult request
        assert transition.refusal is None


def test_the_rows_tested_are_the_whole_table() -> None:
    assert {(call.phase, type(event)) for call, event, _, _ in ROWS} == set(TABLE)


def published(transition: Transition) -> list[LiveEvent]:
    return [effect.event for effect in transition.effects if isinstance(effect, fx.Publish)]


@pytest.mark.parametrize(("call", "event", "phase", "effects"), ROWS,
                         ids=[f"{c.phase}-{type(e).__name__}" for c, e, _, _ in ROWS])
def test_every_row_publishes_typed_live_events(call: AcdCall, event: ev.CallEvent, phase: Phase,
                                               effects: list[str]) -> None:
    """What the desks and the board receive is one of crm_core.events' dataclasses, never a dict."""
    for live in published(step(call, event, CTX)):
        assert isinstance(live, LIVE_EVENTS)
        assert live.as_dict()["type"] == type(live).type


# -- what each state refuses or ignores ---------------------------------------------------------------------------
CONTROLS: list[ev.CallEvent] = [ev.Hold(), ev.Unhold(), ev.Blind(9, True, "2009", "PJSIP/agent2009"),
                                ev.Consult(8, None, "PJSIP/agent2002"), ev.Complete(), ev.Cancel(),
                                ev.Conference(), ev.ToQueue("expert_stocks")]
REFUSED = {
    Phase.TALKING: "no_consultation", Phase.HELD: "no_consultation",  # complete, cancel and conference
    Phase.CONSULT_RINGING: "consulting", Phase.CONSULTING: "consulting",  # hold, unhold, blind, consult, to_queue
    Phase.CONFERENCE: "in_conference",  # all but complete and cancel (who leaves)
}


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: type(c).__name__)
def test_desk_controls_a_state_has_no_row_for_are_refused(phase: Phase, control: ev.CallEvent) -> None:
    call = CALLS[phase]
    if (phase, type(control)) in TABLE:
        return
    transition = step(call, control, CTX)
    assert transition.call == call and transition.effects == ()
    assert transition.refusal is not None
    if phase is Phase.CONSULT_RINGING and isinstance(control, ev.Complete | ev.Conference):
        expected = "consult_not_answered"
    else:
        expected = REFUSED.get(phase, "not_on_call")
    assert transition.refusal.code == expected


OTHER_EVENTS: list[ev.CallEvent] = [
    ev.Start(), ev.Resumed(), ev.Queued(ENTERED), ev.Offer(7, "skill", "2001", "PJSIP/agent2001"),
    ev.AnnounceDue(1, 1), ev.KeyPressed("1"), ev.CallbackSaved(CALLBACK.endpoint), ev.CallbackDue(),
    ev.CallbackClaimed(ev.Offer(7, "skill", "2001", "PJSIP/agent2001"), True), ev.CallbackCancelled(),
    ev.AnnounceDone("k0"), ev.CallerAnswered(), ev.CallerGone(), ev.AgentRinging(), ev.AgentAnswered(),
    ev.AgentGone(), ev.TargetAnswered(), ev.TargetGone(), ev.OriginateFailed("agent-k0", 500)]


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("event", OTHER_EVENTS, ids=lambda e: type(e).__name__)
def test_other_events_a_state_has_no_row_for_change_nothing(phase: Phase, event: ev.CallEvent) -> None:
    call = CALLS[phase]
    if (phase, type(event)) in TABLE:
        return
    assert step(call, event, CTX) == Transition(call)


def test_done_is_final() -> None:
    assert not [key for key in TABLE if key[0] is Phase.DONE]


# -- paths through the table, effect by effect ----------------------------------------------------------------------
def test_an_inbound_call_waits_is_offered_answered_and_ended_by_the_caller() -> None:
    new = replace(WAITING, entered_at=0.0)
    arrived = step(new, ev.Start(), CTX)
    assert arrived.call == new
    assert arrived.effects == (fx.CreateBridge("acd-b1", "hotline call c1"), fx.AddToBridge("acd-b1", "1733111111.12"),
                               fx.StartMoh("acd-b1"), fx.MarkQueued())

    queued = step(arrived.call, ev.Queued(ENTERED), CTX)  # the record's queued_at, fed back by the interpreter
    assert queued.call == WAITING
    assert queued.effects == (fx.Publish(CallOffered("c1", "trading", ENTERED)), fx.Enqueue())

    offer = step(queued.call, ev.Offer(7, "skill", "2001", "PJSIP/agent2001"), CTX)
    assert (offer.call.agent_id, offer.call.agent_channel_id) == (7, "agent-k1")  # our own id, from the step's key
    assert offer.effects == (
        fx.Write(calls.mark_offered, {"agent_id": 7, "job_number": "2001", "reason": "skill"}),
        fx.RecordAgentState(7, AgentState.RINGING),
        fx.Ring(Originate(endpoint="PJSIP/agent2001", app="hotline-acd", channel_id="agent-k1", ring_seconds=15,
                          app_args="agent", caller_id='"13800000002" <13800000002>',
                          variables={"HOTLINE_CALL_ID": "c1", "HOTLINE_ROLE": "agent", "HOTLINE_AGENT_ID": "7"})))

    answered = step(offer.call, read(offer.call, stasis_start("agent-k1")), CTX)
    assert answered.effects == (
        fx.StopMoh("acd-b1"), fx.AddToBridge("acd-b1", "agent-k1"), fx.SetAgentState(7, AgentState.BUSY),
        fx.Write(calls.mark_answered, {"agent_id": 7}),
        fx.Publish(CallAnswered("c1", 7, 12.0)),  # waited from entering the queue to the answer
        fx.Publish(ScreenPop(7, "c1", "13800000002")),
        fx.Publish(CallState(7, "c1", "talking")))
    assert line(answered.call) == "talking"

    ended = step(answered.call, read(answered.call, hangup_request("1733111111.12")), CTX)
    assert ended.call.phase is Phase.DONE
    assert ended.effects == (
        fx.HangUp("agent-k1"), fx.Withdraw(),
        fx.Write(calls.finish, {"status": CallStatus.COMPLETED, "hangup_by": "caller"}),
        fx.Publish(CallEnded(7, "c1", "completed", "caller")),
        fx.AgentBack(7, wrap_up=True))
    assert not [e for e in published(ended) if isinstance(e, CallAbandoned)]  # answered: not abandoned


def test_an_agent_who_cannot_be_rung_misses_the_call_and_it_waits_again() -> None:
    missed = step(RINGING, ev.OriginateFailed("agent-k0", 500), CTX)
    assert missed.call == replace(WAITING)
    assert missed.effects == (
        fx.Write(calls.mark_missed, {"agent_id": 7, "cause": "originate failed: 500"}),
        fx.Publish(CallEnded(7, "c1", "missed", "agent")),
        fx.AgentMissed(7), fx.Enqueue())  # queued again from when it first entered; not offered again
    assert missed.call.entered_at == ENTERED
    assert step(RINGING, ev.OriginateFailed("someone-else", 500), CTX) == Transition(RINGING)


def test_the_caller_hanging_up_while_the_agent_rings_frees_the_agent_without_wrap_up() -> None:
    gone = step(RINGING, ev.CallerGone(), CTX)
    assert fx.AgentBack(7, wrap_up=False) in gone.effects and fx.AgentBack(7, wrap_up=True) not in gone.effects
    assert fx.Write(calls.finish, {"status": CallStatus.ABANDONED, "hangup_by": "caller"}) in gone.effects
    assert published(gone) == [CallEnded(7, "c1", "abandoned", "caller"), CallAbandoned("c1", 12.0, "ringing"),
                               CallEnded(None, "c1", "abandoned", "caller")]


def test_a_caller_who_hangs_up_in_the_queue_abandons_it() -> None:
    gone = step(WAITING, ev.CallerGone("16"), CTX)
    assert gone.effects == (
        fx.Publish(CallAbandoned("c1", 12.0, "queue")), fx.Withdraw(),
        fx.Write(calls.finish, {"status": CallStatus.ABANDONED, "hangup_by": "caller"}),
        fx.Publish(CallEnded(None, "c1", "abandoned", "caller")))


def test_announcements_are_one_at_a_time_and_music_resumes_after() -> None:
    playing = step(WAITING, ev.AnnounceDue(3, 2), CTX)
    assert playing.call.announcing == "k1" and "playback:k1" in owned(playing.call)
    assert fx.Announce("acd-b1", "k1", 3, 2, "zh") in playing.effects
    assert step(playing.call, ev.AnnounceDue(3, 2), CTX) == Transition(playing.call)  # one at a time
    assert step(playing.call, ev.AnnounceDone("other"), CTX) == Transition(playing.call)
    over = step(playing.call, ev.AnnounceDone("k1"), CTX)
    assert over.call.announcing is None and over.effects == (fx.StartMoh("acd-b1"),)


def test_hold_takes_the_agent_out_of_the_bridge_and_unhold_brings_them_back() -> None:
    held = step(TALKING, ev.Hold(), CTX)
    assert held.effects[:2] == (fx.RemoveFromBridge("acd-b1", "agent-k0"), fx.StartMoh("acd-b1"))
    assert line(held.call) == "held"
    back = step(held.call, ev.Unhold(), CTX)
    assert back.effects[:2] == (fx.StopMoh("acd-b1"), fx.AddToBridge("acd-b1", "agent-k0"))
    assert back.call == TALKING


def test_a_blind_transfer_rings_the_new_agent_into_the_same_bridge() -> None:
    moved = step(TALKING, ev.Blind(9, True, "2009", "PJSIP/agent2009"), CTX)
    assert (moved.call.agent_id, moved.call.agent_channel_id, moved.call.bridge_id) == (9, "agent-k1", "acd-b1")
    assert moved.effects[:4] == (
        fx.HangUp("agent-k0"),
        fx.Write(calls.record_event, {"kind": "transferred", "from_agent_id": 7, "to_agent_id": 9}),
        fx.Publish(CallEnded(7, "c1", "transferred", "agent")),
        fx.AgentBack(7, wrap_up=True))
    assert "channel:agent-k0" not in owned(moved.call)  # the old leg's hang-up is no longer this call's


def test_a_transfer_to_an_agent_who_is_not_free_is_refused() -> None:
    for event in (ev.Blind(9, False), ev.Consult(8, None, "PJSIP/agent2002", available=False)):
        refused = step(TALKING, event, CTX)
        assert refused.call == TALKING and refused.effects == ()
        assert refused.refusal is not None and refused.refusal.code == "agent_unavailable"


def test_an_attended_transfer_consults_then_hands_the_caller_to_the_target() -> None:
    ringing_target = step(TALKING, ev.Consult(8, None, "PJSIP/agent2002"), CTX)
    consult = ringing_target.call.consult
    assert consult == Consultation("target-k1", "consult-k1", 8, None)
    assert fx.Ring(Originate(endpoint="PJSIP/agent2002", app="hotline-acd", channel_id="target-k1", ring_seconds=15,
                             app_args="consult", caller_id='"13800000002" <13800000002>',
                             variables={"HOTLINE_CALL_ID": "c1", "HOTLINE_ROLE": "agent",
                                        "HOTLINE_AGENT_ID": "8"})) in ringing_target.effects
    assert ringing_target.effects[-1] == fx.Publish(CallState(7, "c1", "consult_ringing", target_agent_id=8))
    assert published(ringing_target) == [CallState(7, "c1", "held"),
                                         CallState(7, "c1", "consult_ringing", target_agent_id=8)]
    assert {"channel:target-k1", "bridge:consult-k1"} <= owned(ringing_target.call)

    answered = step(ringing_target.call, read(ringing_target.call, stasis_start("target-k1", "consult")), CTX)
    assert answered.effects[0] == fx.AddToBridge("consult-k1", "target-k1")
    assert fx.SetAgentState(8, AgentState.BUSY) in answered.effects
    assert published(answered) == [ScreenPop(8, "c1", "13800000002", consultation=True),
                                   CallState(7, "c1", "consulting", target_agent_id=8)]

    done = step(answered.call, ev.Complete(), CTX)
    assert (done.call.agent_id, done.call.agent_channel_id, done.call.consult) == (8, "target-k1", None)
    assert done.effects[:5] == (fx.RemoveFromBridge("consult-k1", "target-k1"), fx.StopMoh("acd-b1"),
                                fx.AddToBridge("acd-b1", "target-k1"), fx.HangUp("agent-k0"),
                                fx.DestroyBridge("consult-k1"))
    assert fx.Write(calls.mark_transferred, {"from_agent_id": 7, "to_agent_id": 8, "to_number": None,
                                             "attended": True}) in done.effects
    assert published(done) == [CallEnded(7, "c1", "transferred", "agent"), CallState(8, "c1", "talking")]


def test_an_outside_party_takes_the_call_when_the_agent_hangs_up_during_the_consultation() -> None:
    taken = step(OUTSIDE, read(OUTSIDE, stasis_end("agent-k0")), CTX)
    assert (taken.call.phase, taken.call.agent_id, taken.call.agent_channel_id) == (Phase.TALKING, None, "target-k0")
    assert fx.HangUp("agent-k0") not in taken.effects  # it is what hung up
    # ...and when the outside party hangs up later, the call ends without an agent to free.
    over = step(taken.call, ev.AgentGone("16"), CTX)
    assert over.call.phase is Phase.DONE and not [e for e in over.effects if isinstance(e, fx.AgentBack)]


def test_a_target_that_cannot_be_rung_gives_the_caller_back_and_refuses_the_consultation() -> None:
    failed = step(CONSULT_RINGING, ev.OriginateFailed("target-k0", 500), CTX)
    assert failed.call == TALKING
    assert failed.refusal is not None and failed.refusal.code == "phone_unavailable"
    assert fx.AgentMissed(8) in failed.effects
    assert fx.Write(calls.record_event, {"kind": "consult_failed", "agent_id": 8, "number": None,
                                         "cause": "originate failed: 500"}) in failed.effects


def test_a_consultation_left_behind_is_dropped() -> None:
    assert drop_consultation(TALKING) == ()
    assert drop_consultation(CONSULTING) == (fx.HangUp("target-k0"), fx.RemoveFromBridge("consult-k0", "agent-k0"),
                                             fx.DestroyBridge("consult-k0"), fx.AgentBack(8, wrap_up=False))


def test_click_to_dial_rings_the_agent_then_the_customer() -> None:
    started = step(DIALING, ev.Start(), CTX)
    assert started.effects == (
        fx.RecordAgentState(7, AgentState.BUSY),
        fx.Ring(Originate(endpoint="PJSIP/agent2001", app="hotline-acd", channel_id="agent-k0", ring_seconds=15,
                          app_args="agent", caller_id='"13900000001" <13900000001>',
                          variables={"HOTLINE_CALL_ID": "c2", "HOTLINE_ROLE": "agent", "HOTLINE_AGENT_ID": "7"})))
    assert published(step(DIALING, read(DIALING, ringing("agent-k0")), CTX)) == \
        [CallState(7, "c2", "ringing", caller_number="13900000001")]
    picked_up = step(DIALING, read(DIALING, stasis_start("agent-k0")), CTX)
    assert picked_up.call == DIALED
    assert published(picked_up) == [ScreenPop(7, "c2", "13900000001")]  # no queue events for a dialled call
    assert picked_up.effects[-1] == fx.Ring(Originate(
        endpoint="Local/13900000001@hotline-customer-sim/n", app="hotline-acd", channel_id="dial-k0", ring_seconds=30,
        app_args="customer", variables={"HOTLINE_CALL_ID": "c2", "HOTLINE_ROLE": "customer"}))
    assert step(DIALED, ev.AgentAnswered(), CTX) == Transition(DIALED)  # a second StasisStart changes nothing
    talking = step(DIALED, read(DIALED, stasis_start("dial-k0", "customer")), CTX)
    assert talking.call.phase is Phase.TALKING and talking.call.dialling is None
    assert talking.effects[0] == fx.AddToBridge("dial-c2", "dial-k0")
    assert published(talking) == [CallState(7, "c2", "talking")]


@pytest.mark.parametrize(("call", "event", "by", "after"), [
    (DIALING, ev.AgentGone("No answer"), "agent", fx.SetAgentState(7, AgentState.NOT_READY)),
    (replace(DIALING, dialling=replace(DIALLING, state_before=AgentState.READY)), ev.OriginateFailed("agent-k0", 500),
     "agent_unreachable", fx.AgentBack(7, wrap_up=False)),
    (DIALED, ev.CallerGone("User busy"), "customer", fx.AgentBack(7, wrap_up=True)),
    (DIALED, ev.OriginateFailed("dial-k0", 400), "customer", fx.AgentBack(7, wrap_up=True)),
])
def test_a_click_to_dial_nobody_answers_fails_and_the_agent_goes_back(call: AcdCall, event: ev.CallEvent, by: str,
                                                                      after: fx.Effect) -> None:
    failed = step(call, event, CTX)
    assert failed.call.phase is Phase.DONE
    assert fx.Write(calls.finish, {"status": CallStatus.FAILED, "hangup_by": by}) in failed.effects
    assert failed.effects[-1] == after
    assert published(failed) == [CallEnded(7, "c2", "failed", by)]  # not abandoned: nobody waited in a queue


def test_the_desk_line_and_what_the_call_owns() -> None:
    assert [line(CALLS[p]) for p in (Phase.WAITING, Phase.RINGING, Phase.DIALING_OUT, Phase.DONE)] == [None] * 4
    assert [line(c) for c in (TALKING, HELD, CONSULT_RINGING, CONSULTING)] == \
        ["talking", "held", "consult_ringing", "consulting"]
    assert owned(WAITING) == {"channel:1733111111.12", "bridge:acd-b1"}
    assert owned(CONSULTING) == {"channel:1733111111.12", "bridge:acd-b1", "channel:agent-k0", "channel:target-k0",
                                 "bridge:consult-k0"}


def test_effects_on_agents_name_the_crm_calls() -> None:
    assert set_state  # RecordAgentState is carried out with crm_core.agents.set_state
    assert step(WAITING, ev.Offer(7, "overflow", "2005", "Local/answer@hotline-agent-sim/n"), CTX).effects[0] == \
        fx.Write(calls.mark_offered, {"agent_id": 7, "job_number": "2005", "reason": "overflow"})


def test_the_agent_hanging_up_offers_the_caller_to_the_post_call_survey_unseen_by_the_desk() -> None:
    ended = step(TALKING, read(TALKING, hangup_request("agent-k0")), CTX)
    assert ended.call.phase is Phase.DONE
    assert ended.effects[-1] == fx.AfterCall("1733111111.12", "acd-b1")  # kept or hung up: the survey's policy
    assert fx.HangUp("1733111111.12") not in ended.effects
    assert published(ended) == [CallEnded(7, "c1", "completed", "agent")]  # the desk hears the call ended, no more


# -- expert help: the three-way conference, and a hand-over to the expert queue ----------------------------------
def test_an_expert_consulted_joins_the_caller_and_the_agent_in_the_calls_bridge_recorded() -> None:
    joined = step(CONSULTING, ev.Conference(), CTX)
    assert joined.call.phase is Phase.CONFERENCE and line(joined.call) == "conference"
    assert joined.effects[:6] == (fx.RemoveFromBridge("consult-k0", "target-k0"),
                                  fx.RemoveFromBridge("consult-k0", "agent-k0"), fx.DestroyBridge("consult-k0"),
                                  fx.StopMoh("acd-b1"), fx.AddToBridge("acd-b1", "agent-k0"),
                                  fx.AddToBridge("acd-b1", "target-k0"))
    assert fx.RecordBridge("acd-b1", "expert-c1-k1", "expert") in joined.effects  # the call's bridge, named by call
    assert fx.Write(calls.record_event, {"kind": "conference", "agent_id": 7, "expert_agent_id": 8,
                                         "number": None}) in joined.effects
    assert published(joined) == [CallState(7, "c1", "conference", target_agent_id=8)]
    assert "channel:target-k0" in owned(joined.call)  # the expert's hang-up is still this call's
    assert step(joined.call, ev.Conference(), CTX).refusal.code == "in_conference"  # type: ignore[union-attr]
    unrecorded = step(CONSULTING, ev.Conference(), replace(CTX, record_conferences=False))  # the ACD's setting off
    assert unrecorded.call == joined.call
    assert [e for e in unrecorded.effects if not isinstance(e, fx.RecordBridge)] == list(unrecorded.effects)
    assert len(unrecorded.effects) == len(joined.effects) - 1


def test_an_expert_rung_to_join_goes_straight_into_the_conference_on_answer() -> None:
    ringing = step(TALKING, ev.Consult(8, None, "PJSIP/agent2002", join=True), CTX)
    assert ringing.call.consult == Consultation("target-k1", "consult-k1", 8, None, join=True)
    answered = step(JOINING, read(JOINING, stasis_start("target-k0", "consult")), CTX)
    assert answered.call.phase is Phase.CONFERENCE
    assert fx.SetAgentState(8, AgentState.BUSY) in answered.effects
    assert fx.AddToBridge("acd-b1", "target-k0") in answered.effects
    assert [e for e in answered.effects if isinstance(e, fx.RecordBridge)] == [
        fx.RecordBridge("acd-b1", "expert-c1-k1", "expert")]
    assert published(answered)[-1] == CallState(7, "c1", "conference", target_agent_id=8)
    # An expert not yet answering cannot be conferenced by hand either.
    assert step(JOINING, ev.Conference(), CTX).refusal.code == "consult_not_answered"  # type: ignore[union-attr]


def test_the_agent_leaves_the_conference_and_the_caller_stays_with_the_expert() -> None:
    for event in (ev.Complete(), read(CONFERENCE, stasis_end("agent-k0"))):
        left = step(CONFERENCE, event, CTX)
        assert (left.call.phase, left.call.agent_id, left.call.agent_channel_id, left.call.consult) == (
            Phase.TALKING, 8, "target-k0", None)
        assert (fx.HangUp("agent-k0") in left.effects) is isinstance(event, ev.Complete)
        assert not [e for e in left.effects if isinstance(e, fx.AddToBridge | fx.RemoveFromBridge)]  # already in
        assert fx.AgentBack(7, wrap_up=True) in left.effects
        assert published(left) == [CallEnded(7, "c1", "transferred", "agent"), CallState(8, "c1", "talking")]


def test_the_expert_leaves_the_conference_and_the_agent_talks_on_with_the_caller() -> None:
    for event, by in ((ev.Cancel(), "agent"), (read(CONFERENCE, destroyed("target-k0", 16, "Normal")), "expert")):
        left = step(CONFERENCE, event, CTX)
        assert (left.call.phase, left.call.agent_id, left.call.consult) == (Phase.TALKING, 7, None)
        assert (fx.HangUp("target-k0") in left.effects) is (by == "agent")
        assert fx.AgentBack(8, wrap_up=False) in left.effects
        assert fx.Write(calls.record_event, {"kind": "conference_ended", "expert_agent_id": 8, "number": None,
                                             "by": by}) in left.effects
        assert published(left) == [CallState(7, "c1", "talking")]
        assert "channel:target-k0" not in owned(left.call)


def test_a_conference_refuses_hold_transfers_and_queueing_until_someone_leaves() -> None:
    for control in (ev.Hold(), ev.Blind(9, True), ev.Consult(9, None, "PJSIP/agent2009"), ev.ToQueue("general")):
        refused = step(CONFERENCE, control, CTX)
        assert refused.call == CONFERENCE and refused.refusal is not None
        assert refused.refusal.code == "in_conference"


def test_the_agent_hands_the_caller_to_the_expert_queue() -> None:
    handed = step(TALKING, ev.ToQueue("expert_funds"), CTX)
    assert (handed.call.phase, handed.call.skill, handed.call.agent_id, handed.call.agent_channel_id) == (
        Phase.WAITING, "expert_funds", None, None)
    assert handed.effects[:2] == (fx.HangUp("agent-k0"), fx.Write(calls.record_event, {
        "kind": "transferred", "from_agent_id": 7, "to_skill": "expert_funds"}))
    assert fx.AgentBack(7, wrap_up=True) in handed.effects and handed.effects[-1] == fx.MarkQueued()
    assert "channel:agent-k0" not in owned(handed.call)
    queued = step(handed.call, ev.Queued(ENTERED), CTX)  # offered to the expert pool's queue
    assert published(queued) == [CallOffered("c1", "expert_funds", ENTERED)]
