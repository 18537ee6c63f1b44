"""The supervisor console's survey view: each campaign's live progress and its answers per question and key;
agents may not see it."""

from __future__ import annotations

from typing import Any

from crm_core.db import Database
from crm_core.models.base import utcnow
from crm_core.surveys import claim_due, create_campaign, load_targets, mark_answered, publish, record_answer
from crm_core.surveys.service import campaign_named
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony
from tests.unit.surveys.test_definition import example


def test_supervisors_see_each_campaigns_progress_and_answers(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    with database.session() as session:
        from crm_core.models import Campaign, CampaignTarget

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
