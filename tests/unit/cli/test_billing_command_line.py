"""`hotline staffing`, `tariff`, `department`, `bill` and `budget` through the real command line, as the README
shows them, from an empty state folder: the staffing of the published worked example, calls made before the
tariff rated when it is set, the client's and the department's bills (text, CSV, PDF), a budget and its
standing; bad input is one error line, exit 2, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm_core import agents
from crm_core.models import Alert, Campaign, OutboundBudget, TariffVersion
from tests.support.billing import outbound_call, shanghai
from tests.support.cli import add_client, fresh_state, readme_command, run_hotline

STAFFING = (".venv/bin/hotline staffing --calls 100 --interval-minutes 30 --aht 180 --target-sl 0.8 "
            "--answer-seconds 20 --shrinkage 0.3")
DAY = (".venv/bin/hotline staffing --forecast forecast.csv --interval-minutes 30 --aht 180 --target-sl 0.8 "
       "--answer-seconds 20 --shrinkage 0.3")
PEAK = (".venv/bin/hotline tariff set 1 0.15 --increment 6 --minimum 60 --band 08:00-20:00 --band-name peak "
        "--from 2026-11-01")
NIGHT = (".venv/bin/hotline tariff set 1 0.10 --increment 6 --minimum 60 --band 20:00-08:00 --band-name off-peak "
         "--from 2026-11-01")
LIST = ".venv/bin/hotline tariff list"
DEPARTMENT = ".venv/bin/hotline department 1001 sales"
CLIENT_BILL = ".venv/bin/hotline bill --month 2026-11 --client 100000001"
DEPARTMENT_CSV = ".venv/bin/hotline bill --month 2026-11 --department sales --csv"
PDF = ".venv/bin/hotline bill --month 2026-11 --client 100000001 --pdf bill.pdf"
BUDGET = ".venv/bin/hotline budget set --campaign autumn --month 2026-11 --limit 500.00 --alert-at 80"
STATUS = ".venv/bin/hotline budget status --month 2026-11"


def test_the_readmes_staffing_command_prints_the_worked_example(tmp_path: Path) -> None:
    result = run_hotline(tmp_path / "var", *readme_command(STAFFING))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "traffic\t10.00 erlangs", "agents\t14 on the phones", "scheduled\t20 (shrinkage 30%)",
        "service level\t88.8% answered within 20 s (target 80%)", "ASA\t7.8 s", "occupancy\t71.4%",
        "P(wait)\t17.4%"]
    bad = run_hotline(tmp_path / "var", "staffing", "--calls", "100", "--aht", "180", "--shrinkage", "1")
    assert (bad.returncode, bad.stderr) == (2, "error: shrinkage must be at least 0 and less than 1 (e.g. 0.3)\n")


def test_the_readmes_staffing_of_a_day(tmp_path: Path) -> None:
    (tmp_path / "forecast.csv").write_text("interval,calls\n09:00,100\n09:30,200\n", encoding="utf-8")
    day = run_hotline(tmp_path / "var", *readme_command(DAY))
    assert day.returncode == 0, day.stderr
    assert day.stdout.splitlines() == [
        "interval\tcalls\taht\tagents\tscheduled\tservice level\tASA\toccupancy",
        "09:00\t100\t180\t14\t20\t88.8%\t7.8 s\t71.4%",
        "09:30\t200\t180\t24\t35\t80.9%\t13.4 s\t83.3%"]
    (tmp_path / "forecast.csv").write_text("interval,calls\n09:00,100\n09:30,-5\n", encoding="utf-8")
    bad = run_hotline(tmp_path / "var", *readme_command(DAY))
    assert (bad.returncode, bad.stdout, bad.stderr) == (
        2, "", "error: forecast line 3 ('09:30,-5'): calls must be more than 0\n")
    missing = run_hotline(tmp_path / "var", "staffing", "--forecast", "none.csv", "--aht", "180")
    assert (missing.returncode, missing.stderr) == (
        2, "error: cannot read the forecast none.csv: No such file or directory\n")


@pytest.mark.timeout(600)  # 17 commands of ~1.3 s CPU each, while `make test` keeps both cores busy
def test_the_readmes_billing_commands(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    add_client(database, "100000001", "Li Na", phone="13800000001")
    with database.session() as session:
        agent = agents.create_agent(session, job_number="1001", name="Wang", password="p", sip_password="s",
                                    languages=["zh"], skills={}).id
        session.add(Campaign(code="autumn", name="Autumn funds", segment_code="all"))
        outbound_call(session, agent, "13800000001", shanghai("2026-11-03", "19:59:59"), 61)  # peak: 66 s, 0.17
        outbound_call(session, agent, "13900000002", shanghai("2026-11-03", "20:00:00"), 30)  # night: 60 s, 0.10
    peak = run_hotline(state, *readme_command(PEAK))
    night = run_hotline(state, *readme_command(NIGHT))
    assert peak.returncode == 0 and peak.stdout.endswith("; 2 calls rated\n"), peak.stderr
    assert night.returncode == 0 and night.stdout.startswith("tariff version 2 from 2026-11-01 00:00: "), night.stderr
    assert run_hotline(state, *readme_command(LIST)).stdout.splitlines()[1:] == [
        "outbound\t1\tpeak 08:00-20:00\t0.1500/min\tminimum 60 s, then by 6 s",
        "outbound\t1\toff-peak 20:00-08:00\t0.1000/min\tminimum 60 s, then by 6 s"]
    assert run_hotline(state, *readme_command(DEPARTMENT)).stdout == "agent 1001: department sales\n"

    bill = run_hotline(state, *readme_command(CLIENT_BILL))
    assert bill.returncode == 0, bill.stderr
    assert bill.stdout.splitlines() == [
        "call bill 2026-11: client Li Na (100000001), times in Asia/Shanghai",
        "2026-11-03 19:59:49\toutbound\tagent1001\t13800000001\t61 s\tbilled 66 s\t0.17",
        "total\t0.17 yuan (1 calls)"]
    lines = run_hotline(state, *readme_command(DEPARTMENT_CSV)).stdout.splitlines()
    assert lines == ["time,direction,caller,callee,agent,duration,billed,prefix,band,rate,cost",
                     "2026-11-03 19:59:49,outbound,agent1001,13800000001,1001,61,66,1,peak,0.1500,0.17",
                     "2026-11-03 19:59:50,outbound,agent1001,13900000002,1001,30,60,1,off-peak,0.1000,0.10"]
    pdf = run_hotline(state, *readme_command(PDF))
    assert pdf.returncode == 0, pdf.stderr
    assert (tmp_path / "bill.pdf").read_bytes().startswith(b"%PDF")

    budget = run_hotline(state, *readme_command(BUDGET))
    assert budget.stdout == "budget campaign autumn: 0.00 of 500.00 yuan spent in 2026-11; alert at 80 %\n"
    agent_budget = run_hotline(state, "budget", "set", "--agent", "1001", "--month", "2026-11", "--limit", "0.20")
    assert agent_budget.stdout == "budget agent 1001: 0.27 of 0.20 yuan spent in 2026-11; alert at 80 %\n"
    status = run_hotline(state, *readme_command(STATUS)).stdout.splitlines()
    assert status[0].startswith("agent 1001: 0.27 of 0.20 yuan spent in 2026-11\tSPENT: outbound calls refused\t"
                                "alerted 20")  # the alert was raised when the budget was set below the spend
    assert status[1:] == ["campaign autumn: 0.00 of 500.00 yuan spent in 2026-11\tok"]

    refusals = [
        (["bill", "--month", "2026-13", "--client", "100000001"], "error: a month is YYYY-MM, not '2026-13'\n"),
        (["tariff", "set", "12a", "0.1"], "error: a prefix is 1 to 20 digits, not '12a'\n"),
        (["tariff", "set", "1", "0.1", "--band", "8-20"], "error: a band is HH:MM-HH:MM, not '8-20'\n"),
        (["tariff", "remove", "1"], "error: no outbound line for prefix 1 in 00:00-24:00\n"),
        (["budget", "set", "--campaign", "winter", "--month", "2026-11", "--limit", "1"],
         "error: no campaign 'winter'\n"),
        (["budget", "set", "--agent", "1001", "--month", "2026-11", "--limit", "ten"],
         "error: the limit is a number of yuan, e.g. 0.15, not 'ten'\n"),
        (["department", "4040", "sales"], "error: no agent with job number 4040\n"),
    ]
    for args, message in refusals:
        refused = run_hotline(state, *args)
        assert (refused.returncode, refused.stderr) == (2, message), args
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(TariffVersion)) == 2
        assert session.scalar(select(func.count()).select_from(OutboundBudget)) == 2
        [alert] = session.scalars(select(Alert)).all()
        assert (alert.kind, alert.subject) == ("budget_threshold", "agent:1001")
    database.dispose()
