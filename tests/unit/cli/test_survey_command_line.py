"""`hotline survey ...` through the real command line: publish versions, create a campaign, forbid a number,
ask for a batch, status and results; bad input is one error line and exit 2, and changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from crm_core.agents import create_agent
from crm_core.models import (
    Call,
    CallDisposition,
    DoNotCall,
    Notification,
    SegmentMembership,
    SurveyCampaign,
    SurveyVersion,
)
from crm_core.models.base import utcnow
from crm_core.surveys.dialing import Outcome
from crm_core.surveys.post_call import (
    begin_post_call,
    finish_post_call,
    record_post_call_answer,
    record_post_call_comment,
)
from crm_core.surveys.post_call_policy import PostCallPolicy
from crm_core.surveys.service import claim_due, finish_attempt, load_targets, mark_answered, record_answer
from tests.support.cli import add_client, fresh_state, readme_command, run_hotline
from tests.unit.surveys.test_definition import example

EXAMPLE = Path(__file__).resolve().parents[3] / "crm_core" / "surveys" / "satisfaction.json"


def test_publish_campaign_forbid_run_status_and_results(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    for n in (1, 2):
        investor_id = add_client(database, f"10000000{n}", f"Client {n}", phone=f"1380000000{n}")
        with database.session() as session:
            session.add(SegmentMembership(investor_id=investor_id, segment_code="retail", path="root/retail"))

    shown = readme_command("hotline survey publish satisfaction crm_core/surveys/satisfaction.json")
    published = run_hotline(state, *shown[:-1], str(EXAMPLE))
    assert (published.returncode, published.stdout) == (0, "satisfaction v1\n"), published.stderr
    assert run_hotline(state, "survey", "publish", "satisfaction", str(EXAMPLE)).stdout == "satisfaction v2\n"

    created = run_hotline(state, *readme_command(
        "hotline survey campaign dec --survey satisfaction --source segment:retail --max-attempts 2 "
        "--window 09:00-21:00 --retry busy=600,no_answer=3600"))
    assert created.returncode == 0 and created.stdout == "dec\tsegment:retail\tready\n", created.stderr
    forbidden = run_hotline(state, *readme_command(
        "hotline survey forbid 138-0000-0002 --reason 'asked not to be called'"))
    assert forbidden.stdout == "13800000002\n"

    asked = run_hotline(state, "survey", "run", "dec", "--no-wait")
    assert asked.returncode == 0 and asked.stdout == "dec: batch requested\n", asked.stderr
    nobody = run_hotline(state, "survey", "run", "dec", "--start-timeout", "1")
    assert nobody.returncode == 1 and "no service took campaign dec" in nobody.stderr

    with database.session() as session:  # what a service's batch would have done
        campaign = session.scalars(select(SurveyCampaign)).one()
        assert json.loads(campaign.policy) == {"max_attempts": 2, "window_from": "09:00", "window_until": "21:00",
                                               "retry_seconds": {"busy": 600, "no_answer": 3600}}
        load_targets(session, campaign, utcnow())
        (claim,) = claim_due(session, campaign, (utcnow() + timedelta(days=1)).replace(hour=4), set(), 5, "test")
        mark_answered(session, claim.attempt_id, utcnow())
        record_answer(session, claim.attempt_id, "satisfaction", "4", utcnow())
        finish_attempt(session, claim.attempt_id, Outcome.PARTIAL, "hung up", utcnow())

    status = run_hotline(state, *readme_command("hotline survey status"))
    assert status.stdout.startswith("dec\tsatisfaction v2\trequested\ttargets 2\tdialled 1\tanswered 1\tcompleted 0\t"
                                    "remaining 0"), status.stdout
    one = run_hotline(state, "survey", "status", "dec")
    assert "  partial     1" in one.stdout.splitlines()
    found = run_hotline(state, *readme_command("hotline survey results dec"))
    assert found.stdout.splitlines()[1].split("\t")[1:] == ["dec", "", "", "satisfaction", "4", "1"], found.stdout


def test_bad_input_is_one_error_line_and_changes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    broken = tmp_path / "broken.json"
    document = example()
    document["questions"][0]["branches"] = [{"if": "satisfaction <= 2", "goto": "nowhere"}]
    broken.write_text(json.dumps(document))
    cases = [
        (("survey", "publish", "satisfaction", str(broken)), "'nowhere' is not a later question"),
        (("survey", "publish", "satisfaction", str(tmp_path / "missing.json")), "cannot read"),
        (("survey", "campaign", "x", "--survey", "satisfaction", "--source", "segment:retail"), "no survey"),
        (("survey", "campaign", "x", "--survey", "s", "--source", "birthday"), "source 'birthday'"),
        (("survey", "campaign", "x", "--survey", "s", "--source", "segment:a", "--retry", "busy"), "outcome=seconds"),
        (("survey", "campaign", "x", "--survey", "s", "--source", "segment:a", "--window", "21:00-09:00"), "window"),
        (("survey", "forbid", "no number"), "not a phone number"),
        (("survey", "run", "nope"), "no survey campaign 'nope'"),
        (("survey", "status", "nope"), "no survey campaign 'nope'"),
    ]
    for args, message in cases:
        done = run_hotline(state, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.startswith("error: ") and message in done.stderr and len(done.stderr.splitlines()) == 1, \
            (args, done.stderr)
    with database.session() as session:
        assert not session.scalars(select(SurveyVersion)).all() and not session.scalars(select(DoNotCall)).all()


POST_CALL = Path(__file__).resolve().parents[3] / "crm_core" / "surveys" / "post_call.json"


def test_the_post_call_survey_is_published_and_its_results_listed_with_agent_skill_and_disposition(
        tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    investor_id = add_client(database, "100000001", "Client 1", phone="13800000001")
    shown = readme_command("hotline survey publish post-call crm_core/surveys/post_call.json")
    published = run_hotline(state, *shown[:-1], str(POST_CALL))
    assert (published.returncode, published.stdout) == (0, "post-call v1\n"), published.stderr

    at = datetime(2026, 12, 3, 2, 30, tzinfo=UTC)
    with database.session() as session:  # what the service does when the agent hangs up and the caller answers
        agent = create_agent(session, job_number="2001", name="Agent", password="pw", sip_password="sip",
                             languages=["zh"], skills={"trading": 9})
        call = Call(channel_id="chan", caller_number="13800000001", investor_id=investor_id, language="zh",
                    category="trading", agent_id=agent.id, status="completed", answered_at=at, ended_at=at)
        session.add(call)
        session.flush()
        _, start = begin_post_call(session, PostCallPolicy("post-call"), call.id, "chan", at)
        assert start is not None
        record_post_call_answer(session, start.survey_id, "satisfaction", "5", at)
        record_post_call_answer(session, start.survey_id, "recommend", "*", at)
        record_post_call_comment(session, start.survey_id, "comment", "survey-comment-x-comment", at)
        finish_post_call(session, start.survey_id, Outcome.COMPLETED, "2 answer(s)", at)
        session.add(CallDisposition(call_id=call.id, agent_id=agent.id, code="resolved", at=at))  # after the call
        call_id = call.id

    listed = run_hotline(state, *readme_command("hotline survey post-call --from 2026-12-01 --to 2026-12-31"))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "started\tcall\tagent\tskill\tdisposition\toutcome\tanswers\tcomments",
        f"2026-12-03 02:30:00\t{call_id}\t2001\ttrading\tresolved\tcompleted\tsatisfaction=5 recommend=10\t"
        "comment=survey-comment-x-comment"]
    other_month = run_hotline(state, "survey", "post-call", "--from", "2026-11-01", "--to", "2026-11-30")
    assert other_month.stdout.splitlines() == ["started\tcall\tagent\tskill\tdisposition\toutcome\tanswers\tcomments"]
    backwards = run_hotline(state, "survey", "post-call", "--from", "2026-12-31", "--to", "2026-12-01")
    assert backwards.returncode == 2 and "is before --from" in backwards.stderr and not backwards.stdout


def test_send_queues_the_survey_link_once_per_target_and_refuses_bad_input(tmp_path: Path) -> None:
    state = tmp_path / "var"
    database = fresh_state(state)
    for n in (1, 2):
        investor_id = add_client(database, f"10000000{n}", f"Client {n}", email=f"c{n}@example.com",
                                 phone=f"1380000000{n}")
        with database.session() as session:
            session.add(SegmentMembership(investor_id=investor_id, segment_code="retail", path="root/retail"))
    assert run_hotline(state, "survey", "publish", "satisfaction", str(EXAMPLE)).returncode == 0
    assert run_hotline(state, "survey", "campaign", "dec", "--survey", "satisfaction", "--source",
                       "segment:retail").returncode == 0
    with database.session() as session:
        load_targets(session, session.scalars(select(SurveyCampaign)).one(), utcnow())

    for bad, message in ((["--by", "email"], "give --base-url"),
                         (["--by", "email", "--base-url", "ftp://x"], "base URL"),
                         (["--by", "email", "--base-url", "https://x", "--days", "0"], "1 to 90 days"),
                         (["--by", "fax", "--base-url", "https://x"], "invalid choice")):
        refused = run_hotline(state, "survey", "send", "dec", *bad)
        assert refused.returncode == 2 and message in refused.stderr, (bad, refused.stderr)
    unknown = run_hotline(state, "survey", "send", "nov", "--by", "sms", "--base-url", "https://x")
    assert unknown.returncode == 2 and "no survey campaign 'nov'" in unknown.stderr
    with database.session() as session:
        assert session.scalars(select(Notification)).all() == []  # nothing queued by a refused command

    shown = readme_command("hotline survey send dec --by email --base-url https://my.example.com")
    sent = run_hotline(state, *shown)
    assert (sent.returncode, sent.stdout) == (0, "dec\temail\tqueued 2\talready sent 0\tskipped 0\n"), \
        sent.stderr
    again = run_hotline(state, *shown)
    assert again.stdout == "dec\temail\tqueued 0\talready sent 2\tskipped 0\n"
    with database.session() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(r.template, r.channel, r.address, r.status) for r in rows] == [
            ("survey_link", "email", "c1@example.com", "queued"), ("survey_link", "email", "c2@example.com", "queued")]
        assert all(r.data["form_url"] == "https://my.example.com/survey/" for r in rows)
