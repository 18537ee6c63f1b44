"""The ACD's settings (`[acd]` in hotline.toml); hotline/settings.py composes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class AcdSettings:
    ring_timeout_seconds: int = 15
    overflow_after_seconds: float = 30.0
    overflow_skill: str = "general"
    any_agent_after_seconds: float = 120.0
    announce_every_seconds: float = 30.0
    wrap_up_seconds: float = 5.0
    average_handle_seconds: float = 180.0
    agent_refresh_seconds: float = 1.0
    # Click-to-dial and transfers to outside numbers: the ARI endpoint for a number ({number}: its digits).
    # Tests and demos use simulated customers: "Local/{number}@hotline-customer-sim/n".
    outbound_dial: str = "PJSIP/{number}@trunk"
    dial_timeout_seconds: int = 30  # how long a dialled customer's phone rings
    # Callbacks (issue 11, items 7-8): a caller who waited this long hears "press 1 to be called back, you keep
    # your place" with their position (0: never offered); a customer who does not answer is tried again after
    # callback_retry_seconds, callback_attempts times in all, then the agent gets a reminder.
    callback_offer_after_seconds: float = 90.0
    callback_attempts: int = 3
    callback_retry_seconds: float = 300.0
    # Relationship routing: at most this many calls wait for one assigned agent; the extra go by skill at once.
    max_waiting_per_agent: int = 2
    # Expert help: a three-way call is recorded (a bridge recording linked to the call, as trading calls are).
    record_conferences: bool = True
    # Text chat from the portal (issue 14, item 2): an offered chat waits this long for the agent to answer (then
    # it is offered to another, the agent not ready); a chat whose client page stopped asking for news (the
    # browser closed) ends after chat_idle_seconds, the agent freed.
    chat_answer_seconds: float = 30.0
    chat_idle_seconds: float = 120.0
