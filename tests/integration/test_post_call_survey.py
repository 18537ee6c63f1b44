"""The post-call survey end to end through the real Asterisk: a scripted caller reaches a (simulated) agent
through the IVR and the ACD; the agent hangs up; the caller, kept on the line, hears the survey in their
language and keys the answers, which are in the database with the call, agent and skill. A caller who hangs
up at the second question keeps the first answer; a call the policy leaves out is hung up as before."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from importlib import resources

from sqlalchemy import select

from crm_core import calls, recordings
from crm_core.models import PostCallAnswer, PostCallSurvey
from crm_core.surveys.post_call import post_call_results
from crm_core.surveys.service import publish
from hotline.scripted_call import CallObservation, CallScript, ScriptedCaller
from tests.integration.conftest import Hotline
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, add_investor, wait_for

POST_CALL_ENV = {"HOTLINE_SURVEY_POST_CALL": "post-call", "HOTLINE_SURVEY_KEY_SECONDS": "4",
                 "HOTLINE_SURVEY_ASKS": "2"}


def set_up(hotline: Hotline, **env: str) -> int:
    add_investor(hotline.db, "100000003", "Emily Chen", "13800000003", language="en")
    agents = add_agents(hotline.db, [AgentSpec("2001", {"trading": 9}, languages=("zh", "en"))])
    with hotline.db.session() as session:
        publish(session, "post-call", resources.files("crm_core.surveys").joinpath("post_call.json").read_text())
    hotline.service.start(**{**POST_CALL_ENV, **env})
    return agents["2001"]


async def call_and_agent_hangs_up(hotline: Hotline, script: CallScript) -> CallObservation:
    """The caller reaches the agent; a second later the agent hangs up (the caller stays on the line)."""
    instance = hotline.asterisk
    caller = await ScriptedCaller.connect(instance.ari_url, instance.secrets.ari_user, instance.secrets.ari_password)
    try:
        placed = asyncio.create_task(caller.call(script))
        for _ in range(300):
            if placed.done():
                break
            await asyncio.sleep(0.2)
            observation = next((o for o, _ in caller._calls.values()), None)
            if observation is not None and observation.agent_channel is not None:
                await asyncio.sleep(1.0)
                await caller.ari.request("channels", "hangup", channelId=observation.agent_channel)
                break
        return await placed
    finally:
        await caller.close()


def survey_of(hotline: Hotline, call_id: str) -> tuple[PostCallSurvey | None, dict[str, str]]:
    def ended() -> PostCallSurvey | None:
        with hotline.db.session() as session:
            row = session.scalars(select(PostCallSurvey).where(PostCallSurvey.call_id == call_id)).one_or_none()
            if row is not None and row.outcome is not None:
                session.expunge(row)
                return row
            return None
    row = wait_for(ended, timeout=15)
    with hotline.db.session() as session:
        keyed = {a.question: a.key for a in session.scalars(select(PostCallAnswer).order_by(PostCallAnswer.id))}
    return row, keyed


def test_the_caller_answers_the_survey_after_the_agent_hangs_up(hotline: Hotline) -> None:
    agent_id = set_up(hotline)
    # The menu (1: trading), satisfaction 4, recommendation 10 (*), then a comment ended with #.
    script = CallScript(HOTLINE, "13800000003", ["1", "4", "*", "#"], talk_seconds=300, timeout=120)

    obs = asyncio.run(call_and_agent_hangs_up(hotline, script))

    assert obs.agent_channel is not None and obs.call_id
    assert obs.hangup_by == "hotline", "the hotline hung up after the thanks, not the caller"
    row, keyed = survey_of(hotline, obs.call_id)
    assert row is not None, "the call was surveyed"
    assert (row.outcome, row.agent_id, row.skill, row.language) == ("completed", agent_id, "trading", "en")
    assert keyed == {"satisfaction": "4", "recommend": "10", "comment": ""}
    assert [name for name, _ in obs.inputs] == ["main_menu", "satisfaction", "recommend", "comment"]
    heard = [p for p in obs.prompts if p.startswith("survey/")]
    assert heard[0].endswith("intro-en") and heard[-1].endswith("thanks-en"), obs.prompts
    with hotline.db.session() as session:
        call = calls.get_call(session, obs.call_id)
        assert (call.status, call.hangup_by, call.agent_id) == ("completed", "agent", agent_id)
        assert not [e for e in calls.events_of(session, obs.call_id) if "survey" in e.kind]  # nothing the desk reads
        [comment] = recordings.of_call(session, obs.call_id)
        assert comment.purpose == "survey_comment"
        [result] = post_call_results(session, row.started_at, row.started_at + timedelta(seconds=1))
        assert result.comments == {"comment": comment.name} and result.agent == "2001"
    assert (hotline.asterisk.host_base / "spool" / "recording" / f"{comment.name}.wav").exists()


def test_a_caller_who_hangs_up_at_the_second_question_keeps_the_first_answer(hotline: Hotline) -> None:
    set_up(hotline)
    script = CallScript(HOTLINE, "13800000003", ["1", "2"], talk_seconds=300, timeout=120, hang_up_when_done=True)

    obs = asyncio.run(call_and_agent_hangs_up(hotline, script))

    assert obs.hangup_by == "caller"
    row, keyed = survey_of(hotline, obs.call_id)
    assert row is not None and row.outcome == "partial" and "recommend" in row.detail
    assert keyed == {"satisfaction": "2"}


def test_a_call_the_policy_leaves_out_is_hung_up_when_the_agent_hangs_up(hotline: Hotline) -> None:
    set_up(hotline, HOTLINE_SURVEY_POST_CALL_CATEGORIES="complaints")
    script = CallScript(HOTLINE, "13800000003", ["1", "4"], talk_seconds=300, timeout=120)

    obs = asyncio.run(call_and_agent_hangs_up(hotline, script))

    assert obs.agent_channel is not None and obs.hangup_by == "hotline"
    assert [name for name, _ in obs.inputs] == ["main_menu"]
    assert not [p for p in obs.prompts if p.startswith("survey/")]
    with hotline.db.session() as session:
        assert session.scalars(select(PostCallSurvey)).first() is None
