"""The survey call's interpreter (call.py) against an ARI that answers as Asterisk does once the client hung up
(404 on the channel, before the hang-up event arrives): what the step decided stands (the answer, the outcome),
and a post-call survey's comment is recorded and written down as it starts."""

from __future__ import annotations

import asyncio
from importlib import resources
from typing import Any

from ari_apps.ari import AriNotFound
from ari_apps.session import SessionApp
from ari_apps.survey.call import SurveyCall, SurveyRequest
from ari_apps.survey.machine import Answered, Finish, Key, Played, PlayFailed, SurveyMachine
from crm_core.surveys.definition import parse_survey
from crm_core.surveys.dialing import Outcome
from crm_core.surveys.service import Claim

SURVEY = parse_survey(resources.files("crm_core.surveys").joinpath("post_call.json").read_text())
MEDIA = {"intro": "sound:intro", "thanks": "sound:thanks", "beep": "sound:beep", "q:satisfaction": "sound:q1",
         "q:recommend": "sound:q2", "q:comment": "sound:q3"}


class GoneAri:
    """Answers every request; once `gone`, refuses those on the channel with 404 (as Asterisk does)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.gone = False

    async def request(self, resource: str, operation: str, /, **params: Any) -> Any:
        self.requests.append((resource, operation, params))
        if self.gone and resource == "channels":
            raise AriNotFound(f"{resource}.{operation}: Channel not found", 404)
        return {}

    async def request_quietly(self, resource: str, operation: str, /, **params: Any) -> Any:
        self.requests.append((resource, operation, params))
        return None


class Journal:
    def __init__(self) -> None:
        self.written: list[tuple[str, ...]] = []

    async def reached(self, claim: Claim, amd: str) -> None:
        self.written.append(("reached",))

    async def answer(self, claim: Claim, question: str, key: str) -> None:
        self.written.append(("answer", question, key))

    async def comment(self, claim: Claim, question: str, recording: str) -> None:
        self.written.append(("comment", question, recording))

    async def to_agent(self, claim: Claim, channel_id: str) -> dict[str, str]:
        return {}


def survey_call() -> tuple[SurveyCall, GoneAri, Journal]:
    app = SessionApp()
    app.name = "hotline-survey"
    ari = GoneAri()
    app.ari = ari  # type: ignore[assignment]
    journal = Journal()
    machine = SurveyMachine(SURVEY, ring_seconds=30, key_seconds=5, asks=2, detect=False, machine_message=False)
    call = SurveyCall(app, SurveyRequest(Claim(1, 0, "chan", "", "en", 1, 0), "", MEDIA, "hotline-acd"), machine,
                      journal, ring_seconds=30)
    call.call_id = "c1"
    return call, ari, journal


def test_a_client_gone_as_the_next_prompt_starts_keeps_the_answer_and_the_outcome() -> None:
    async def scenario() -> tuple[SurveyCall, Journal]:
        call, ari, journal = survey_call()
        await call._feed(Answered())
        await call._feed(Played("intro"))
        await call._feed(Key("4"))  # stored; the next question is asked
        ari.gone = True  # the client hangs up: the prompt fails, then setting a variable is refused
        await call._feed(PlayFailed("q:recommend"))
        return call, journal

    call, journal = asyncio.run(scenario())
    assert ("answer", "satisfaction", "4") in journal.written
    assert call.result == Finish(Outcome.PARTIAL, "could not play the q:recommend")  # kept, not dropped


def test_a_comment_is_recorded_after_the_beep_and_written_down_as_it_starts() -> None:
    async def scenario() -> tuple[GoneAri, Journal]:
        call, ari, journal = survey_call()
        for event in (Answered(), Played("intro"), Key("5"), Key("*"), Played("q:comment"), Played("beep")):
            await call._feed(event)
        return ari, journal

    ari, journal = asyncio.run(scenario())
    recorded = [params for resource, operation, params in ari.requests if operation == "record"]
    assert recorded == [{"channelId": "chan", "name": "survey-comment-c1-comment", "format": "wav",
                         "maxDurationSeconds": 60, "ifExists": "overwrite", "terminateOn": "#"}]
    assert journal.written[-1] == ("comment", "comment", "survey-comment-c1-comment")
    operations = [(r, o, p.get("value")) for r, o, p in ari.requests if o in ("setChannelVar", "record")]
    assert operations[-2:] == [("channels", "setChannelVar", "comment"), ("channels", "record", None)]  # keys first
