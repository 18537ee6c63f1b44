"""One survey call as a machine free of I/O: events in, effects out (call.py carries them out).

    DIALING ──answered──▶ DETECTING (AMD() in the dialplan; without AMD straight to INTRO)
    DIALING ──refused (the Dial event's status) or hung up──▶ DONE: busy, no answer or failed
    DETECTING ──a person (HUMAN, NOTSURE)──▶ INTRO ──intro played──▶ ASKING the first question
    DETECTING ──a machine──▶ MACHINE (the short message) ──played──▶ DONE, hang up; no message: DONE at once
    ASKING ──prompt played──▶ WAITING ──no key in time──▶ ASKING the same again, `asks` times at most, then DONE
    ASKING / WAITING ──an answer key──▶ the answer stored; the next question by the survey's branches, or THANKS
    ASKING / WAITING ──the agent key──▶ DONE: handed to the ACD (the channel leaves this app)
    ASKING / WAITING ──another key──▶ the question again
    ASKING a comment ──prompt played──▶ RECORDING: a beep, then recorded ──ended (# or its longest)──▶ the
        next question or THANKS; a key during its prompt skips it; hung up while recording: DONE, completed
        (the comment kept)
    THANKS ──played──▶ DONE, hang up (completed once THANKS begins, even if the client hangs up)
    any ──hung up──▶ DONE: partial once the client was reached, machine in MACHINE, failed while DETECTING
    any ──a prompt cannot be played, or no event for too long──▶ DONE, hang up (partial once the client was
        reached and asked: a prompt that fails as it starts is most often the client hanging up)

The events and effects a voice notification call has too (Answered, Played, Key, Play, HangUp...) are its
(ari_apps/notify/voice.py). Keys during the intro are ignored; keys during a question's prompt answer it
(and stop the prompt).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ari_apps.notify.voice import Answered, HangUp, Key, Play, Played, PlayFailed, StopPlaying, Timeout
from crm_core.surveys.definition import END, Survey, key_value, next_question
from crm_core.surveys.dialing import Outcome

BEEP = "beep"  # played before a comment is recorded (Asterisk's own sound)
GUARD_SECONDS = 120.0  # longest a prompt may play, or the dialplan may take to detect, before the call is given up
MACHINE_STATUSES = frozenset({"MACHINE"})
REJECTED = {"BUSY": Outcome.BUSY, "NOANSWER": Outcome.NO_ANSWER, "CONGESTION": Outcome.FAILED,
            "CHANUNAVAIL": Outcome.FAILED}  # a Local channel's hang-up cause may not say busy: its Dial event does
BUSY_CAUSES = frozenset({17})
NO_ANSWER_CAUSES = frozenset({0, 16, 18, 19, 21})


class State(StrEnum):
    DIALING = "dialing"
    DETECTING = "detecting"
    MACHINE = "machine"
    INTRO = "intro"
    ASKING = "asking"
    WAITING = "waiting"
    RECORDING = "recording"  # a spoken comment
    THANKS = "thanks"
    DONE = "done"


# Events ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Detected:
    status: str  # AMDSTATUS: HUMAN, MACHINE, NOTSURE, HANGUP
    cause: str = ""


@dataclass(frozen=True)
class Rejected:
    dialstatus: str  # the Dial event's DIALSTATUS for the originated channel: BUSY, NOANSWER, CONGESTION...


@dataclass(frozen=True)
class Gone:
    cause: int
    text: str = ""


@dataclass(frozen=True)
class Recorded:
    """The comment's recording ended (# pressed, its longest reached, or it failed)."""

    ok: bool = True


Event = Answered | Rejected | Detected | Played | PlayFailed | Key | Timeout | Gone | Recorded


# Effects -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Detect:
    pass


@dataclass(frozen=True)
class Reached:
    amd: str  # what AMD said ("" without AMD)


@dataclass(frozen=True)
class Awaiting:
    question: str  # "" once no key is awaited


@dataclass(frozen=True)
class Store:
    question: str
    key: str


@dataclass(frozen=True)
class Record:
    """Record the client's spoken answer to `question` (a comment), for at most `seconds`; # ends it."""

    question: str
    seconds: int


@dataclass(frozen=True)
class ToAgent:
    pass


@dataclass(frozen=True)
class Finish:
    outcome: Outcome
    detail: str


Effect = Detect | Reached | Play | StopPlaying | Awaiting | Store | Record | ToAgent | HangUp | Finish


@dataclass
class SurveyMachine:
    survey: Survey
    ring_seconds: float
    key_seconds: float
    asks: int = 2  # how many times a question is asked before the call gives up on it
    detect: bool = True  # AMD before the survey
    machine_message: bool = True  # a machine hears the survey's short message (if it has one)
    state: State = State.DIALING
    question: str = ""
    asked: int = 0
    answers: dict[str, int] = field(default_factory=dict)

    def timeout(self) -> float:
        if self.state is State.DIALING:
            return self.ring_seconds + 10.0
        if self.state is State.RECORDING:
            return self.survey.question(self.question).record_seconds + 10.0
        return self.key_seconds if self.state is State.WAITING else GUARD_SECONDS

    def on(self, event: Event) -> list[Effect]:
        state = self.state
        if state is State.DONE:
            return []
        if isinstance(event, Gone):
            return self._gone(event)
        if isinstance(event, PlayFailed):  # often the caller hanging up as the prompt starts: reached, partial
            return self._end(self._reached_or(Outcome.FAILED), f"could not play the {event.what}")
        if isinstance(event, Rejected) and state is State.DIALING:
            return self._end(REJECTED[event.dialstatus], f"not answered: {event.dialstatus}", hang_up=False)
        if isinstance(event, Answered) and state is State.DIALING:
            return self._to(State.DETECTING, Detect()) if self.detect else self._intro("")
        if isinstance(event, Detected) and state is State.DETECTING:
            return self._detected(event)
        if isinstance(event, Played):
            return self._played(event.what)
        if isinstance(event, Key) and state in (State.ASKING, State.WAITING):
            return self._key(event.digit)
        if isinstance(event, Recorded | Timeout) and state is State.RECORDING:
            return self._after(self.question, [Awaiting("")])
        if isinstance(event, Timeout):
            if state is State.WAITING:
                return self._ask(self.question)
            return self._end(self._reached_or(Outcome.FAILED), f"no progress while {state.value}")
        return []

    def _detected(self, event: Detected) -> list[Effect]:
        amd = f"{event.status}/{event.cause}" if event.cause else event.status
        if event.status == "HANGUP":
            return self._end(Outcome.FAILED, f"hung up during detection ({amd})", hang_up=False)
        if event.status not in MACHINE_STATUSES:
            return self._intro(amd)
        if self.machine_message and "machine" in self.survey.texts():
            return self._to(State.MACHINE, Reached(amd), Play("machine"))
        return [Reached(amd), *self._end(Outcome.MACHINE, f"answering machine ({amd})")]

    def _intro(self, amd: str) -> list[Effect]:
        return self._to(State.INTRO, Reached(amd), Play("intro"))

    def _played(self, what: str) -> list[Effect]:
        state = self.state
        if (state, what) == (State.INTRO, "intro"):
            return self._ask(self.survey.first())
        if state is State.ASKING and what == f"q:{self.question}":
            if self.survey.question(self.question).record_seconds:
                return self._to(State.RECORDING, Play(BEEP))
            return self._to(State.WAITING)
        if (state, what) == (State.RECORDING, BEEP):  # recording from the end of the beep; # ends it
            # Awaiting first: Asterisk runs a channel's requests one after another, none during a recording.
            return [Awaiting(self.question),
                    Record(self.question, self.survey.question(self.question).record_seconds)]
        if (state, what) == (State.THANKS, "thanks"):
            return self._to(State.DONE, HangUp())
        if (state, what) == (State.MACHINE, "machine"):
            return self._end(Outcome.MACHINE, "answering machine: message left")
        return []

    def _key(self, digit: str) -> list[Effect]:
        question = self.survey.question(self.question)
        if self.survey.agent_key and digit == self.survey.agent_key:
            return self._to(State.DONE, StopPlaying(), Awaiting(""), ToAgent(),
                            Finish(Outcome.AGENT, f"asked for an agent at {self.question}"))
        if question.record_seconds:  # a key during a comment's prompt: no comment
            return self._after(question.id, [StopPlaying(), Awaiting("")])
        if digit not in question.keys:
            self.asked = 0  # a wrong key is not silence: the question is asked again in full
            return [StopPlaying(), *self._ask(self.question)]
        self.answers[question.id] = key_value(digit)
        return self._after(question.id, [StopPlaying(), Awaiting(""), Store(question.id, digit)])

    def _after(self, question: str, done: list[Effect]) -> list[Effect]:
        """The question is answered (or its comment over): the next one, or the thanks."""
        following = next_question(self.survey, question, self.answers)
        if following == END:
            return self._to(State.THANKS, *done, Finish(Outcome.COMPLETED, f"{len(self.answers)} answer(s)"),
                            Play("thanks"))
        self.asked = 0
        return done + self._ask(following)

    def _ask(self, question: str) -> list[Effect]:
        if question != self.question:
            self.question, self.asked = question, 0
        if self.asked >= self.asks:
            return self._end(Outcome.PARTIAL, f"no answer to {question} after {self.asked} prompt(s)")
        self.asked += 1
        if self.survey.question(question).record_seconds:  # keys are awaited once the recording starts
            return self._to(State.ASKING, Play(f"q:{question}"))
        return self._to(State.ASKING, Awaiting(question), Play(f"q:{question}"))

    def _gone(self, event: Gone) -> list[Effect]:
        state = self.state
        cause = f"{event.text or 'hung up'} ({event.cause})"
        if state is State.DIALING:
            outcome = Outcome.BUSY if event.cause in BUSY_CAUSES else \
                Outcome.NO_ANSWER if event.cause in NO_ANSWER_CAUSES else Outcome.FAILED
            return self._end(outcome, f"not answered: {cause}", hang_up=False)
        if state is State.THANKS:
            return self._to(State.DONE)
        if state is State.RECORDING:
            return self._end(Outcome.COMPLETED, f"hung up during the comment {self.question}", hang_up=False)
        if state is State.MACHINE:
            return self._end(Outcome.MACHINE, f"answering machine hung up: {cause}", hang_up=False)
        if state is State.DETECTING:
            return self._end(Outcome.FAILED, f"hung up during detection: {cause}", hang_up=False)
        return self._end(Outcome.PARTIAL, f"hung up during the {state.value} {self.question}: {cause}".replace(
            "  ", " "), hang_up=False)

    def _reached_or(self, outcome: Outcome) -> Outcome:
        return Outcome.PARTIAL if self.state in (State.INTRO, State.ASKING, State.WAITING, State.RECORDING) else outcome

    def _end(self, outcome: Outcome, detail: str, *, hang_up: bool = True) -> list[Effect]:
        effects: list[Effect] = [Awaiting("")] if self.state in (State.ASKING, State.WAITING) and hang_up else []
        return self._to(State.DONE, *effects, *([HangUp()] if hang_up else []), Finish(outcome, detail))

    def _to(self, state: State, *effects: Effect) -> list[Effect]:
        self.state = state
        return list(effects)
