"""The surveys report: which questions are scores (a run of at least five values), what a top score is, the
figures per interval, channel, version, question, agent and skill on hand-made surveys (one skipping a
question), and through the real tables on both backends: post-call answers and a web form's, with the
chart of each agent's average as a share of the scale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crm_core import calls
from crm_core.agents import create_agent
from crm_core.db import Database
from crm_core.models import Investor, PostCallSurvey, SurveyAttempt, SurveyTarget
from crm_core.surveys.definition import Scale, parse_survey, scale_of
from crm_core.surveys.post_call import record_post_call_answer, record_post_call_comment
from crm_core.surveys.results import Taken
from crm_core.surveys.service import create_campaign, publish, record_answer
from reports.contact_centre import Options
from reports.surveys import Version, by_agent, scores, survey_charts, surveys

AT = datetime(2026, 12, 1, 2, 10, tzinfo=UTC)
SURVEYS = Path(__file__).parents[3] / "crm_core" / "surveys"
VERSION = Version("post_call v1", {"satisfaction": Scale(1, 5), "recommend": Scale(0, 10)})


def test_scores_are_runs_of_five_values_or_more_and_the_top_is_the_top_box() -> None:
    post_call = parse_survey((SURVEYS / "post_call.json").read_text())
    satisfaction = parse_survey((SURVEYS / "satisfaction.json").read_text())
    assert [scale_of(q) for q in post_call.questions] == [Scale(1, 5), Scale(0, 10), None]  # a comment: none
    assert [scale_of(q) for q in satisfaction.questions] == [Scale(1, 5), None, None]  # a reason, yes or no
    assert [v for v in range(1, 6) if Scale(1, 5).is_top(v)] == [5]
    assert [v for v in range(11) if Scale(0, 10).is_top(v)] == [9, 10]  # NPS's promoters
    assert (Scale(1, 5).per_cent(4), Scale(0, 10).per_cent(4)) == (75.0, 40.0)


def test_each_figure_on_hand_made_surveys() -> None:
    taken = [Taken(AT, "post-call", 1, 7, "trading", {"satisfaction": 5, "recommend": 10}),
             Taken(AT + timedelta(minutes=1), "post-call", 1, 7, "trading", {"satisfaction": 4}),  # hung up
             Taken(AT + timedelta(minutes=2), "post-call", 1, 7, "trading", {"satisfaction": 2, "recommend": 8}),
             Taken(AT + timedelta(hours=1), "web", 1, None, None, {"recommend": 9})]
    names = {"7": ("1003", "Zhou Jie")}
    assert scores(taken, {1: VERSION}, "hour", "UTC", names) == [
        ["2026-12-01 02:00", "post-call", "post_call v1", "recommend", "0-10", "1003", "Zhou Jie", "trading",
         3, 2, 9.0, 50.0],
        ["2026-12-01 02:00", "post-call", "post_call v1", "satisfaction", "1-5", "1003", "Zhou Jie", "trading",
         3, 3, 3.67, 33.3],
        ["2026-12-01 03:00", "web", "post_call v1", "recommend", "0-10", None, None, None, 1, 1, 9.0, 100.0],
        ["2026-12-01 03:00", "web", "post_call v1", "satisfaction", "1-5", None, None, None, 1, 0, None, None]]
    # 5, 4, 2 of 1-5 and 10, 8 of 0-10: 100, 75, 25, 100, 80 per cent of the scale.
    assert by_agent(taken, {1: VERSION}, names) == {"1003": 76.0}


def test_through_the_answer_tables_with_the_chart(database: Database) -> None:
    with database.session() as session:
        version = publish(session, "post_call", (SURVEYS / "post_call.json").read_text(), by="test")
        agent = create_agent(session, job_number="1003", name="Zhou Jie", password="pw", sip_password="sip",
                             languages=["zh"], skills={})
        for n, (satisfaction, recommend) in enumerate((("5", "*"), ("3", None))):
            call = calls.open_call(session, channel_id=f"ch-{n}", caller_number="13800000001",
                                   dialed_number="95500")
            survey = PostCallSurvey(call_id=call.id, survey_version_id=version.id, agent_id=agent.id,
                                    skill="funds", channel_id=f"ch-{n}", started_at=AT + timedelta(minutes=n))
            session.add(survey)
            session.flush()
            record_post_call_answer(session, survey.id, "satisfaction", satisfaction, AT)
            if recommend is not None:
                record_post_call_answer(session, survey.id, "recommend", recommend, AT)
            record_post_call_comment(session, survey.id, "comment", f"comment-{n}", AT)
        investor = Investor(account_number="100000001", name="Li Na", language="zh")
        session.add(investor)
        session.flush()
        campaign = create_campaign(session, "dec", "post_call", "segment:retail")
        target = SurveyTarget(campaign_id=campaign.id, investor_id=investor.id, number="13800000001")
        session.add(target)
        session.flush()
        attempt = SurveyAttempt(campaign_id=campaign.id, target_id=target.id, number="13800000001",
                                channel_id="web-1", runner="web", started_at=AT, answered_at=AT)
        session.add(attempt)
        session.flush()
        record_answer(session, attempt.id, "recommend", "8", AT)
    day = (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC))
    with database.session() as session:
        assert surveys(session, *day, Options("day")).rows == [
            ["2026-12-01", "post-call", "post_call v1", "recommend", "0-10", "1003", "Zhou Jie", "funds",
             2, 1, 10.0, 100.0],
            ["2026-12-01", "post-call", "post_call v1", "satisfaction", "1-5", "1003", "Zhou Jie", "funds",
             2, 2, 4.0, 50.0],
            ["2026-12-01", "web", "post_call v1", "recommend", "0-10", None, None, None, 1, 1, 8.0, 0.0],
            ["2026-12-01", "web", "post_call v1", "satisfaction", "1-5", None, None, None, 1, 0, None, None]]
        [chart] = survey_charts(session, *day, Options("day"))
        assert (chart.labels, chart.values) == (["1003"], [round((100 + 100 + 50) / 3, 1)])
