"""The report pages: supervisors see the table and charts, download the CSV (the same as `hotline report
--csv`) and the PDF (made by WeasyPrint); agents are refused; bad input is a 400 saying why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from crm_core.agents import create_agent
from crm_core.call_figures import Step, Timeline
from crm_core.db import Database
from gateways.fax_documents import html_to_pdf
from reports.views import ReportViews
from tests.unit.console.conftest import PASSWORD, Staff, console_client, login, run
from tests.unit.console.doubles import FakeTelephony
from tests.unit.reports.timelines import write_call

DAY = datetime(2026, 12, 1, tzinfo=UTC)


def two_calls(database: Database, agent_id: int) -> None:
    """09:10 answered after 10 s; 14:00 answered after 40 s (outside a 20 s service level)."""
    with database.session() as session:
        for at, wait in ((DAY + timedelta(hours=9, minutes=10), 10), (DAY + timedelta(hours=14), 40)):
            queued = at + timedelta(seconds=5)
            write_call(session, Timeline(entered_at=at, ended_at=queued + timedelta(seconds=wait + 60),
                                         status="completed", skill="funds", queued_at=queued,
                                         steps=[Step(queued + timedelta(seconds=wait), "answered",
                                                     {"agent_id": agent_id})]))


def test_a_supervisor_reads_the_day_report_with_charts_csv_and_pdf(database: Database, staff: Staff) -> None:
    two_calls(database, staff.agent_id)

    async def scenario() -> dict[str, Any]:
        async with console_client(database, FakeTelephony(), reports=ReportViews(), pdf_maker=html_to_pdf) as client:
            await login(client, "9001")
            query = {"from": "2026-12-01", "to": "2026-12-01", "interval": "hour"}
            page = await client.get("/reports", params={"name": "queues", **query})
            csv = await client.get("/reports/queues.csv", params=query)
            pdf = await client.get("/reports/queues.pdf", params=query)
            bad = await client.get("/reports", params={"name": "queues", "from": "2026-12-02", "to": "2026-12-01"})
            bad_csv = await client.get("/reports/nope.csv", params=query)
            own = [await (await client.get("/reports", params={"name": name, **query})).text()
                   for name in ("complaints", "surveys")]
            return {"own": own, "page": (page.status, await page.text()), "csv": (csv.status, csv.headers.get(
                "Content-Disposition"), await csv.text()), "pdf": (pdf.status, pdf.content_type, await pdf.read()),
                "bad": (bad.status, await bad.text()), "bad_csv": (bad_csv.status, await bad_csv.text())}

    out = run(scenario)
    status, html = out["page"]
    assert status == 200
    assert html.count("<svg") == 3 and "Service level by hour" in html and "Agent occupancy" in html
    assert "<td>2026-12-01 09:00</td><td>funds</td><td>1</td>" in html
    status, disposition, csv = out["csv"]
    assert status == 200 and disposition == 'attachment; filename="queues-2026-12-01-2026-12-01.csv"'
    lines = csv.splitlines()
    assert lines[0].startswith("interval,skill,offered,answered") and len(lines) == 3
    assert lines[2].startswith("2026-12-01 14:00,funds,1,1,0,0,0,0,0.0,40.0")
    status, content_type, pdf = out["pdf"]
    assert (status, content_type) == (200, "application/pdf") and pdf.startswith(b"%PDF-") and len(pdf) > 2000
    complaints_page, surveys_page = out["own"]  # the reports with charts of their own
    assert complaints_page.count("<svg") == 2 and "Complaints resolved late, by week opened" in complaints_page
    assert "median_resolve_working_days" in complaints_page and "Service level by hour" not in complaints_page
    assert surveys_page.count("<svg") == 1 and "Survey score per agent" in surveys_page
    assert out["bad"][0] == 400 and "--to 2026-12-01 is before --from 2026-12-02" in out["bad"][1]
    assert out["bad_csv"] == (400, "unknown report 'nope' (one of queues, agents, not-ready, ivr, trading, "
                                   "complaints, surveys)")


def test_agents_and_strangers_are_refused_and_a_console_without_reports_says_so(database: Database,
                                                                                 staff: Staff) -> None:
    with database.session() as session:
        create_agent(session, job_number="9002", name="Admin", password=PASSWORD, sip_password="sip9002",
                     languages=["zh"], skills={}, role="administrator")

    async def scenario() -> list[int]:
        statuses = []
        async with console_client(database, FakeTelephony(), reports=ReportViews()) as client:
            anonymous = await client.get("/reports", allow_redirects=False)
            statuses.append(anonymous.status)
            await login(client, "1001")
            for path in ("/reports", "/reports/queues.csv", "/reports/queues.pdf"):
                statuses.append((await client.get(path)).status)
        async with console_client(database, FakeTelephony(), reports=ReportViews()) as client:
            await login(client, "9002")  # an administrator reads the reports too
            statuses += [(await client.get(path)).status for path in ("/reports", "/reports/agents.csv")]
        async with console_client(database, FakeTelephony()) as client:
            await login(client, "9001")
            statuses += [(await client.get(path)).status for path in ("/reports", "/reports/queues.pdf")]
        return statuses

    # logged out: to the login page; an agent: 403 everywhere; an administrator: 200; no reports given: 503
    assert run(scenario) == [302, 403, 403, 403, 200, 200, 503, 503]


def test_the_pages_days_and_hours_are_the_reports_zone_ones(database: Database, staff: Staff) -> None:
    """With the reports in Shanghai time, 09:10 and 14:00 UTC are 17:00 and 22:00 of the same Shanghai day,
    the period reads as that day, and the page's default period is today in Shanghai."""
    two_calls(database, staff.agent_id)
    views = ReportViews("Asia/Shanghai")

    async def scenario() -> tuple[str, str]:
        async with console_client(database, FakeTelephony(), reports=views) as client:
            await login(client, "9001")
            csv = await client.get("/reports/queues.csv", params={"from": "2026-12-01", "to": "2026-12-01",
                                                                  "interval": "hour"})
            page = await client.get("/reports")
            return await csv.text(), await page.text()

    csv, page = run(scenario)
    assert [line.split(",")[:3] for line in csv.splitlines()[1:]] == [
        ["2026-12-01 17:00", "funds", "1"], ["2026-12-01 22:00", "funds", "1"]]
    assert f'value="{views.today()}"' in page
    assert views.today(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == "2026-12-01"
    assert views.today(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == "2026-11-30"
