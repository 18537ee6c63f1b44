"""One ACD call as an explicit state machine: a table from (phase, event) to a transition (the next state of
the call and the effects to carry out), with no I/O. Inbound calls, click-to-dial, transfers and recovered
calls are paths through this one table:

    inbound      WAITING ─offer─▶ RINGING ─agent answers─▶ TALKING          (no answer: missed, WAITING again)
    click-to-dial          DIALING_OUT ─agent answers, then customer answers─▶ TALKING   (else DONE, failed)
    hold         TALKING ◀─hold / unhold─▶ HELD
    blind        TALKING/HELD ─blind─▶ RINGING (the new agent, into the same bridge)
    attended     TALKING/HELD ─consult─▶ CONSULT_RINGING ─target answers─▶ CONSULTING ─complete─▶ TALKING
                 CONSULT_RINGING/CONSULTING ─cancel, target gone or unanswered─▶ TALKING (back with the agent)
    conference   CONSULTING ─conference─▶ CONFERENCE (caller, agent and expert in the call's bridge, recorded);
                 CONSULT_RINGING ─target rung to join answers─▶ CONFERENCE; CONFERENCE ─complete or the agent
                 hangs up─▶ TALKING with the expert; ─cancel or the expert hangs up─▶ TALKING with the agent
    to a queue   TALKING/HELD ─to_queue─▶ WAITING (the agent leaves; queued again under the skill given)
    end          the caller hangs up: DONE (abandoned before an answer, completed after); the agent hangs up
                 while connected: DONE (completed; an answered consultation target takes the caller instead)

The caller waits in a mixing bridge with music on hold; the agent's channel joins that bridge. On hold the
agent's channel leaves it and the bridge plays music. A consultation puts the agent's channel in a bridge
of its own with the target's (another agent's phone or an outside number); completing it moves the
target's channel into the call's bridge and hangs up the agent's.

Live events (crm_core.events) are `Publish` effects of the rows: CallOffered once the call is written as
queued (Queued, after Start or Resumed), CallState ringing when the agent's phone rings, CallAnswered then
ScreenPop when the agent answers, CallState at each change of the connected call's line, ScreenPop
(consultation) when a consulted agent answers, CallEnded for each agent's part that ends (missed,
transferred, abandoned while ringing, completed, failed) and for the call, CallAbandoned (queue or ringing)
when the caller hangs up before an answer. QueueChanged is the dispatcher's, AgentStateChanged the board's.

The call's data is in model.py; the transitions, by path, in queue_moves.py (WAITING, RINGING),
desk_moves.py (TALKING, HELD, CONSULT_RINGING, CONSULTING), conference_moves.py (CONFERENCE, to a queue) and
dial_moves.py (DIALING_OUT), built from the pieces in moves.py; callbacks in callback_moves.py:

    callback     WAITING ─1 pressed (offered in the announcement)─▶ CALLBACK_PENDING: the caller hears the
                 confirmation and is hung up; the call keeps its place in the queue without a caller
                 CALLBACK_PENDING ─offer, claimed─▶ DIALING_OUT (as click-to-dial) ─customer answers─▶ TALKING
                 CALLBACK_PENDING ─cancelled by the client (before the claim, or found by the ACD's check)─▶ DONE
                 DIALING_OUT ─customer not reached─▶ CALLBACK_PENDING (next attempt) or DONE (attempts spent)
                 a scheduled or restarted callback starts in CALLBACK_PENDING (Resumed)
 An event with no row for the phase changes nothing; a desk control is answered with
the desk rules' refusal (desk_rules.control_refusal) before any row is looked at.
"""

from __future__ import annotations

from ari_apps.acd import call_events as ev
from ari_apps.acd import callback_moves as back
from ari_apps.acd import conference_moves as conf
from ari_apps.acd import desk_moves as desk
from ari_apps.acd import dial_moves as dial
from ari_apps.acd import queue_moves as queue
from ari_apps.acd.desk_rules import Control, control_refusal
from ari_apps.acd.model import AcdCall, Context, Handler, Phase, Transition, view


def step(call: AcdCall, event: ev.CallEvent, ctx: Context) -> Transition:
    """The call's next state and the effects to carry out, for one event."""
    control = CONTROL_OF.get(type(event))
    if control is not None:
        refusal = control_refusal(control, view(call))
        if refusal is not None:
            return Transition(call, refusal=refusal)
    handler = TABLE.get((call.phase, type(event)))
    if handler is None:
        return Transition(call)
    return handler(call, event, ctx)


# -- the table --------------------------------------------------------------------------------------------------
W, R, T, H = Phase.WAITING, Phase.RINGING, Phase.TALKING, Phase.HELD
CR, C, D, CB = Phase.CONSULT_RINGING, Phase.CONSULTING, Phase.DIALING_OUT, Phase.CALLBACK_PENDING
CF = Phase.CONFERENCE

TABLE: dict[tuple[Phase, type], Handler] = {
    (W, ev.Start): queue.arrive,
    (W, ev.Resumed): queue.wait_again,
    (W, ev.Queued): queue.queued,
    (W, ev.Offer): queue.offered,
    (W, ev.AnnounceDue): queue.announce,
    (W, ev.AnnounceDone): queue.announced,
    (W, ev.CallerGone): queue.abandoned,
    (W, ev.KeyPressed): back.key_pressed,
    (W, ev.CallbackSaved): back.saved,

    (R, ev.AgentRinging): queue.phone_rings,
    (R, ev.AgentAnswered): queue.agent_answers,
    (R, ev.AgentGone): queue.missed,
    (R, ev.OriginateFailed): queue.missed,
    (R, ev.AnnounceDone): queue.announced,
    (R, ev.CallerGone): queue.abandoned_ringing,

    (T, ev.Hold): desk.hold,
    (T, ev.Unhold): desk.already,
    (T, ev.Blind): desk.blind,
    (T, ev.Consult): desk.consult,
    (T, ev.ToQueue): conf.to_queue,
    (T, ev.AgentGone): desk.agent_leaves,
    (T, ev.CallerGone): desk.caller_leaves,
    (T, ev.AnnounceDone): queue.announced,

    (H, ev.Unhold): desk.unhold,
    (H, ev.Hold): desk.already,
    (H, ev.Blind): desk.blind,
    (H, ev.Consult): desk.consult,
    (H, ev.ToQueue): conf.to_queue,
    (H, ev.AgentGone): desk.agent_leaves,
    (H, ev.CallerGone): desk.caller_leaves,

    (CR, ev.TargetAnswered): conf.target_answers,  # a consultation, or straight into a conference
    (CR, ev.TargetGone): desk.target_fails,
    (CR, ev.OriginateFailed): desk.target_fails,
    (CR, ev.Cancel): desk.cancel,
    (CR, ev.AgentGone): desk.agent_leaves_ringing_consult,
    (CR, ev.CallerGone): desk.caller_leaves,

    (C, ev.Complete): desk.complete,
    (C, ev.Cancel): desk.cancel,
    (C, ev.TargetGone): desk.target_leaves,
    (C, ev.AgentGone): desk.complete,  # the agent hung up: the target takes the caller
    (C, ev.CallerGone): desk.caller_leaves,
    (C, ev.Conference): conf.join,

    (CF, ev.Complete): conf.agent_leaves,  # the agent leaves the caller with the expert
    (CF, ev.AgentGone): conf.agent_leaves,
    (CF, ev.Cancel): conf.expert_leaves,  # the expert leaves: back to two
    (CF, ev.TargetGone): conf.expert_leaves,
    (CF, ev.CallerGone): desk.caller_leaves,

    (D, ev.Start): dial.dial_agent,
    (D, ev.AgentRinging): queue.phone_rings,
    (D, ev.AgentAnswered): dial.dial_customer,
    (D, ev.CallerAnswered): dial.customer_answers,
    (D, ev.AgentGone): back.dial_fails,
    (D, ev.CallerGone): back.dial_fails,
    (D, ev.OriginateFailed): back.dial_fails,

    (CB, ev.AnnounceDone): back.confirmed,
    (CB, ev.CallerGone): back.caller_left,
    (CB, ev.Resumed): back.resume,
    (CB, ev.CallbackDue): back.due,
    (CB, ev.Offer): back.offered,
    (CB, ev.CallbackClaimed): back.claimed,
    (CB, ev.CallbackCancelled): back.cancelled,
}

CONTROL_OF: dict[type, Control] = {
    ev.Hold: Control.HOLD, ev.Unhold: Control.UNHOLD, ev.Blind: Control.BLIND, ev.Consult: Control.CONSULT,
    ev.Complete: Control.COMPLETE, ev.Cancel: Control.CANCEL, ev.Conference: Control.CONFERENCE,
    ev.ToQueue: Control.TO_QUEUE,
}
