"""The post-call survey: when the agent hangs up, the ACD offers the caller's channel here (`take_over`);
if the policy picks the call (crm_core.surveys.post_call), the channel is moved into the survey app and hears
the survey in the caller's language, with the same machine as the outbound survey calls (machine.py), from
the intro on (no dialling, no AMD, no hand-over to an agent: the caller just left one). Each answer is
stored as it is keyed, so a caller who hangs up mid-survey keeps the answers given. Nothing is published to
the desks: the agent does not learn who is surveyed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from ari_apps.ari import AriError
from ari_apps.survey.call import SurveyCall, SurveyRequest
from ari_apps.survey.machine import Finish, SurveyMachine
from ari_apps.survey.settings import SurveySettings
from crm_core.db import AsyncDatabase
from crm_core.surveys.dialing import Outcome
from crm_core.surveys.post_call import (
    PostCallStart,
    begin_post_call,
    finish_post_call,
    record_post_call_answer,
    record_post_call_comment,
)
from crm_core.surveys.post_call_policy import PostCallPolicy, post_call_policy
from crm_core.surveys.service import Claim

if TYPE_CHECKING:
    from ari_apps.survey.app import SurveyApp

logger = logging.getLogger(__name__)

POST_CALL_ARGS = "postcall"


def policy_of(settings: SurveySettings) -> PostCallPolicy:
    return post_call_policy(settings.post_call, settings.post_call_sample, settings.post_call_categories,
                            settings.post_call_quiet_days)


class PostCallJournal:
    """The survey call's journal (call.Journal) over the post-call survey's row."""

    def __init__(self, db: AsyncDatabase, survey_id: int, clock: Callable[[], datetime]) -> None:
        self.db, self.survey_id, self.clock = db, survey_id, clock

    async def reached(self, claim: Claim, amd: str) -> None:
        """The caller is on the line already: nothing to write."""

    async def answer(self, claim: Claim, question: str, key: str) -> None:
        await self.db.record(record_post_call_answer, self.survey_id, question, key, self.clock())

    async def comment(self, claim: Claim, question: str, recording: str) -> None:
        await self.db.record(record_post_call_comment, self.survey_id, question, recording, self.clock())

    async def to_agent(self, claim: Claim, channel_id: str) -> dict[str, str]:
        raise AssertionError("a post-call survey has no hand-over to an agent")


class PostCallSurveyCall(SurveyCall):
    """The survey played to a caller moved in from the ACD: it starts when the channel enters the app."""

    async def begin(self) -> None:
        """Nothing to dial: the channel's StasisStart (the move) is the machine's Answered."""


async def take_over(app: SurveyApp, policy: PostCallPolicy, call_id: str, channel_id: str) -> bool:
    """Keep the caller for the post-call survey if the policy picks the call (True: the channel is ours now;
    False: the ACD hangs it up as before)."""
    if not policy.survey or app.ari is None:
        return False
    choice, start = await app.db.run(begin_post_call, policy, call_id, channel_id, app.clock())
    if start is None:
        logger.info("call %s: no post-call survey (%s)", call_id, choice.reason)
        return False
    try:
        media = await asyncio.to_thread(app.media_for, start.version_id, start.survey)
    except Exception as exc:  # espeak-ng or sox failed: the caller is not kept in silence
        logger.error("call %s: post-call survey audio could not be made: %s", call_id, exc)
        await _close(app.db, start, Outcome.FAILED, f"audio: {exc}"[:200], app.clock())
        return False
    call = _session(app, start, call_id, channel_id, media[start.language])
    try:
        await app.ari.request("channels", "move", channelId=channel_id, app=app.name, appArgs=POST_CALL_ARGS)
    except AriError as exc:
        call.disown("channel:" + channel_id)
        await _close(app.db, start, Outcome.FAILED, f"could not move the caller: {exc}"[:200], app.clock())
        return False
    app.start(call)
    logger.info("call %s: post-call survey %s (%s)", call_id, start.survey_id, choice.reason)
    return True


def _session(app: SurveyApp, start: PostCallStart, call_id: str, channel_id: str,
             media: Mapping[str, str]) -> PostCallSurveyCall:
    s = app.settings
    survey = replace(start.survey, agent_key="")  # the caller has just left an agent
    machine = SurveyMachine(survey, s.ring_seconds, s.key_seconds, s.asks, detect=False, machine_message=False)
    claim = Claim(start.survey_id, 0, channel_id, "", start.language, 1, 0)
    call = PostCallSurveyCall(app, SurveyRequest(claim, "", media, app.acd_app), machine,
                              PostCallJournal(app.db, start.survey_id, app.clock), s.ring_seconds)
    call.call_id = call_id

    async def finished(done: SurveyCall) -> None:
        result = done.result or Finish(Outcome.INTERRUPTED, "the survey stopped without an outcome")
        await _close(app.db, start, result.outcome, result.detail, app.clock())

    call.on_finish = finished
    return call


async def _close(db: AsyncDatabase, start: PostCallStart, outcome: Outcome, detail: str, now: datetime) -> None:
    await db.record(finish_post_call, start.survey_id, outcome, detail, now)
