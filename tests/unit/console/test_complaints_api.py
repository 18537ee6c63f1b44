"""Complaints from the console: opened from the desk on the call (pre-filled category in the screen-pop, once per
content, audited), refused with the reason on bad input, read with their history, resolved, and shown on the
supervisors' board once overdue or escalated."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import func, select

from crm_core.complaints import service
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.models import AuditEntry, Complaint, Notification
from crm_core.models.base import utcnow
from tests.unit.console.conftest import Staff, add_customer, console_client, login, run
from tests.unit.console.doubles import FakeTelephony

COMPLAINT = {"category": "trading", "summary": "my order was filled late", "department": "Shanghai branch",
             "severity": "high"}


def test_the_desk_opens_a_complaint_on_the_call_once_and_it_is_acknowledged(database: Database,
                                                                              staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            pop = await (await client.get(f"/api/calls/{customer.call_id}/screen-pop")).json()
            first = await client.post(f"/api/calls/{customer.call_id}/complaints", json=COMPLAINT)
            again = await client.post(f"/api/calls/{customer.call_id}/complaints", json=COMPLAINT)
            assert (first.status, again.status) == (201, 201), await first.text()
            opened = await first.json()
            assert (await again.json())["id"] == opened["id"]
            shown = await (await client.get(f"/api/complaints/{opened['id']}")).json()
            return pop, opened, shown

    pop, opened, shown = run(scenario)
    assert pop["complaint_draft"] == {"category": "trading", "channel": "phone"}  # the call's IVR category
    assert (opened["status"], opened["channel"], opened["owner"], opened["call_id"], opened["severity"]) == (
        "acknowledged", "phone", "1001", customer.call_id, "high")
    assert opened["reference"] == f"C{opened['id']:06d}" and opened["resolve_by_local"]
    assert [s["action"] for s in shown["steps"]] == ["opened", "acknowledged"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Complaint).where(Complaint.call_id.is_not(None))) == 1
        [ack] = session.scalars(select(Notification).where(Notification.purpose == "complaint")).all()
        assert ack.key == f"complaint:{opened['id']}:ack"
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "desk.complaint")).first() is not None


def test_bad_input_and_other_agents_are_refused(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            bad = await client.post(f"/api/calls/{customer.call_id}/complaints", json={**COMPLAINT, "category": "x"})
            assert bad.status == 422 and "category must be one of" in (await bad.json())["error"]
            blank = await client.post(f"/api/calls/{customer.call_id}/complaints", json={**COMPLAINT, "summary": " "})
            assert blank.status == 422 and "summary cannot be empty" in (await blank.json())["error"]
            opened = await (await client.post(f"/api/calls/{customer.call_id}/complaints", json=COMPLAINT)).json()
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1002")
            other = await client.get(f"/api/complaints/{opened['id']}")
            assert other.status == 403, await other.text()
            missing = await client.get("/api/complaints/99999")
            assert missing.status == 404

    run(scenario)


def test_resolved_from_the_console_and_the_board_shows_the_overdue(database: Database, staff: Staff) -> None:
    customer = add_customer(database, staff.agent_id)
    long_ago = utcnow() - timedelta(days=40)
    rules = ComplaintRules(supervisor="9001", head_of_service="9002")
    with database.session() as session:
        late = service.open_complaint(session, category="fees", summary="no reply for weeks", channel="letter",
                                      now=long_ago, rules=rules, actor="agent:1001")
        fresh = service.open_complaint(session, category="fees", summary="today", channel="phone", now=utcnow(),
                                       rules=rules, actor="agent:1001", investor_id=customer.investor_id,
                                       owner_id=staff.agent_id)
        service.escalate_overdue(session, utcnow(), rules)
        late_id, fresh_id = late.id, fresh.id

    async def scenario() -> list[dict[str, Any]]:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            forbidden = await client.get("/api/supervisor/complaints")
            assert forbidden.status == 403
            empty = await client.post(f"/api/complaints/{fresh_id}/resolve", json={"resolution": ""})
            assert empty.status == 422
            done = await client.post(f"/api/complaints/{fresh_id}/resolve", json={"resolution": "Fee refunded."})
            assert done.status == 200 and (await done.json())["status"] == "closed"
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "9001")
            body = await (await client.get("/api/supervisor/complaints")).json()
            return list(body["complaints"])

    board = run(scenario)
    assert [(c["id"], c["escalation_level"], c["escalated_to"]) for c in board] == [(late_id, 1, "9001")]
    assert board[0]["overdue"].startswith("not resolved by")  # 40 days: both deadlines missed
    with database.session() as session:
        assert session.scalars(select(Notification.key).where(Notification.key.like("complaint:%:resolution"))
                               ).all() == [f"complaint:{fresh_id}:resolution"]


def test_a_letter_upload_refuses_what_is_not_a_letter(database: Database, staff: Staff) -> None:
    add_customer(database, staff.agent_id)

    def form(scan: bytes | None = b"%PDF-1.4", account: str = "A138000", media_type: str = "application/pdf"
             ) -> aiohttp.FormData:
        data = aiohttp.FormData(default_to_multipart=True)
        data.add_field("account_number", account)
        data.add_field("category", "fees")
        data.add_field("summary", "charged twice")
        if scan is not None:
            data.add_field("scan", io.BytesIO(scan), filename="letter.pdf", content_type=media_type)
        return data

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            for data, status, reason in [
                (form(scan=None), 422, "scan is required"),
                (form(account="A000404"), 422, "no client with account number 'A000404'"),
                (form(media_type="text/plain"), 422, "must be a PDF or an image"),
                (form(scan=b"%PDF" + b"x" * (10 * 1024 * 1024)), 413, "at most 10485760 bytes"),
            ]:
                refused = await client.post("/api/complaints/letters", data=data)
                assert refused.status == status and reason in (await refused.json())["error"], await refused.text()
            as_json = await client.post("/api/complaints/letters", json={"account_number": "A138000"})
            assert as_json.status == 400
            done = await client.post("/api/complaints/letters", data=form())
            assert done.status == 201 and (await done.json())["channel"] == "letter"

    run(scenario)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Complaint).where(Complaint.channel == "letter")) == 1


def test_only_supervisors_assign_and_the_owner_must_exist(database: Database, staff: Staff) -> None:
    with database.session() as session:
        complaint_id = service.open_complaint(session, category="fees", summary="x", channel="letter", now=utcnow(),
                                              rules=ComplaintRules(), actor="t").id

    async def scenario() -> None:
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "1001")
            agent = await client.post(f"/api/complaints/{complaint_id}/assign", json={"job_number": "1002"})
            assert agent.status == 403
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "9001")
            nobody = await client.post(f"/api/complaints/{complaint_id}/assign", json={"job_number": "7777"})
            assert nobody.status == 422 and "no agent with job number '7777'" in (await nobody.json())["error"]
            done = await client.post(f"/api/complaints/{complaint_id}/assign", json={"job_number": "1002"})
            assert done.status == 200 and (await done.json())["owner"] == "1002"

    run(scenario)
    with database.session() as session:
        assert service.get(session, complaint_id).owner_id == staff.other_agent_id
        assert [s.action for s in service.steps_of(session, complaint_id)][-1] == "assigned"
