"""Reviews in the database: published forms are versioned, calls are found by each criterion, a review is
saved once it fits the form, and review scores enter the agents' report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_core import recordings, reviews
from crm_core.call_figures import Step, Timeline
from crm_core.db import Database
from crm_core.models import CallDisposition, CallReview
from crm_core.reviews import CallFilter, ReviewError, ReviewFormError, ScoreError
from hotline.demo import load_demo_data
from reports import contact_centre
from reports.contact_centre import Options
from tests.unit.reports.timelines import ensure_agents, write_call

DAY = datetime(2026, 12, 1, tzinfo=UTC)
FORM = {"title": "One item", "sections": [{"id": "all", "title": "All", "weight": 1, "items": [
    {"id": "overall", "text": "Overall", "weight": 1, "max": 4}]}]}


def answered_call(session, agent: int, at: datetime, skill: str = "funds") -> str:  # type: ignore[no-untyped-def]
    queued = at + timedelta(seconds=5)
    return write_call(session, Timeline(entered_at=at, ended_at=queued + timedelta(seconds=70), status="completed",
                                        skill=skill, queued_at=queued,
                                        steps=[Step(queued + timedelta(seconds=10), "answered", {"agent_id": agent})]))


def test_forms_are_versioned_and_a_bad_one_is_refused(database: Database) -> None:
    with database.session() as session:
        assert reviews.publish(session, "qa", FORM).version == 1
        assert reviews.publish(session, "qa", {**FORM, "title": "Changed"}).version == 2
        with pytest.raises(ReviewFormError):
            reviews.publish(session, "qa", {"title": "no sections"})
        row, form = reviews.form_version(session, "qa")
        assert (row.version, form.title) == (2, "Changed")
        assert [r.code for r in reviews.latest_forms(session)] == ["qa"]


def test_calls_are_found_by_agent_day_skill_disposition_and_customer(database: Database) -> None:
    with database.session() as session:
        ensure_agents(session, 2)
        first = answered_call(session, 1, DAY + timedelta(hours=9))
        second = answered_call(session, 2, DAY + timedelta(days=1, hours=9), skill="trading")
        session.add(CallDisposition(call_id=second, agent_id=2, code="order_help"))
        ivr_only = write_call(session, Timeline(entered_at=DAY + timedelta(hours=8), ended_at=DAY + timedelta(hours=8,
                                                minutes=2), status="completed"))
        recorded = write_call(session, Timeline(entered_at=DAY + timedelta(hours=7), ended_at=DAY + timedelta(hours=7,
                                                minutes=2), status="completed"))
        recordings.add(session, recorded, "trading-x", format="wav", purpose="trading", at=DAY)
    with database.session() as session:
        def found(**criteria: object) -> list[str]:
            return [c["call_id"] for c in reviews.find_calls(session, CallFilter(**criteria))]  # type: ignore[arg-type]
        assert found() == [second, first, recorded]  # no agent and no recording: nothing to review
        assert ivr_only not in found()
        assert found(agent="8001") == [first]
        assert found(agent="1") == []  # a job number, not an id
        assert found(start=DAY + timedelta(days=1)) == [second]
        assert found(end=DAY + timedelta(days=1)) == [first, recorded]
        assert found(skill="trading") == [second]
        assert found(disposition="order_help") == [second]
        assert found(customer="1380000") == [second, first, recorded]
        with pytest.raises(ReviewError, match="was not answered by an agent"):
            reviews.publish(session, "qa", FORM)
            reviews.save_review(session, recorded, "qa", {"overall": 1}, reviewer_id=1)
        assert found(customer="%") == []  # a LIKE wildcard typed is a character, not "anything"


def test_a_review_is_saved_only_when_it_fits_and_enters_the_agents_report(database: Database) -> None:
    with database.session() as session:
        ensure_agents(session, 2)
        reviews.publish(session, "qa", FORM)
        one = answered_call(session, 1, DAY + timedelta(hours=9))
        two = answered_call(session, 1, DAY + timedelta(hours=10))
        with pytest.raises(ScoreError, match="not scored: overall"):
            reviews.save_review(session, one, "qa", {}, reviewer_id=2)
        with pytest.raises(ReviewError, match="no review form 'other'"):
            reviews.save_review(session, one, "other", {"overall": 1}, reviewer_id=2)
        assert reviews.save_review(session, one, "qa", {"overall": 4}, reviewer_id=2).total_tenths == 1000
        assert reviews.save_review(session, two, "qa", {"overall": 1}, reviewer_id=2).total_tenths == 250
    with database.session() as session:
        assert len(session.scalars(select(CallReview)).all()) == 2
        report = contact_centre.agents(session, DAY, DAY + timedelta(days=1), Options("day"))
        assert report.columns[-2:] == ["reviews", "review_score_pct"]
        assert [row[1:2] + row[-2:] for row in report.rows] == [["8001", 2, 62.5]]
        hourly = contact_centre.agents(session, DAY, DAY + timedelta(days=1), Options("hour"))
        assert [row[:2] + row[-2:] for row in hourly.rows] == [["2026-12-01 09:00", "8001", 1, 100.0],
                                                               ["2026-12-01 10:00", "8001", 1, 25.0]]
        assert reviews.may_read(1, 1, False) and reviews.may_read(1, 2, True) and not reviews.may_read(1, 2, False)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the whole demo data: `make run`'s backend
def test_the_demo_data_publishes_the_standard_form_once(database: Database, tmp_path: Path) -> None:
    with database.session() as session:
        assert load_demo_data(session, tmp_path / "accounts.txt")
        assert load_demo_data(session, tmp_path / "accounts.txt") == []
    with database.session() as session:
        [form] = reviews.latest_forms(session)
        assert (form.code, form.version, form.published_by) == ("standard", 1, "demo")
