"""Complaints on the portal: a client lodges one (once per request id, acknowledged by their preferred channel
through the outbox, with its deadlines) and follows it: status, deadlines, the client-visible steps of its
history, the resolution once staff resolve it. Bad input is a 422 that writes nothing; another client's complaint
is the same 404 as none and never listed."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm_core import audit
from crm_core.complaints import service
from crm_core.complaints.deadlines import parse_policy
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.models import Complaint, InvestorPhone, Notification
from crm_core.surveys.calendar import Calendar
from tests.unit.console.conftest import run
from tests.unit.portal.conftest import CAUTIOUS, SENIOR, Clients, log_in, portal_client

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
RULES = ComplaintRules(parse_policy("default=1/15, trading=1/10"), Calendar("CN"))


def ticking(start: datetime) -> Callable[[], datetime]:
    """The portal's clock in these tests: from `start`, a second later at each reading (the real clock moves on
    past the tests' fixed dates)."""
    seconds = itertools.count()
    return lambda: start + timedelta(seconds=next(seconds))


LODGE = {"category": "fees", "department": "Shanghai Lujiazui branch", "text": "I was charged the fee twice.",
         "request_id": "complaint-0001"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the domain runs on both: tests/unit/complaints
def test_a_client_lodges_a_complaint_once_and_follows_it_to_its_resolution(database: Database,
                                                                          clients: Clients) -> None:
    with database.session() as session:
        session.add(InvestorPhone(investor_id=clients.senior_id, number="13900000001"))  # a mobile: SMS

    async def lodge() -> int:
        async with portal_client(database, complaint_rules=RULES, clock=ticking(NOW)) as client:
            mine = {"X-CSRF-Token": await log_in(client, SENIOR)}
            declared = await client.put("/api/preferences", json={"preferred_channel": "sms"}, headers=mine)
            assert declared.status == 200
            first = await client.post("/api/complaints", json=LODGE, headers=mine)
            again = await client.post("/api/complaints", json=LODGE, headers=mine)  # a double click
            body = await first.json()
            assert first.status == again.status == 201, body
            assert (await again.json())["id"] == body["id"]
            assert (body["status"], body["category"], body["department"], body["text"]) == (
                "acknowledged", "fees", "Shanghai Lujiazui branch", "I was charged the fee twice.")
            assert [s["what"] for s in body["steps"]] == ["Received", "Acknowledged: we are looking into it"]
            assert body["acknowledge_by"] and body["resolve_by"] > body["acknowledge_by"] and body["resolution"] == ""
            for bad in ({"category": "weather"}, {"text": ""}, {"text": "   "}, {"text": "x" * 4001},
                        {"department": "d" * 61}, {"request_id": "short"}):
                refused = await client.post("/api/complaints", json={**LODGE, "request_id": "complaint-bad1", **bad},
                                            headers=mine)
                assert refused.status == 422, bad
            assert (await client.post("/api/complaints", json=LODGE)).status == 403  # no CSRF token

            theirs = {"X-CSRF-Token": await log_in(client, CAUTIOUS)}
            assert (await (await client.get("/api/complaints")).json())["complaints"] == []
            stolen = await client.get(f"/api/complaints/{body['id']}")
            assert (stolen.status, await stolen.json()) == (404, {"error": "no such complaint"})
            assert (await client.get("/api/complaints/999999")).status == 404
            same_id = await client.post("/api/complaints", json=LODGE, headers=theirs)  # their own, not mine
            assert same_id.status == 201 and (await same_id.json())["id"] != body["id"]
            return int(body["id"])

    complaint_id = run(lodge)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 2
        row = service.get(session, complaint_id)
        assert (row.channel, row.investor_id, row.source_key) == ("web", clients.senior_id,
                                                                  f"web:{clients.senior_id}:complaint-0001")
        [ack] = session.scalars(select(Notification).where(Notification.key == f"complaint:{complaint_id}:ack"))
        assert (ack.channel, ack.address, ack.template) == ("sms", "13900000001", "complaint_ack")  # preferred
        outcomes = [e.outcome for e in audit.entries(session, action_prefix="complaint.web")]
        assert outcomes == ["opened", "repeated", "opened"]
        # staff work on it: a note and an escalation stay internal; the resolution is the client's
        service.add_note(session, complaint_id, "called the branch manager", NOW + timedelta(days=1), "agent:1003")
        service.resolve(session, complaint_id, "The second fee was refunded on 3 Dec.", NOW + timedelta(days=2),
                        RULES, "agent:1003")

    async def follow() -> None:
        async with portal_client(database, complaint_rules=RULES, clock=ticking(NOW + timedelta(days=3))) as client:
            await log_in(client, SENIOR)
            listed = await (await client.get("/api/complaints")).json()
            assert listed["time_zone"] == "Asia/Shanghai" and "fees" in listed["categories"]
            [mine] = listed["complaints"]
            assert (mine["status"], mine["resolution"]) == ("closed", "The second fee was refunded on 3 Dec.")
            assert [s["what"] for s in mine["steps"]] == [
                "Received", "Acknowledged: we are looking into it", "Resolved"]
            assert "branch manager" not in str(mine) and "notification" not in str(mine)  # internal detail
            assert mine["closed"] == "2026-12-03 10:00"
            one = await (await client.get(f"/api/complaints/{complaint_id}")).json()
            assert one == mine

    run(follow)
