"""`hotline report` through the real command line: the README's commands as shown on calls ended through
calls.finish, the CSV, a rebuild that gives the same report, and one clear error line with exit 2 for a bad
date, an unknown report or interval, a threshold that is not kept, a period that ends before it starts (the
aggregates untouched)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete

from crm_core import calls
from crm_core.call_figures import Step, Timeline
from crm_core.complaints import service
from crm_core.complaints.deadlines import parse_policy
from crm_core.complaints.rules import ComplaintRules
from crm_core.complaints.settings import ComplaintSettings
from crm_core.models import PostCallSurvey, report_intervals
from crm_core.surveys.calendar import Calendar
from crm_core.surveys.post_call import record_post_call_answer
from crm_core.surveys.service import publish
from tests.support.cli import fresh_state, readme_command, run_hotline
from tests.unit.reports.timelines import aggregate_rows, ensure_agents, write_call

COMMANDS = [  # exactly as the README shows them
    ".venv/bin/hotline report queues --from 2026-12-01 --to 2026-12-01 --interval hour",
    ".venv/bin/hotline report agents --from 2026-12-01 --to 2026-12-31 --interval month --csv",
    ".venv/bin/hotline report rebuild --from 2026-12-01 --to 2026-12-31",
]
DAY = datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Shanghai"))  # days are `[reports] time_zone` ones
SURVEY = Path(__file__).parents[3] / "crm_core" / "surveys" / "post_call.json"


def answered_call(entered: datetime, wait: float, talk: float, agent: int) -> Timeline:
    queued = entered + timedelta(seconds=10)
    answer = queued + timedelta(seconds=wait)
    return Timeline(entered_at=entered, ended_at=answer + timedelta(seconds=talk), status="completed",
                    skill="trading", queued_at=queued, steps=[Step(answer, "answered", {"agent_id": agent})])


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """Three calls on 1 December between 09:00 and 10:00 Shanghai time (01:00 to 02:00 UTC):
    answered at 12 s and 20 s, one abandoned at 3 s."""
    state = tmp_path / "var"
    database = fresh_state(state)
    with database.session() as session:
        ensure_agents(session, 2)
        write_call(session, answered_call(DAY + timedelta(hours=9, minutes=5), 12, 100, 1))
        write_call(session, answered_call(DAY + timedelta(hours=9, minutes=40), 20, 200, 2))
        write_call(session, Timeline(entered_at=DAY + timedelta(hours=9, minutes=50), status="abandoned",
                                     ended_at=DAY + timedelta(hours=9, minutes=50, seconds=13), skill="trading",
                                     queued_at=DAY + timedelta(hours=9, minutes=50, seconds=10)))
    database.dispose()
    return state


def test_the_readmes_report_commands(state: Path) -> None:
    queues, agents, rebuilt = [run_hotline(state, *readme_command(line)) for line in COMMANDS]
    assert [r.returncode for r in (queues, agents, rebuilt)] == [0, 0, 0], [queues.stderr, agents.stderr]
    header, row = queues.stdout.splitlines()
    assert header.split() == ["interval", "skill", "offered", "answered", "abandoned", "abandoned_short",
                              "overflowed", "transferred", "service_level_pct", "asa_s", "aht_s", "avg_talk_s",
                              "avg_hold_s", "longest_wait_s", "callbacks_queue", "callbacks_desk",
                              "callbacks_portal", "callbacks_made", "callbacks_reached", "callbacks_failed",
                              "callbacks_cancelled"]
    assert row.split() == ["2026-12-01", "09:00", "trading", "3", "2", "1", "1", "0", "0", "100.0", "16.0",
                           "150.0", "150.0", "0.0", "20.0", *"0000000"]
    assert list(csv.reader(io.StringIO(agents.stdout)))[1:] == [
        ["2026-12", "8001", "Agent 1", "1", "100.0", "0.0", "100.0", "0", "0.0", "0.0", "0.0", "0.0", "", "0", ""],
        ["2026-12", "8002", "Agent 2", "1", "200.0", "0.0", "200.0", "0", "0.0", "0.0", "0.0", "0.0", "", "0", ""]]
    assert rebuilt.stdout == "rebuilt 2026-12-01 to 2026-12-31: 3 calls and 0 agent state changes read\n"
    assert run_hotline(state, *readme_command(COMMANDS[0])).stdout == queues.stdout


def test_a_rebuild_brings_back_lost_aggregates(state: Path) -> None:
    database = fresh_state(state)
    with database.session() as session:
        session.execute(delete(report_intervals))
    empty = run_hotline(state, "report", "queues", "--from", "2026-12-01", "--to", "2026-12-01", "--csv")
    assert empty.stdout.splitlines()[1:] == []
    assert run_hotline(state, "report", "rebuild", "--from", "2026-12-01", "--to", "2026-12-01").returncode == 0
    again = run_hotline(state, "report", "queues", "--from", "2026-12-01", "--to", "2026-12-01", "--csv")
    assert again.stdout.splitlines()[1] == "2026-12-01,trading,3,2,1,1,0,0,100.0,16.0,150.0,150.0,0.0,20.0" + ",0" * 7
    database.dispose()


def test_days_and_intervals_are_the_reports_time_zone_ones(state: Path) -> None:
    """The same calls by UTC day and hour when the setting says UTC; a zone that does not exist is one error."""
    utc = run_hotline(state, "report", "queues", "--from", "2026-12-01", "--to", "2026-12-01", "--interval", "hour",
                      "--csv", env={"HOTLINE_REPORTS_TIME_ZONE": "UTC"})
    assert [line.split(",")[:3] for line in utc.stdout.splitlines()[1:]] == [["2026-12-01 01:00", "trading", "3"]]
    bad = run_hotline(state, "report", "queues", "--from", "2026-12-01", "--to", "2026-12-01",
                      env={"HOTLINE_REPORTS_TIME_ZONE": "Mars/Olympus"})
    assert (bad.returncode, bad.stderr) == (2, "error: unknown time zone 'Mars/Olympus' (an IANA name such as "
                                               "Asia/Shanghai)\n")


@pytest.mark.parametrize(("args", "message"), [
    (["queues", "--from", "2026-12-32", "--to", "2026-12-31"], "error: --from '2026-12-32' is not a date (YYYY-MM-DD)"),
    (["rebuild", "--from", "2026-12-01", "--to", "yesterday"], "error: --to 'yesterday' is not a date (YYYY-MM-DD)"),
    (["rebuild", "--from", "2026-12-02", "--to", "2026-12-01"], "error: --to 2026-12-01 is before --from 2026-12-02"),
    (["calls", "--from", "2026-12-01", "--to", "2026-12-01"],
     "error: unknown report 'calls' (one of queues, agents, not-ready, ivr, trading, complaints, surveys, "
     "or rebuild)"),
    (["queues", "--from", "2026-12-01", "--to", "2026-12-01", "--interval", "week"],
     "error: unknown interval 'week' (one of 15m, hour, day, month)"),
    (["queues", "--from", "2026-12-01", "--to", "2026-12-01", "--service-level", "25"],
     "error: --service-level 25: one of 5, 10, 15, 20, 30, 45, 60, 90, 120, 180 seconds"),
])
def test_bad_input_is_one_line_and_exit_2_and_loses_nothing(state: Path, args: list[str], message: str) -> None:
    database = fresh_state(state)
    with database.session() as session:
        before = aggregate_rows(session)
    result = run_hotline(state, "report", *args)
    assert (result.returncode, result.stderr, result.stdout) == (2, message + "\n", "")
    with database.session() as session:
        assert aggregate_rows(session) == before and len(before) == 8  # per 15 minutes: 3 ivr, 3 skill, 2 agents
    database.dispose()


def test_a_database_without_the_reports_tables_is_one_line(tmp_path: Path) -> None:
    state = tmp_path / "var"
    state.mkdir()
    result = run_hotline(state, "report", "queues", "--from", "2026-12-01", "--to", "2026-12-01")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: the database could not give the report (OperationalError); is it at the "
                             "newest schema (`hotline db upgrade`)?\n")


def test_the_readmes_pdf_report(state: Path, tmp_path: Path) -> None:
    shown = readme_command("hotline report queues --from 2026-12-01 --to 2026-12-01 --interval hour --pdf day.pdf")
    target = tmp_path / "day.pdf"
    result = run_hotline(state, *shown[:-1], str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Hotline report: queues by hour, 2026-12-01: 1 rows written to {target}\n"
    assert target.read_bytes().startswith(b"%PDF-") and target.stat().st_size > 2000
    both = run_hotline(state, "report", "queues", "--from", "2026-12-01", "--to", "2026-12-01", "--csv", "--pdf", "x")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    unwritable = run_hotline(state, "report", "queues", "--from", "2026-12-01", "--to", "2026-12-01", "--pdf",
                             str(tmp_path / "no-such-folder" / "day.pdf"))
    assert unwritable.returncode == 1 and unwritable.stderr.startswith("error: cannot write")


OWN_COMMANDS = [  # exactly as the README shows them
    ".venv/bin/hotline report complaints --from 2026-12-01 --to 2026-12-31 --interval month",
    ".venv/bin/hotline report surveys --from 2026-12-01 --to 2026-12-31 --csv",
]


def test_the_complaints_and_surveys_reports_on_the_command_line(tmp_path: Path) -> None:
    """A complaint resolved on time, a day and a half after it came in (with the default `[complaints]`
    settings), and a post-call survey with a skipped question, through the README's commands."""
    state = tmp_path / "var"
    database = fresh_state(state)
    rules = ComplaintRules(parse_policy(ComplaintSettings().policy), Calendar("CN"))
    with database.session() as session:
        complaint = service.open_complaint(session, category="fees", summary="x", channel="fax", now=DAY,
                                           rules=rules, actor="fax:1", sender="02100000000")
        service.resolve(session, complaint.id, "refunded", DAY + timedelta(hours=36), rules, "agent:1")
        version = publish(session, "post_call", SURVEY.read_text(), by="test")
        call = calls.open_call(session, channel_id="ch-1", caller_number="13800000001", dialed_number="95500")
        survey = PostCallSurvey(call_id=call.id, survey_version_id=version.id, skill="funds", channel_id="ch-1",
                                started_at=DAY + timedelta(hours=9))
        session.add(survey)
        session.flush()
        record_post_call_answer(session, survey.id, "satisfaction", "4", DAY + timedelta(hours=9))
    database.dispose()
    complaints, surveys = [run_hotline(state, *readme_command(line)) for line in OWN_COMMANDS]
    assert (complaints.returncode, surveys.returncode) == (0, 0), (complaints.stderr, surveys.stderr)
    header, row = complaints.stdout.splitlines()
    assert header.split()[:8] == ["interval", "category", "opened", "acknowledged_on_time", "acknowledged_late",
                                  "resolved_on_time", "resolved_late", "open_overdue"]
    assert row.split() == ["2026-12", "fees", "1", "0", "0", "1", "0", "0", "0", "0", "-", "1.5"]
    assert list(csv.reader(io.StringIO(surveys.stdout)))[1:] == [
        ["2026-12-01", "post-call", "post_call v1", "recommend", "0-10", "", "", "funds", "1", "0", "", ""],
        ["2026-12-01", "post-call", "post_call v1", "satisfaction", "1-5", "", "", "funds", "1", "1", "4.0", "0.0"]]
