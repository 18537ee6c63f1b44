"""Survey campaigns in the database, on a test clock: versions, targets from a segment, a list or an event,
the do-not-call list, claims before dialling, outcomes and retries, a runner taking over from a dead one,
progress and results per agent, skill and week."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.agents import create_agent
from crm_core.db import Database
from crm_core.models import (
    Agent,
    Call,
    Campaign,
    CampaignTarget,
    Complaint,
    Investor,
    InvestorDetail,
    InvestorPhone,
    SegmentMembership,
    SurveyAttempt,
    SurveyTarget,
)
from crm_core.surveys.definition import SurveyError
from crm_core.surveys.dialing import Outcome, PolicyError
from crm_core.surveys.results import progress, results
from crm_core.surveys.service import (
    CampaignError,
    campaign_named,
    claim_due,
    create_campaign,
    finish_attempt,
    forbid,
    hand_back_lease,
    load_targets,
    mark_answered,
    next_callable,
    publish,
    record_answer,
    remaining,
    request_run,
    runnable,
    survey_of,
    take_lease,
)
from crm_core.surveys.targets import SourceError
from tests.unit.surveys.test_definition import example

NOON = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, a Wednesday
NIGHT = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
POLICY = {"max_attempts": 2, "retry_seconds": {"busy": 600, "no_answer": 1800}}


def investor(session: Session, n: int, path: str = "", phone: bool = True) -> int:
    row = Investor(account_number=f"3000{n:04d}", name=f"Client {n}", language="en" if n % 2 else "zh")
    session.add(row)
    session.flush()
    if phone:
        session.add(InvestorPhone(investor_id=row.id, number=f"1390000{n:04d}"))
    if path:
        session.add(SegmentMembership(investor_id=row.id, segment_code=path.split("/")[-1], path=path))
    session.flush()
    return row.id


def new_agent(session: Session, job_number: str) -> Agent:
    return create_agent(session, job_number=job_number, name=f"Agent {job_number}", password="pw", sip_password="sip",
                        languages=["zh"], skills={})


@pytest.fixture
def db(database: Database) -> Database:
    with database.session() as session:
        publish(session, "satisfaction", example(), by="test")
    return database


def test_a_new_version_does_not_change_a_campaign_that_asks_an_earlier_one(db: Database) -> None:
    with db.session() as session:
        first = create_campaign(session, "dec-1", "satisfaction", "segment:retail", POLICY)
        changed = example()
        changed["questions"][2]["text"]["en"] = "Would you tell a friend about us? 1 yes, 2 no."
        second = publish(session, "satisfaction", changed)
        later = create_campaign(session, "dec-2", "satisfaction", "segment:retail")
        assert second.version == 2 and first.survey_version_id != later.survey_version_id
        asked = [survey_of(session, c.survey_version_id).question("recommend").text["en"] for c in (first, later)]
        assert asked[0].startswith("Would you recommend") and asked[1].startswith("Would you tell")


def test_bad_campaigns_and_surveys_are_refused(db: Database) -> None:
    with db.session() as session:
        with pytest.raises(SurveyError):
            publish(session, "satisfaction", {"questions": []})
        with pytest.raises(CampaignError, match="no survey 'nps'"):
            create_campaign(session, "c", "nps", "segment:retail")
        with pytest.raises(SourceError, match="the events are"):
            create_campaign(session, "c", "satisfaction", "event:birthday")
        with pytest.raises(PolicyError, match="unknown policy field"):
            create_campaign(session, "c", "satisfaction", "segment:retail", {"max_tries": 2})
        create_campaign(session, "c", "satisfaction", "segment:retail")
        with pytest.raises(CampaignError, match="exists"):
            create_campaign(session, "c", "satisfaction", "segment:retail")


def test_targets_from_a_segment_leave_out_clients_without_a_phone_and_block_do_not_call(db: Database) -> None:
    with db.session() as session:
        ids = [investor(session, 1, "root/retail"), investor(session, 2, "root/retail/young"),
               investor(session, 3, "root/vip"), investor(session, 4, "root/retail", phone=False)]
        forbid(session, "139-0000-0002", "asked not to be called")
        campaign = create_campaign(session, "seg", "satisfaction", "segment:retail", POLICY)
        assert load_targets(session, campaign, NOON) == 2
        assert load_targets(session, campaign, NOON) == 0  # each client once per campaign
        targets = {t.investor_id: t for t in session.scalars(select(SurveyTarget))}
        assert targets[ids[0]].status == "pending" and targets[ids[0]].language == "en"
        assert targets[ids[1]].status == "do_not_call"


def test_targets_from_the_marketing_list_and_from_events(db: Database) -> None:
    with db.session() as session:
        a, b, c = (investor(session, n) for n in (11, 12, 13))
        agent = new_agent(session, "7001")
        marketing = Campaign(code="bonds", name="Bonds", segment_code="retail")
        session.add(marketing)
        session.flush()
        session.add(CampaignTarget(campaign_id=marketing.id, investor_id=b))
        session.add(Call(channel_id="c1", investor_id=a, agent_id=agent.id, category="trading",
                         entered_at=NOON - timedelta(hours=1)))
        session.add(Call(channel_id="c0", investor_id=c, entered_at=NOON - timedelta(days=1)))  # yesterday
        session.add(Complaint(investor_id=c, agent_id=agent.id, category="fees", summary="x", status="closed",
                              closed_at=NOON - timedelta(minutes=5)))
        listed = create_campaign(session, "list", "satisfaction", "list:bonds")
        called = create_campaign(session, "called", "satisfaction", "event:called_today")
        closed = create_campaign(session, "closed", "satisfaction", "event:complaint_closed")
        for campaign in (listed, called, closed):
            load_targets(session, campaign, NOON)
        targets = session.scalars(select(SurveyTarget))
        by_campaign = {(t.campaign_id, t.investor_id, t.agent_id, t.skill) for t in targets}
        assert by_campaign == {(listed.id, b, None, None), (called.id, a, agent.id, "trading"),
                               (closed.id, c, agent.id, "fees")}
        with pytest.raises(SourceError, match="no marketing campaign 'shares'"):
            load_targets(session, create_campaign(session, "x", "satisfaction", "list:shares"), NOON)


def test_claims_respect_the_window_the_limit_and_a_number_forbidden_after_loading(db: Database) -> None:
    with db.session() as session:
        for n in range(1, 6):
            investor(session, n, "root/retail")
        campaign = create_campaign(session, "win", "satisfaction", "segment:retail", POLICY)
        load_targets(session, campaign, NOON)
        assert claim_due(session, campaign, NIGHT, set(), 10, "r1") == []  # 22:00 in Shanghai
        assert claim_due(session, campaign, NOON, {NOON.date()}, 10, "r1") == []  # a holiday
        forbid(session, "13900000001")
        claims = claim_due(session, campaign, NOON, set(), 3, "r1")
        assert [c.number for c in claims] == ["13900000002", "13900000003", "13900000004"]
        assert [c.channel_id for c in claims] == [f"survey-{campaign.id}-{c.target_id}-1" for c in claims]
        assert len(claim_due(session, campaign, NOON, set(), 10, "r1")) == 1  # the others are being called
        statuses = sorted(t.status for t in session.scalars(select(SurveyTarget)))
        assert statuses == ["calling"] * 4 + ["do_not_call"]


def test_outcomes_store_answers_and_schedule_retries_until_the_attempts_are_spent(db: Database) -> None:
    with db.session() as session:
        investor(session, 1, "root/retail")
        investor(session, 2, "root/retail")
        campaign = create_campaign(session, "out", "satisfaction", "segment:retail", POLICY)
        load_targets(session, campaign, NOON)
        first, second = claim_due(session, campaign, NOON, set(), 10, "r1")
        mark_answered(session, first.attempt_id, NOON, "HUMAN/HUMAN-500-500")
        record_answer(session, first.attempt_id, "satisfaction", "2", NOON)
        record_answer(session, first.attempt_id, "reason", "1", NOON)
        assert finish_attempt(session, first.attempt_id, Outcome.COMPLETED, "", NOON).status == "done"
        retry = finish_attempt(session, second.attempt_id, Outcome.BUSY, "busy", NOON)
        assert (retry.status, retry.at) == ("pending", NOON + timedelta(seconds=600))
        assert finish_attempt(session, second.attempt_id, Outcome.COMPLETED, "again", NOON).status == "pending"
        assert claim_due(session, campaign, NOON + timedelta(seconds=599), set(), 10, "r1") == []
        (again,) = claim_due(session, campaign, NOON + timedelta(seconds=600), set(), 10, "r1")
        assert again.attempt == 2 and again.channel_id.endswith("-2")
        assert finish_attempt(session, again.attempt_id, Outcome.NO_ANSWER, "", NOON).status == "exhausted"
        assert remaining(session, campaign.id) == 0
        done = progress(session, campaign_named(session, "out"))
        assert (done.targets, done.dialled, done.answered, done.completed, done.remaining) == (2, 3, 1, 1, 0)
        assert done.outcomes == {"completed": 1, "no_answer": 1}


def test_a_runner_taking_over_closes_what_a_dead_runner_left_open(db: Database) -> None:
    with db.session() as session:
        for n in (1, 2, 3):
            investor(session, n, "root/retail")
        campaign = create_campaign(session, "lease", "satisfaction", "segment:retail", POLICY)
        load_targets(session, campaign, NOON)
        assert take_lease(session, campaign, "dead", NOON, 30)
        heard, rang, _ = claim_due(session, campaign, NOON, set(), 3, "dead")
        mark_answered(session, heard.attempt_id, NOON)
        record_answer(session, heard.attempt_id, "satisfaction", "4", NOON)
        finish_attempt(session, _.attempt_id, Outcome.COMPLETED, "", NOON)
        assert not take_lease(session, campaign, "next", NOON + timedelta(seconds=29), 30)
        assert take_lease(session, campaign, "next", NOON + timedelta(seconds=31), 30)
        attempts = {a.id: a for a in session.scalars(select(SurveyAttempt))}
        assert attempts[heard.attempt_id].outcome == "partial"
        assert attempts[rang.attempt_id].outcome == "interrupted"
        targets = {t.id: t for t in session.scalars(select(SurveyTarget))}
        assert targets[heard.target_id].status == "done"  # reached: never called again
        assert targets[rang.target_id].status == "pending" and targets[rang.target_id].attempts == 1
        assert claim_due(session, campaign, NOON + timedelta(seconds=31), set(), 3, "next") == []  # retry delay
        (retried,) = claim_due(session, campaign, NOON + timedelta(hours=1), set(), 3, "next")
        assert retried.target_id == rang.target_id and retried.attempt == 2


def test_a_runner_stopped_cleanly_hands_the_lease_back_at_once(db: Database) -> None:
    with db.session() as session:
        investor(session, 1, "root/retail")
        campaign = create_campaign(session, "stop", "satisfaction", "segment:retail", POLICY)
        request_run(session, "stop")
        load_targets(session, campaign, NOON)
        assert take_lease(session, campaign, "stopping", NOON, 30)
        (left,) = claim_due(session, campaign, NOON, set(), 3, "stopping")
        assert runnable(session, NOON) == []
        hand_back_lease(session, campaign, "stopping")
        assert runnable(session, NOON) == ["stop"]  # not after the lease's 30 s: now
        assert take_lease(session, campaign, "restarted", NOON, 30)
        assert session.get(SurveyAttempt, left.attempt_id).outcome == "interrupted"  # type: ignore[union-attr]


def test_results_are_counted_per_week_agent_skill_question_and_key(db: Database) -> None:
    with db.session() as session:
        ids = [investor(session, n) for n in (1, 2, 3)]
        agent = new_agent(session, "7002")
        session.flush()
        for i in ids:
            session.add(Call(channel_id=f"c{i}", investor_id=i, agent_id=agent.id, category="funds",
                             entered_at=NOON - timedelta(hours=1)))
        campaign = create_campaign(session, "res", "satisfaction", "event:called_today")
        load_targets(session, campaign, NOON)
        for claim, key in zip(claim_due(session, campaign, NOON, set(), 3, "r"), "552", strict=True):
            record_answer(session, claim.attempt_id, "satisfaction", key, NOON + timedelta(days=7))
        rows = results(session, "res")
        assert [(r.week.isoformat(), r.agent_id, r.skill, r.question, r.key, r.answers) for r in rows] == [
            ("2026-12-07", agent.id, "funds", "satisfaction", "2", 1),
            ("2026-12-07", agent.id, "funds", "satisfaction", "5", 2)]
        assert json.loads(campaign.policy) == {}


def test_the_next_callable_moment_skips_closed_windows_and_holidays(db: Database) -> None:
    with db.session() as session:
        investor(session, 1, "root/retail")
        campaign = create_campaign(session, "next", "satisfaction", "segment:retail", POLICY)
        assert next_callable(session, campaign.id, NOON, set()) is None  # nothing pending
        load_targets(session, campaign, NOON)
        assert next_callable(session, campaign.id, NOON, set()) == NOON
        thursday_9 = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
        assert next_callable(session, campaign.id, NIGHT, set()) == thursday_9
        assert next_callable(session, campaign.id, NOON, {NOON.date()}) == thursday_9


def test_a_client_is_called_within_the_window_of_their_own_time_zone(db: Database) -> None:
    """09:00-21:00 in the client's zone when the CRM knows it (a name that names no zone: the campaign's)."""
    with db.session() as session:
        shanghai, london, wrong = (investor(session, n, "root/retail") for n in (1, 2, 3))
        session.add_all([InvestorDetail(investor_id=london, time_zone="Europe/London"),
                         InvestorDetail(investor_id=wrong, time_zone="Mars/Olympus")])
        campaign = create_campaign(session, "zones", "satisfaction", "segment:retail", POLICY)
        early = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, 02:00 in London
        load_targets(session, campaign, early)
        zones = {t.investor_id: t.timezone for t in session.scalars(select(SurveyTarget))}
        assert zones == {shanghai: "", london: "Europe/London", wrong: ""}
        assert [c.number for c in claim_due(session, campaign, early, set(), 10, "r1")] == \
            ["13900000001", "13900000003"]
        assert [c.number for c in claim_due(session, campaign, NIGHT, set(), 10, "r1")] == \
            ["13900000002"]  # 22:00 in Shanghai is 14:00 in London
