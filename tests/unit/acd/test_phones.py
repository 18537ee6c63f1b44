"""What the desk shows for what Asterisk reports, decided without Asterisk: the phone's registration from
endpoint events, the call line's "ringing" from the agent's channel, and the events the desk receives."""

from typing import Any

import pytest

from ari_apps.acd.phones import ENDPOINT_EVENTS, PhoneWatch, phone_endpoint, reachable, registration_of, rings
from crm_core.events import LiveEvent, PhoneRegistration


def endpoint_event(resource: str, state: str) -> dict[str, Any]:
    """An EndpointStateChange as Asterisk 22 sends it for a subscribed `endpoint:PJSIP/<resource>`."""
    return {"type": "EndpointStateChange", "application": "hotline-acd", "timestamp": "2026-12-02T03:44:52.654+0000",
            "endpoint": {"technology": "PJSIP", "resource": resource, "state": state, "channel_ids": []},
            "asterisk_id": "02:42:c0:00:02:02"}


def channel_state_change(state: str) -> dict[str, Any]:
    return {"type": "ChannelStateChange", "application": "hotline-acd",
            "channel": {"id": "agent-5f2c", "name": "PJSIP/agent2001-00000003", "state": state,
                        "caller": {"name": "13800000002", "number": "13800000002"}}}


@pytest.mark.parametrize(("dial_string", "endpoint"), [
    ("PJSIP/agent2001", "PJSIP/agent2001"),
    ("Local/answer@hotline-agent-sim/n", None),  # a simulated phone has no registration
    ("PJSIP/13800138000@trunk", None),  # a number through the trunk is nobody's phone
    ("PJSIP/", None),
    ("SIP/agent2001", None),
])
def test_only_an_agents_own_sip_phone_has_an_endpoint_to_follow(dial_string: str, endpoint: str | None) -> None:
    assert phone_endpoint(dial_string) == endpoint


@pytest.mark.parametrize(("dial_string", "registered", "can_ring"), [
    ("PJSIP/agent2001", True, True),
    ("PJSIP/agent2001", False, False),  # not registered (or not known yet): never rung
    ("Local/answer@hotline-agent-sim/n", False, True),  # a simulated phone has nothing to register
])
def test_only_a_phone_asterisk_can_ring_is_reachable(dial_string: str, registered: bool, can_ring: bool) -> None:
    assert reachable(dial_string, registered) is can_ring


def test_a_registration_change_is_told_to_the_acd() -> None:
    changed: list[int] = []
    watch = PhoneWatch("hotline-acd", on_change=changed.append)
    watch.know({7: "PJSIP/agent2001", 8: "Local/answer@hotline-agent-sim/n"})
    assert not watch.reachable(7, "PJSIP/agent2001") and watch.reachable(8, "Local/answer@hotline-agent-sim/n")
    watch.on_event(endpoint_event("agent2001", "online"))
    watch.on_event(endpoint_event("agent2001", "online"))
    assert changed == [7] and watch.reachable(7, "PJSIP/agent2001")


@pytest.mark.parametrize(("state", "shown"), [("online", True), ("offline", False), ("unknown", False), (None, False)])
def test_only_an_online_endpoint_is_a_registered_phone(state: str | None, shown: bool) -> None:
    assert registration_of(state) is shown


@pytest.mark.parametrize(("state", "ringing"), [("Ringing", True), ("Down", False), ("Up", False), ("Busy", False),
                                                ("Ring", False)])
def test_the_call_line_rings_when_the_channel_to_the_phone_is_ringing(state: str, ringing: bool) -> None:
    assert rings(channel_state_change(state)) is ringing


def test_only_a_channel_state_change_can_ring() -> None:
    assert not rings({"type": "ChannelDialplan", "channel": {"id": "x", "state": "Ringing"}})
    assert not rings(endpoint_event("agent2001", "online"))


def watching(sink: list[LiveEvent]) -> PhoneWatch:
    watch = PhoneWatch("hotline-acd", sink.append)
    assert watch.know({7: "PJSIP/agent2001", 8: "Local/answer@hotline-agent-sim/n", 9: "PJSIP/agent2003"}) == \
        ["PJSIP/agent2001", "PJSIP/agent2003"]
    return watch


def test_registering_and_unregistering_reach_the_agents_desk_once_each() -> None:
    sink: list[LiveEvent] = []
    watch = watching(sink)
    watch.on_event(endpoint_event("agent2001", "online"))
    watch.on_event(endpoint_event("agent2001", "online"))  # the same state again: nothing new to show
    assert watch.registered(7) is True and watch.registered(9) is False
    watch.on_event(endpoint_event("agent2001", "offline"))
    assert sink == [PhoneRegistration(7, "PJSIP/agent2001", True), PhoneRegistration(7, "PJSIP/agent2001", False)]
    assert watch.registered(7) is False


def test_a_phone_nobody_owns_and_contact_or_peer_events_change_nothing() -> None:
    sink: list[LiveEvent] = []
    watch = watching(sink)
    watch.on_event(endpoint_event("agent4242", "online"))
    peer = {"type": "PeerStatusChange", "endpoint": {"technology": "PJSIP", "resource": "agent2001", "state": "online"},
            "peer": {"peer_status": "Reachable"}}
    contact = {"type": "ContactStatusChange", "endpoint": {"technology": "PJSIP", "resource": "agent2001"},
               "contact_info": {"uri": "sip:agent2001@192.0.2.2:5060", "contact_status": "Reachable"}}
    assert {peer["type"], contact["type"]} <= ENDPOINT_EVENTS  # kept away from the call sessions
    watch.on_event(peer)
    watch.on_event(contact)
    assert sink == [] and watch.registration == {}


def test_a_followed_endpoint_is_not_subscribed_again_until_a_new_connection() -> None:
    watch = watching([])
    watch._subscribed.add("PJSIP/agent2001")  # what follow() records once Asterisk accepted the subscription
    assert watch.know({7: "PJSIP/agent2001", 9: "PJSIP/agent2003"}) == ["PJSIP/agent2003"]
    watch.forget_subscriptions()
    assert watch.know({7: "PJSIP/agent2001"}) == ["PJSIP/agent2001"]



def test_the_acd_app_takes_endpoint_events_itself(database: Any) -> None:
    """A subscription to an endpoint also brings PeerStatusChange, whose `peer` is no channel: the app hands
    every endpoint event to its phone watch and none to the call routing (which choked on it)."""
    from concurrent.futures import ThreadPoolExecutor

    from ari_apps.acd.app import AcdApp
    from ari_apps.acd.settings import AcdSettings
    from ari_apps.prompts import Prompts
    from crm_core.db import AsyncDatabase

    sink: list[LiveEvent] = []
    with ThreadPoolExecutor(max_workers=1) as executor:
        app = AcdApp("hotline-acd", AsyncDatabase(database, executor), Prompts("/sounds"), AcdSettings(),
                     events=sink.append)
        app.phones.know({7: "PJSIP/agent2001"})
        app.handle({"type": "PeerStatusChange", "application": "hotline-acd",
                    "endpoint": {"technology": "PJSIP", "resource": "agent2001", "state": "online"},
                    "peer": {"peer_status": "Reachable"}})
        app.handle(endpoint_event("agent2001", "online"))
    assert sink == [PhoneRegistration(7, "PJSIP/agent2001", True)]
    assert app.session_count == 0
