"""The post-call survey in the database: the policy's choice for a call, the surveyed call's row, answers kept
as keyed (a caller who hangs up keeps them), one survey per call, the quiet days per client (or number), and
the results with the call's agent, skill and the disposition the agent set after the call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest
from sqlalchemy.orm import Session

from crm_core.db import Database
from crm_core.models import Call, CallDisposition, PostCallSurvey
from crm_core.surveys.dialing import Outcome
from crm_core.surveys.post_call import (
    begin_post_call,
    close_post_calls_left_open,
    finish_post_call,
    latest_version,
    post_call_results,
    record_post_call_answer,
)
from crm_core.surveys.post_call_policy import PostCallPolicy
from crm_core.surveys.service import publish
from tests.unit.surveys.test_campaigns import investor, new_agent

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
POLICY = PostCallPolicy("post-call")


@pytest.fixture
def db(database: Database) -> Database:
    with database.session() as session:
        publish(session, "post-call", resources.files("crm_core.surveys").joinpath("post_call.json").read_text())
    return database


def a_call(session: Session, investor_id: int | None, agent_id: int | None, *, number: str = "13900000001",
           category: str = "trading", language: str = "en", direction: str = "inbound") -> str:
    call = Call(channel_id="chan", caller_number=number, investor_id=investor_id, language=language,
                category=category, agent_id=agent_id, direction=direction, status="completed",
                answered_at=NOW - timedelta(minutes=3) if agent_id else None, ended_at=NOW)
    session.add(call)
    session.flush()
    return call.id


def test_a_chosen_call_is_opened_with_its_agent_skill_and_language_and_keeps_each_answer(db: Database) -> None:
    with db.session() as session:
        agent = new_agent(session, "2001")
        call_id = a_call(session, investor(session, 1), agent.id)
        choice, start = begin_post_call(session, POLICY, call_id, "chan-1", NOW)
        assert choice.surveyed and start is not None
        assert start.language == "en" and start.survey.first() == "satisfaction"
        record_post_call_answer(session, start.survey_id, "satisfaction", "4", NOW)
        finish_post_call(session, start.survey_id, Outcome.PARTIAL, "hung up during the asking recommend", NOW)
        finish_post_call(session, start.survey_id, Outcome.COMPLETED, "again", NOW)  # closed once
        session.add(CallDisposition(call_id=call_id, agent_id=agent.id, code="resolved", at=NOW + timedelta(minutes=1)))
    with db.session() as session:
        row = session.get(PostCallSurvey, start.survey_id)
        assert row is not None and (row.agent_id, row.skill, row.reason) == (agent.id, "trading", "every call")
        assert row.outcome == "partial" and row.ended_at is not None
        [result] = post_call_results(session, NOW - timedelta(days=1), NOW + timedelta(days=1))
        assert (result.call_id, result.agent, result.skill, result.disposition) == (call_id, "2001", "trading",
                                                                                    "resolved")
        assert result.answers == {"satisfaction": "4"} and result.outcome == "partial"


def test_one_survey_per_call_and_none_for_a_client_surveyed_this_week(db: Database) -> None:
    with db.session() as session:
        agent = new_agent(session, "2001")
        client = investor(session, 1)
        first = a_call(session, client, agent.id)
        assert begin_post_call(session, POLICY, first, "chan-1", NOW)[1] is not None
        assert begin_post_call(session, POLICY, first, "chan-1", NOW)[0].reason == "already surveyed"
        second = a_call(session, client, agent.id, number="13900000099")
        choice, start = begin_post_call(session, POLICY, second, "chan-2", NOW + timedelta(days=3))
        assert start is None and choice.reason == "surveyed less than 7 days ago"
        later = a_call(session, client, agent.id)
        assert begin_post_call(session, POLICY, later, "chan-3", NOW + timedelta(days=8))[1] is not None


def test_an_unidentified_caller_is_counted_by_number(db: Database) -> None:
    with db.session() as session:
        agent = new_agent(session, "2001")
        assert begin_post_call(session, POLICY, a_call(session, None, agent.id), "c1", NOW)[1] is not None
        again = a_call(session, None, agent.id)
        assert begin_post_call(session, POLICY, again, "c2", NOW)[0].reason == "surveyed less than 7 days ago"
        other = a_call(session, None, agent.id, number="13900000002")
        assert begin_post_call(session, POLICY, other, "c3", NOW)[1] is not None


def test_nothing_is_opened_for_a_call_the_policy_leaves_out_or_a_survey_never_published(db: Database) -> None:
    with db.session() as session:
        agent = new_agent(session, "2001")
        outbound = a_call(session, investor(session, 1), agent.id, direction="outbound")
        assert begin_post_call(session, POLICY, outbound, "c1", NOW)[1] is None
        call = a_call(session, investor(session, 2), agent.id)
        choice, start = begin_post_call(session, PostCallPolicy("nps"), call, "c2", NOW)
        assert start is None and choice.reason == "no survey 'nps' published"
        assert session.query(PostCallSurvey).count() == 0


def test_surveys_left_open_by_a_killed_service_are_closed_partial_if_answered(db: Database) -> None:
    with db.session() as session:
        agent = new_agent(session, "2001")
        answered = begin_post_call(session, POLICY, a_call(session, investor(session, 1), agent.id), "c1", NOW)[1]
        silent = begin_post_call(session, POLICY, a_call(session, investor(session, 2), agent.id), "c2", NOW)[1]
        recent = begin_post_call(session, POLICY, a_call(session, investor(session, 3), agent.id), "c3",
                                 NOW + timedelta(minutes=50))[1]
        assert answered is not None and silent is not None and recent is not None
        record_post_call_answer(session, answered.survey_id, "satisfaction", "3", NOW)
        assert close_post_calls_left_open(session, NOW + timedelta(minutes=30), NOW + timedelta(hours=1)) == 2
        outcomes = {s.id: s.outcome for s in session.query(PostCallSurvey)}
        assert outcomes == {answered.survey_id: "partial", silent.survey_id: "interrupted", recent.survey_id: None}
        version = latest_version(session, "post-call")
        assert version is not None and version[1].first() == "satisfaction"
        assert latest_version(session, "nps") is None
