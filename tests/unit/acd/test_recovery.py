"""After a restart, what Asterisk still holds (channels and bridges as ARI lists them) maps to a state of the
call table, consultations included."""

from __future__ import annotations

from typing import Any

from ari_apps.acd import call_events as ev
from ari_apps.acd.model import Consultation, Phase
from ari_apps.acd.recovery import Record, callers, recovered
from crm_core.models import AgentState

CALLER = "1733111111.12"


def channel(channel_id: str, **variables: str) -> dict[str, Any]:
    return {"id": channel_id, "name": "Local/95500-13800000002@hotline-entry-00000001;2", "state": "Up",
            "caller": {"name": "", "number": "13800000002"},
            "channelvars": {"HOTLINE_CALL_ID": "c1", "HOTLINE_CATEGORY": "trading", "HOTLINE_LANGUAGE": "zh",
                            "HOTLINE_PRIORITY": "10", **variables}}


def agent(channel_id: str, agent_id: int) -> dict[str, Any]:
    return channel(channel_id, HOTLINE_ROLE="agent", HOTLINE_AGENT_ID=str(agent_id))


def holding(*bridges: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {member: bridge for bridge in bridges for member in bridge["channels"]}


def bridge(bridge_id: str, *members: str) -> dict[str, Any]:
    return {"id": bridge_id, "technology": "simple_bridge", "bridge_type": "mixing", "channels": list(members)}


def test_a_caller_in_no_bridge_starts_anew_and_one_alone_in_the_bridge_waits_again() -> None:
    fresh = recovered(channel(CALLER), {}, {CALLER: channel(CALLER)}, Record(), "general")
    assert fresh.call.phase is Phase.WAITING and fresh.first == ev.Start()
    assert (fresh.call.skill, fresh.call.priority, fresh.call.caller_number) == ("trading", 10, "13800000002")
    waiting = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER)), {CALLER: channel(CALLER)}, Record(),
                        "general")
    assert (waiting.call.phase, waiting.call.bridge_id, waiting.first) == (Phase.WAITING, "acd-b1", ev.Resumed())


def test_a_caller_with_an_agent_in_the_bridge_is_talking() -> None:
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7)}
    found = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER, "agent-k0")), channels, Record(), "general")
    assert (found.call.phase, found.call.agent_id, found.call.agent_channel_id) == (Phase.TALKING, 7, "agent-k0")
    assert found.agents == {7: AgentState.BUSY}


def test_a_recovered_call_keeps_the_time_it_entered_the_queue_by_the_record() -> None:
    """How long its caller waited (the live events of a later answer or abandonment) counts from then."""
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7)}
    record = Record(entered_at=1_733_111_088.0)
    talking = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER, "agent-k0")), channels, record, "general")
    waiting = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER)), {CALLER: channel(CALLER)}, record,
                        "general")
    assert talking.call.entered_at == waiting.call.entered_at == 1_733_111_088.0
    assert recovered(channel(CALLER), {}, {CALLER: channel(CALLER)}, Record(), "general").call.entered_at == 0.0


def test_an_agent_out_of_every_bridge_is_holding_only_if_the_record_says_so() -> None:
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7), "agent-k0;2": agent("agent-k0;2", 7)}
    bridges = holding(bridge("acd-b1", CALLER))
    held = recovered(channel(CALLER), bridges, channels, Record(on_hold=True), "general")
    assert (held.call.phase, held.call.agent_channel_id) == (Phase.HELD, "agent-k0")
    assert recovered(channel(CALLER), bridges, channels, Record(), "general").call.phase is Phase.WAITING


def test_a_consultation_in_progress_is_carried_on() -> None:
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7), "target-k1": agent("target-k1", 8)}
    consulting = holding(bridge("acd-b1", CALLER), bridge("consult-k1", "agent-k0", "target-k1"))
    found = recovered(channel(CALLER), consulting, channels, Record(on_hold=True), "general")
    assert found.call.phase is Phase.CONSULTING and found.then == ()
    assert found.call.consult == Consultation("target-k1", "consult-k1", 8, None)
    assert found.agents == {7: AgentState.BUSY, 8: AgentState.BUSY}

    ringing = holding(bridge("acd-b1", CALLER), bridge("consult-k1", "agent-k0"))
    found = recovered(channel(CALLER), ringing, channels, Record(on_hold=True), "general")
    assert found.call.phase is Phase.CONSULT_RINGING and found.agents[8] is AgentState.RINGING


def test_a_consultation_of_an_outside_number_takes_the_number_from_the_record() -> None:
    outside = channel("target-k1", HOTLINE_ROLE="outside", HOTLINE_AGENT_ID="")
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7), "target-k1": outside}
    found = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER), bridge("consult-k1", "agent-k0", "target-k1")),
                      channels, Record(True, "13900000001"), "general")
    assert found.call.consult == Consultation("target-k1", "consult-k1", None, "13900000001")


def test_a_consultation_whose_target_left_meanwhile_gives_the_caller_back() -> None:
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7)}
    found = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER), bridge("consult-k1", "agent-k0")), channels,
                      Record(on_hold=True), "general")
    assert found.call.phase is Phase.CONSULT_RINGING and len(found.then) == 1
    assert isinstance(found.then[0], ev.TargetGone)


def test_only_callers_are_recovered_not_the_legs_we_originated() -> None:
    customer = channel("dial-k2", HOTLINE_ROLE="customer")
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7), "dial-k2": customer,
                "target-k1": channel("target-k1", HOTLINE_ROLE="outside")}
    assert callers(channels, {}) == [CALLER]  # a dialled customer not connected yet is not carried on
    assert callers(channels, holding(bridge("dial-c2", "dial-k2"))) == [CALLER, "dial-k2"]


def test_the_consulting_agent_is_told_from_the_target_whatever_the_order_asterisk_lists_them() -> None:
    channels = {CALLER: channel(CALLER), "target-k1": agent("target-k1", 8), "agent-k0": agent("agent-k0", 7)}
    found = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER), bridge("consult-k1", "target-k1", "agent-k0")),
                      channels, Record(on_hold=True), "general")
    assert (found.call.agent_channel_id, found.call.consult) == \
        ("agent-k0", Consultation("target-k1", "consult-k1", 8, None))


def test_a_target_who_took_the_call_and_holds_it_is_recovered_as_holding() -> None:
    channels = {CALLER: channel(CALLER), "target-k1": agent("target-k1", 8)}
    found = recovered(channel(CALLER), holding(bridge("acd-b1", CALLER)), channels, Record(on_hold=True), "general")
    assert (found.call.phase, found.call.agent_id, found.call.agent_channel_id) == (Phase.HELD, 8, "target-k1")


def test_a_three_way_conference_is_carried_on_whatever_the_order_asterisk_lists_the_legs() -> None:
    channels = {CALLER: channel(CALLER), "agent-k0": agent("agent-k0", 7), "target-k1": agent("target-k1", 8)}
    for members in ((CALLER, "agent-k0", "target-k1"), ("target-k1", CALLER, "agent-k0")):
        found = recovered(channel(CALLER), holding(bridge("acd-b1", *members)), channels, Record(), "general")
        assert (found.call.phase, found.call.agent_id, found.call.agent_channel_id) == (Phase.CONFERENCE, 7,
                                                                                         "agent-k0")
        assert found.call.consult == Consultation("target-k1", "consult-k1", 8, None)
        assert found.agents == {7: AgentState.BUSY, 8: AgentState.BUSY} and found.first == ev.Resumed()
