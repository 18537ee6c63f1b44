"""What a callback adds to its skill's interval figures (`report_intervals`, kind `skill`), pure.

A callback counts in the 15-minute interval it was asked in, as a call counts in the interval it entered in,
whatever interval it is made, reached, failed or cancelled in: asked by the caller keeping their place
(origin `queue`), at the desk (`scheduled`) or on the portal (`portal`); made: dialled at least once; reached:
the customer answered; failed: its attempts spent; cancelled (by the client, before it was queued). Each figure
is added once, as it happens (crm_core/callbacks.py), and a rebuild gives the same from the callback's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm_core.call_figures import Key, interval_of

ASKED = {"queue": "callbacks_queue", "scheduled": "callbacks_desk", "portal": "callbacks_portal"}
MADE = "callbacks_made"
ENDED = {"done": "callbacks_reached", "failed": "callbacks_failed", "cancelled": "callbacks_cancelled"}
DIALLING = "callback_dialling"  # the call event of each attempt (crm_core.callbacks.attempt_started)


@dataclass(frozen=True)
class CallbackFacts:
    asked_at: datetime  # the row's created_at
    skill: str
    origin: str
    made: bool  # dialled at least once
    status: str


def asked_figure(origin: str) -> str:
    """The figure a callback's origin counts in; an origin not known counts as the desk's."""
    return ASKED.get(origin, ASKED["scheduled"])


def one(asked_at: datetime, skill: str, figure: str) -> dict[Key, dict[str, int]]:
    """One more of `figure` for the callback asked at `asked_at`."""
    return {(interval_of(asked_at), "skill", skill): {figure: 1}}


def callback_rows(facts: CallbackFacts) -> dict[Key, dict[str, int]]:
    """Everything the callback has added so far (the rebuild's reading of its row)."""
    figures = {asked_figure(facts.origin): 1}
    if facts.made:
        figures[MADE] = 1
    if facts.status in ENDED:
        figures[ENDED[facts.status]] = 1
    return {(interval_of(facts.asked_at), "skill", facts.skill): figures}
