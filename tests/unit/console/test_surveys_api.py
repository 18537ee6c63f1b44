"""The supervisor console's survey view: each campaign's live progress and its answers per question and key;
agents may not see it."""

from __future__ import annotations

from importlib import resources
from typing import Any

from crm_core.db import Database
from crm_core.models import Campaign, CampaignTarget
from crm_core.models.base import utcnow
from crm_core.surveys.dialing import Outcome
from crm_core.surveys.post_call import (
    begin_post_call,
    finish_post_call,
    record_post_call_answer,
    record_post_call_comment,
)
from crm_core.surveys.post_call_policy import PostCallPolicy
from crm_core.surveys.service import (
    campaign_named,
    claim_due,
    create_campaign,
    load_targets,
    mark_answered,
    publish,
    record_answer,
)
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony
from tests.unit.surveys.test_definition import example


def surveyed(database: Database, staff: Staff) -> None:
    """A campaign with one answer, and a post-call survey of the customer's call with two answers and a
    comment (what the console shows)."""
    customer = add_customer(database, staff.agent_id)
    with database.session() as session:
        publish(session, "satisfaction", example())
        marketing = Campaign(code="m", name="m", segment_code="all")
        session.add(marketing)
        session.flush()
        session.add(CampaignTarget(campaign_id=marketing.id, investor_id=customer.investor_id))
        create_campaign(session, "dec", "satisfaction", "list:m",
                        {"window_from": "00:00", "window_until": "23:59:59"})
        campaign = campaign_named(session, "dec")
        load_targets(session, campaign, utcnow())
        (claim,) = claim_due(session, campaign, utcnow(), set(), 5, "test")
        mark_answered(session, claim.attempt_id, utcnow())
        record_answer(session, claim.attempt_id, "satisfaction", "4", utcnow())
        publish(session, "post-call", resources.files("crm_core.surveys").joinpath("post_call.json").read_text())
        _, start = begin_post_call(session, PostCallPolicy("post-call"), customer.call_id, "chan", utcnow())
        assert start is not None
        record_post_call_answer(session, start.survey_id, "satisfaction", "5", utcnow())
        record_post_call_answer(session, start.survey_id, "recommend", "*", utcnow())
        record_post_call_comment(session, start.survey_id, "comment", "survey-comment-c-comment", utcnow())
        finish_post_call(session, start.survey_id, Outcome.COMPLETED, "2 answer(s)", utcnow())


def test_supervisors_see_each_campaigns_progress_and_answers(database: Database, staff: Staff) -> None:
    surveyed(database, staff)

    async def scenario() -> tuple[int, dict[str, Any]]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            agent = (await client.get("/api/supervisor/surveys")).status
            await login(client, "9001")
            return agent, await (await client.get("/api/supervisor/surveys")).json()

    agent_status, view = run(scenario)
    assert agent_status == 403
    (dec,) = view["campaigns"]
    assert (dec["campaign"], dec["survey"], dec["status"]) == ("dec", "satisfaction v1", "ready")
    assert (dec["targets"], dec["dialled"], dec["answered"], dec["completed"], dec["remaining"]) == (1, 1, 1, 0, 1)
    assert dec["answers"] == {"satisfaction": {"4": 1}}
    post_call = view["post_call"]
    assert (post_call["surveyed"], post_call["completed"], post_call["comments"]) == (1, 1, 1)
    assert post_call["answers"] == {"satisfaction": {"5": 1}, "recommend": {"10": 1}}
