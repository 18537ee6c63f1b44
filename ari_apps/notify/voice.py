"""A voice notification's call as a machine free of I/O: events in, effects out (call.py carries them out).

    DIALING ──answered──▶ MESSAGE ──message played──▶ ASKING ──prompt played──▶ WAITING
    ASKING / WAITING ──key 1──▶ THANKING (confirmed) ──thanks played──▶ DONE, hang up
    WAITING ──no key in time──▶ ASKING again, up to `confirm_attempts` prompts; then DONE, not confirmed
    ASKING / WAITING ──another key──▶ the same as no key (the prompt is asked again)
    DIALING ──hung up (no answer, busy, failed)──▶ DONE, not answered
    MESSAGE / ASKING / WAITING ──hung up──▶ DONE, not confirmed;  THANKING ──hung up──▶ DONE (still confirmed)
    any ──a message or prompt cannot be played (a missing file)──▶ DONE, not confirmed, hang up
    any ──no event for too long (a lost playback or a ring past its timeout)──▶ DONE, not confirmed, hang up

Keys during the message are ignored: "1" means the client heard the message, so it counts only once asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CONFIRM_KEY = "1"
GUARD_SECONDS = 300.0  # longest a message or prompt may play before the call is given up


class State(StrEnum):
    DIALING = "dialing"
    MESSAGE = "message"
    ASKING = "asking"
    WAITING = "waiting"
    THANKING = "thanking"
    DONE = "done"


# Events ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answered:
    pass


@dataclass(frozen=True)
class Played:
    what: str  # "message", "confirm" or "thanks"


@dataclass(frozen=True)
class PlayFailed:
    what: str


@dataclass(frozen=True)
class Key:
    digit: str


@dataclass(frozen=True)
class Timeout:
    pass


@dataclass(frozen=True)
class Gone:
    cause: str


Event = Answered | Played | PlayFailed | Key | Timeout | Gone


# Effects -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Play:
    what: str


@dataclass(frozen=True)
class StopPlaying:
    pass


@dataclass(frozen=True)
class HangUp:
    pass


@dataclass(frozen=True)
class Finish:
    confirmed: bool
    reason: str


Effect = Play | StopPlaying | HangUp | Finish


@dataclass
class VoiceMachine:
    ring_seconds: float
    key_seconds: float
    confirm_attempts: int
    state: State = State.DIALING
    asked: int = 0

    def timeout(self) -> float:
        """How long to wait for the next event before `Timeout`."""
        if self.state is State.DIALING:
            return self.ring_seconds + 10.0  # Asterisk's own ring timeout normally ends the call first
        return self.key_seconds if self.state is State.WAITING else GUARD_SECONDS

    def on(self, event: Event) -> list[Effect]:
        state = self.state
        if state is State.DONE:
            return []
        if isinstance(event, Gone):
            return self._gone(event.cause)
        if isinstance(event, PlayFailed):
            return self._to(State.DONE, HangUp(), Finish(state is State.THANKING, f"could not play the {event.what}"))
        if isinstance(event, Answered) and state is State.DIALING:
            return self._to(State.MESSAGE, Play("message"))
        if isinstance(event, Played) and (state, event.what) == (State.MESSAGE, "message"):
            return self._ask()
        if isinstance(event, Played) and (state, event.what) == (State.ASKING, "confirm"):
            return self._to(State.WAITING)
        if isinstance(event, Played) and (state, event.what) == (State.THANKING, "thanks"):
            return self._to(State.DONE, HangUp())
        if isinstance(event, Key) and state in (State.ASKING, State.WAITING):
            if event.digit == CONFIRM_KEY:
                return self._to(State.THANKING, StopPlaying(), Finish(True, "confirmed with key 1"), Play("thanks"))
            return [StopPlaying(), *self._ask()]
        if isinstance(event, Timeout):
            return self._ask() if state is State.WAITING else self._to(
                State.DONE, HangUp(), Finish(False, f"no progress while {state.value}"))
        return []

    def _ask(self) -> list[Effect]:
        if self.asked >= self.confirm_attempts:
            return self._to(State.DONE, HangUp(), Finish(False, f"no key 1 after {self.asked} prompt(s)"))
        self.asked += 1
        return self._to(State.ASKING, Play("confirm"))

    def _gone(self, cause: str) -> list[Effect]:
        state = self.state
        self.state = State.DONE
        if state is State.DIALING:
            return [Finish(False, f"not answered ({cause})")]
        if state is State.THANKING:
            return []
        return [Finish(False, f"hung up before confirming, during the {state.value} ({cause})")]

    def _to(self, state: State, *effects: Effect) -> list[Effect]:
        self.state = state
        return list(effects)
