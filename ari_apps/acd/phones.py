"""The agents' SIP phones as Asterisk reports them: registered or not, live.

The ACD app subscribes to each agent's own endpoint (`endpoint:PJSIP/agentNNNN`), never to all endpoints
or device states (subscribeAll deadlocks Asterisk 22, asterisk/asterisk#2170), and turns every
`EndpointStateChange` into a `PhoneRegistration` event for the agent's desk. Endpoints that Asterisk does
not have yet (the SIP-account sync writes them a few seconds after an agent is created) are tried again
on the next `follow`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ari_apps.ari import Ari, AriError
from ari_apps.events import EventSink, discard
from crm_core.events import PhoneRegistration

logger = logging.getLogger(__name__)

# What a subscription to an endpoint brings: its state, and its contacts' and peer's status (the state
# already sums those up). None of them is about a channel, so none goes to the call sessions.
ENDPOINT_EVENTS = frozenset({"EndpointStateChange", "ContactStatusChange", "PeerStatusChange"})


def phone_endpoint(dial_string: str) -> str | None:
    """The ARI endpoint of an agent's own SIP phone (`PJSIP/agent2001`); None for anything else (a simulated
    phone on a Local channel, a trunk)."""
    tech, _, resource = dial_string.partition("/")
    if tech != "PJSIP" or not resource or "@" in resource or "/" in resource:
        return None
    return f"{tech}/{resource}"


def registration_of(endpoint_state: str | None) -> bool:
    """Asterisk's endpoint state → the desk's phone line: only online (a contact registered and reachable)
    is registered; offline (no contact, or it stopped answering qualify) and unknown are not: Asterisk
    could not ring that phone."""
    return endpoint_state == "online"


def reachable(dial_string: str, registered: bool) -> bool:
    """Whether Asterisk can ring the agent's phone: an agent's own SIP phone only while registered; a phone
    without an endpoint to follow (a simulated phone on a Local channel) always."""
    return phone_endpoint(dial_string) is None or registered


def rings(event: dict[str, Any]) -> bool:
    """Asterisk reports the phone ringing: the outgoing channel to it went to state Ringing (the phone
    sent 180 Ringing or 183 with early media)."""
    return event.get("type") == "ChannelStateChange" and (event.get("channel") or {}).get("state") == "Ringing"


def endpoint_of_event(event: dict[str, Any]) -> tuple[str, str | None] | None:
    """(`PJSIP/agent2001`, state) from an EndpointStateChange; None for another event."""
    endpoint = event.get("endpoint")
    if event.get("type") != "EndpointStateChange" or not isinstance(endpoint, dict):
        return None
    return f"{endpoint.get('technology')}/{endpoint.get('resource')}", endpoint.get("state")


class PhoneWatch:
    """Registration of every agent's SIP phone, from Asterisk's endpoint events."""

    def __init__(self, app_name: str, events: EventSink = discard,
                 on_change: Callable[[int], None] | None = None) -> None:
        self._app_name = app_name
        self._events = events
        self._on_change = on_change  # told the agent id when a phone's registration changes
        self._agent_of: dict[str, int] = {}  # endpoint → agent id
        self._subscribed: set[str] = set()
        self._heard: set[str] = set()  # endpoints with an event since their subscription
        self.registration: dict[int, bool] = {}  # agent id → registered

    def registered(self, agent_id: int) -> bool:
        """As far as Asterisk has told; False until it has."""
        return self.registration.get(agent_id, False)

    def reachable(self, agent_id: int, dial_string: str) -> bool:
        """Whether the agent's phone can be rung now (see `reachable`)."""
        return reachable(dial_string, self.registered(agent_id))

    def know(self, phones: dict[int, str]) -> list[str]:
        """Learn whose phone each endpoint is (agent id → dial string); returns the endpoints not followed yet."""
        new = []
        for agent_id, dial_string in phones.items():
            endpoint = phone_endpoint(dial_string)
            if endpoint is None:
                continue
            self._agent_of[endpoint] = agent_id
            if endpoint not in self._subscribed:
                new.append(endpoint)
        return new

    async def follow(self, ari: Ari, phones: dict[int, str]) -> None:
        """Follow these agents' phones (agent id → dial string): subscribe to each endpoint not yet followed
        and read its state once; afterwards its events keep the state."""
        for endpoint in self.know(phones):
            tech, resource = endpoint.split("/", 1)
            self._heard.discard(endpoint)
            try:
                await ari.request("applications", "subscribe", applicationName=self._app_name,
                                  eventSource=f"endpoint:{endpoint}")
                self._subscribed.add(endpoint)
                state = await ari.request("endpoints", "get", tech=tech, resource=resource)
            except AriError as exc:  # not written to Asterisk yet: tried again next time
                logger.debug("phone %s not followed yet: %s", endpoint, exc)
                continue
            if endpoint not in self._heard:  # an event since the subscription is newer than this reply
                self._apply(endpoint, registration_of((state or {}).get("state")))

    def forget_subscriptions(self) -> None:
        """A new ARI connection: subscribe again (the states stay until Asterisk says otherwise)."""
        self._subscribed.clear()

    def on_event(self, event: dict[str, Any]) -> None:
        found = endpoint_of_event(event)
        if found is None:
            return
        endpoint, state = found
        self._heard.add(endpoint)
        self._apply(endpoint, registration_of(state))

    def _apply(self, endpoint: str, now: bool) -> None:
        agent_id = self._agent_of.get(endpoint)
        if agent_id is None:
            return
        if agent_id in self.registration and self.registration[agent_id] == now:
            return
        self.registration[agent_id] = now
        logger.info("agent %s's phone %s: %s", agent_id, endpoint, "registered" if now else "not registered")
        self._events(PhoneRegistration(agent_id, endpoint, now))
        if self._on_change is not None:
            self._on_change(agent_id)
