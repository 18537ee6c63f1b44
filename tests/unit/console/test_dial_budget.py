"""Click-to-dial asks the outbound budgets first: a campaign over budget is refused with a 403 whose message
the desk shows (which budget, spent and limit), nothing is dialled; within budget the call is dialled and
counted against the campaign. Real rows on SQLite and PostgreSQL; the telephony is the console's double,
which opens the call's row as the ACD's dial does."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from crm_core import calls
from crm_core.billing import tariffs
from crm_core.billing.budgets import Scope, month_of, set_budget
from crm_core.billing.rating import Line
from crm_core.db import Database
from crm_core.models import Campaign, CampaignCall
from crm_core.models.base import utcnow
from tests.support.billing import outbound_call, shanghai
from tests.unit.console.conftest import Staff, console_client, login, run
from tests.unit.console.doubles import FakeTelephony


class DialingTelephony(FakeTelephony):
    """Records the request and opens the outbound call's row, as AcdApp.dial does."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database

    async def dial(self, agent_id: int, number: str) -> str:
        self._record("dial", agent_id, number)
        with self.database.session() as session:
            return calls.open_outbound(session, channel_id=f"dial-{len(self.requests)}", agent_id=agent_id,
                                       number=number).id


def test_a_campaign_over_budget_is_refused_at_click_to_dial(database: Database, staff: Staff) -> None:
    now = utcnow()
    with database.session() as session:
        tariffs.set_line(session, Line("1", Decimal("0.1000"), 60, 60),
                         effective_from=shanghai("2020-01-01", "00:00:00"))
        session.add_all([Campaign(code="autumn", name="Autumn funds", segment_code="all"),
                         Campaign(code="spring", name="Spring bonds", segment_code="all")])
        session.flush()
        month = month_of(now)
        set_budget(session, Scope.CAMPAIGN, "autumn", month, Decimal("0.20"))
        set_budget(session, Scope.CAMPAIGN, "spring", month, Decimal("5.00"))
        outbound_call(session, staff.agent_id, "13800000001", now, 61, "autumn")  # 0.20: autumn is spent
    telephony = DialingTelephony(database)

    async def scenario() -> None:
        async with console_client(database, telephony) as client:
            await login(client, "1001")
            refused = await client.post("/api/dial", json={"number": "13800138000", "campaign": "autumn"})
            assert refused.status == 403
            body = await refused.json()
            assert body["code"] == "budget_spent"
            assert body["error"] == f"outbound budget spent: campaign autumn: 0.20 of 0.20 yuan spent in {month}"
            unknown = await client.post("/api/dial", json={"number": "13800138000", "campaign": "winter"})
            assert (unknown.status, (await unknown.json())["error"]) == (422, "no campaign 'winter'")
            allowed = await client.post("/api/dial", json={"number": "13800138000", "campaign": "spring"})
            assert allowed.status == 201, await allowed.text()
            assert (await allowed.json())["campaign"] == "spring"
            plain = await client.post("/api/dial", json={"number": "13800138001"})
            assert plain.status == 201

    run(scenario)
    assert telephony.named("dial") == [("dial", staff.agent_id, "13800138000"),
                                       ("dial", staff.agent_id, "13800138001")]
    with database.session() as session:
        linked = session.execute(select(Campaign.code).join(CampaignCall, CampaignCall.campaign_id == Campaign.id)
                                 .order_by(Campaign.code)).scalars().all()
        assert linked == ["autumn", "spring"]  # the test's own call, and the one dialled for spring
