"""The ACD call's transitions of a callback (issue 11, items 7-8): a waiting caller offered "press 1 to be called
back, you keep your place", and CALLBACK_PENDING, a call with no caller channel that waits in the queue in the
caller's old place (their entry time and priority), or for its next attempt.

    WAITING ─1 pressed─▶ (written) ─▶ CALLBACK_PENDING ─confirmation played─▶ the caller is hung up
    CALLBACK_PENDING ─offer─▶ (claimed in the database, unless cancelled) ─▶ DIALING_OUT: the agent's phone
                 first (screen-pop "callback"), then the customer's
    CALLBACK_PENDING ─cancelled by the client (found by the ACD's check, or when claimed)─▶ DONE: out of the
                 queue, the agent offered it (if any) free again, nobody rung
    DIALING_OUT ─customer answers─▶ TALKING (the callback is done)
    DIALING_OUT ─customer busy or no answer─▶ CALLBACK_PENDING until its next attempt (retried by policy), then
                 DONE (failed, a reminder for the agent)
    DIALING_OUT ─the agent did not answer─▶ CALLBACK_PENDING in the queue again (a missed offer, not an attempt)

The click-to-dial rows (dial_moves) ring the agent, then the customer, and bridge them; these rows only lead
a callback into them and out of them when nobody was reached.
"""

from __future__ import annotations

from dataclasses import replace

from ari_apps.acd import call_events as ev
from ari_apps.acd import effects as fx
from ari_apps.acd.dial_moves import dial_agent
from ari_apps.acd.dial_moves import dial_fails as click_to_dial_fails
from ari_apps.acd.model import AcdCall, Callback, Context, Dialling, Phase, Transition
from ari_apps.acd.moves import ended
from ari_apps.acd.routing import LEVEL_NAMES, NATIVE
from crm_core import callbacks, calls
from crm_core.models import AgentState, CallStatus

TAKE_KEY = "1"
CALLBACK_REASON = "callback"  # the `offered` event's reason: the timeline and the trace say it is a callback


def offer_reason(routed: str) -> str:
    """Why a callback is offered, as its `offered` event says: `callback` when the router matched it by its skill
    (a callback asked in the queue or on the portal) as when its own agent takes it, with the router's why kept
    after it; a callback that overflowed (overflow, any agent) keeps that reason, which the reports count."""
    native = LEVEL_NAMES[NATIVE]
    if routed == native or routed.startswith(native + ":"):
        return CALLBACK_REASON + routed[len(native):]
    return routed


def offer_due(waited: float, offer_after: float, dialable: bool) -> bool:
    """Whether the next position announcement offers a callback: enabled (`offer_after` > 0), waited long
    enough, and a number that can be dialled back."""
    return offer_after > 0 and waited >= offer_after and dialable


# -- WAITING: the offer is taken ----------------------------------------------------------------------------------
def key_pressed(call: AcdCall, event: ev.KeyPressed, ctx: Context) -> Transition:
    if event.digit != TAKE_KEY or not call.callback_offered:
        return Transition(call)
    return Transition(replace(call, callback_offered=False), (fx.SaveCallback(),))


def saved(call: AcdCall, event: ev.CallbackSaved, ctx: Context) -> Transition:
    """Written: the call stays in the queue in its place as a callback; the caller hears the confirmation.
    Not written (a callback is already open for the number): the caller keeps waiting."""
    if event.endpoint is None:
        return Transition(call, (fx.Write(calls.record_event, {"kind": "callback_refused",
                                                               "reason": "already_pending"}),))
    pending = replace(call, phase=Phase.CALLBACK_PENDING, callback=Callback(event.endpoint), announcing=ctx.key)
    return Transition(pending, (fx.StopMoh(call.bridge_id),
                                fx.Say(call.bridge_id, ctx.key, "callback_confirmed", call.language)))


# -- CALLBACK_PENDING ---------------------------------------------------------------------------------------------
def confirmed(call: AcdCall, event: ev.AnnounceDone, ctx: Context) -> Transition:
    """The confirmation was played: the caller's channel is hung up (the callback keeps waiting)."""
    if event.playback_id != call.announcing:
        return Transition(call)
    return Transition(replace(call, announcing=None), (fx.HangUp(call.channel_id),))


def caller_left(call: AcdCall, event: ev.CallerGone, ctx: Context) -> Transition:
    return Transition(call, (fx.DestroyBridge(call.bridge_id),))


def resume(call: AcdCall, event: ev.Resumed, ctx: Context) -> Transition:
    """A callback read from the database (scheduled and due, or carried over a restart): queued in its place
    if due, else it waits for its time (the interpreter's timer sends CallbackDue)."""
    assert call.callback is not None
    return Transition(call, (fx.Enqueue(),) if call.callback.due_at <= ctx.now else ())


def due(call: AcdCall, event: ev.CallbackDue, ctx: Context) -> Transition:
    return Transition(call, (fx.Enqueue(),))


def offered(call: AcdCall, event: ev.Offer, ctx: Context) -> Transition:
    """An agent is free for the callback (taken for it): first, in the database, the callback is claimed for
    this attempt unless its client has cancelled it (the check right before ringing)."""
    return Transition(call, (fx.ClaimCallback(event),))


def claimed(call: AcdCall, event: ev.CallbackClaimed, ctx: Context) -> Transition:
    if event.claimed:
        return dial_back(call, event.offer, ctx)
    return withdrawn(call, event.offer.agent_id)


def cancelled(call: AcdCall, event: ev.CallbackCancelled, ctx: Context) -> Transition:
    return withdrawn(call, None)


def withdrawn(call: AcdCall, agent_id: int | None) -> Transition:
    """The client cancelled the callback (crm_core.callbacks wrote it and ended its call record): it leaves the
    queue and the call's task ends; an agent taken for it is free again at once (no wrap-up: never rung)."""
    back = (fx.AgentBack(agent_id, wrap_up=False),) if agent_id is not None else ()
    return Transition(replace(call, phase=Phase.DONE, announcing=None), (
        fx.Withdraw(), fx.HangUp(call.channel_id), fx.DestroyBridge(call.bridge_id),
        fx.Write(calls.record_event, {"kind": "callback_withdrawn", "agent_id": agent_id}), *back))


def dial_back(call: AcdCall, event: ev.Offer, ctx: Context) -> Transition:
    """The callback is claimed for the agent: the click-to-dial path from here (agent first, then the customer),
    on new legs and a new bridge (the caller's, if still there after the confirmation, are let go)."""
    assert call.callback is not None
    dialling = Dialling(event.dial_string, call.callback.endpoint, AgentState.READY)
    out = replace(call, phase=Phase.DIALING_OUT, channel_id=f"callback-{ctx.key}", bridge_id=f"cbbridge-{ctx.key}",
                  agent_id=event.agent_id, agent_channel_id=f"agent-{ctx.key}", dialling=dialling, announcing=None)
    rung = dial_agent(out, ev.Start(), ctx)
    return Transition(rung.call, (
        fx.HangUp(call.channel_id), fx.DestroyBridge(call.bridge_id),
        fx.Write(calls.mark_offered, {"agent_id": event.agent_id, "job_number": event.job_number,
                                      "reason": offer_reason(event.reason)}),
        fx.Write(callbacks.attempt_started, {"agent_id": event.agent_id}), *rung.effects))


# -- DIALING_OUT, nobody reached ----------------------------------------------------------------------------------
def dial_fails(call: AcdCall, event: ev.AgentGone | ev.CallerGone | ev.OriginateFailed, ctx: Context) -> Transition:
    """A click-to-dial that reached nobody fails; a callback is retried (`not_reached`)."""
    return (click_to_dial_fails if call.callback is None else not_reached)(call, event, ctx)


def not_reached(call: AcdCall, event: ev.AgentGone | ev.CallerGone | ev.OriginateFailed, ctx: Context) -> Transition:
    """The agent's side failed: back in the queue in its place (a missed offer if they never picked up). The
    customer's side failed: an attempt, retried after a while, or the callback fails and the agent is reminded."""
    callback, dialling, agent_id = call.callback, call.dialling, call.agent_id
    assert callback is not None and dialling is not None and agent_id is not None
    assert call.agent_channel_id is not None
    if isinstance(event, ev.OriginateFailed):
        agent_leg, cause = event.channel_id == call.agent_channel_id, f"originate failed: {event.status}"
    else:
        agent_leg, cause = isinstance(event, ev.AgentGone), event.cause
    other = call.channel_id if agent_leg else call.agent_channel_id
    after: fx.Effect = (fx.AgentBack(agent_id, wrap_up=True) if dialling.agent_answered
                        else fx.AgentMissed(agent_id))
    waiting = replace(call, phase=Phase.CALLBACK_PENDING, agent_id=None, agent_channel_id=None, dialling=None)
    if agent_leg:
        return Transition(waiting, (
            fx.HangUp(other), fx.Write(calls.mark_missed, {"agent_id": agent_id, "cause": cause}),
            fx.Write(callbacks.retry_later, {"attempts": callback.attempts, "due_at": ctx.now}),
            ended(agent_id, call, "missed", "agent"), after, fx.Enqueue()))
    attempts = callback.attempts + 1
    failed = (fx.HangUp(other), fx.Write(calls.record_event, {"kind": "dial_failed", "by": "customer",
                                                              "cause": cause}))
    if attempts < ctx.callback_attempts:
        due_at = ctx.now + ctx.callback_retry_seconds
        later = replace(waiting, callback=replace(callback, attempts=attempts, due_at=due_at))
        return Transition(later, (
            *failed, fx.Write(callbacks.retry_later, {"attempts": attempts, "due_at": due_at}),
            ended(agent_id, call, CallStatus.FAILED.value, "customer"), after))
    return Transition(replace(call, phase=Phase.DONE), (
        *failed, fx.Write(callbacks.give_up, {"attempts": attempts, "agent_id": agent_id}),
        fx.Write(calls.finish, {"status": CallStatus.FAILED, "hangup_by": "customer"}),
        ended(agent_id, call, CallStatus.FAILED.value, "customer"), after))
