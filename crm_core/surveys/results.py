"""What a campaign has done, as data: its progress (for the progress bar, the CLI and the console) and its
answers counted per week, agent, skill, question and key (the supervisor's page); and every survey taken in a
period, post-call, outbound or on the web form, with its agent, skill, version and values (the `surveys` report)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm_core.models import (
    SurveyAnswer,
    SurveyAttempt,
    SurveyCampaign,
    SurveyTarget,
    SurveyVersion,
)
from crm_core.surveys.definition import key_value
from crm_core.surveys.link_tokens import WEB_RUNNER
from crm_core.surveys.post_call import post_call_results


@dataclass(frozen=True)
class Progress:
    campaign: str
    survey: str  # code v<version>
    status: str
    targets: int
    dialled: int  # calls made (a web form answered from a survey link is not one)
    answered: int  # attempts answered by a person or a machine
    completed: int  # targets that answered every question asked
    remaining: int  # targets still to call (pending or being called)
    outcomes: dict[str, int]  # targets by last outcome
    statuses: dict[str, int]  # targets by status


def progress(session: Session, campaign: SurveyCampaign) -> Progress:
    version = session.get(SurveyVersion, campaign.survey_version_id)
    assert version is not None
    statuses = Counter(dict(session.execute(select(SurveyTarget.status, func.count()).where(
        SurveyTarget.campaign_id == campaign.id).group_by(SurveyTarget.status)).all()))
    outcomes = dict(session.execute(select(SurveyTarget.outcome, func.count()).where(
        SurveyTarget.campaign_id == campaign.id, SurveyTarget.outcome.is_not(None))
        .group_by(SurveyTarget.outcome)).all())
    attempts = select(func.count()).select_from(SurveyAttempt).where(SurveyAttempt.campaign_id == campaign.id,
                                                                    SurveyAttempt.runner != WEB_RUNNER)
    return Progress(campaign.code, f"{version.code} v{version.version}", campaign.status, sum(statuses.values()),
                    session.scalar(attempts) or 0,
                    session.scalar(attempts.where(SurveyAttempt.answered_at.is_not(None))) or 0,
                    outcomes.get("completed", 0), statuses["pending"] + statuses["calling"],
                    {str(k): v for k, v in outcomes.items()}, dict(statuses))


@dataclass(frozen=True)
class ResultRow:
    week: date  # the Monday of the week the answer was given (UTC)
    campaign: str
    agent_id: int | None  # the agent of the call that made the client a target (event sources)
    skill: str | None
    question: str
    key: str
    answers: int


def results(session: Session, campaign_code: str | None = None) -> list[ResultRow]:
    """Answers counted per week, campaign, agent, skill, question and key."""
    query = _campaign_answers(SurveyAnswer.answered_at, SurveyCampaign.code, SurveyTarget.agent_id,
                              SurveyTarget.skill, SurveyAnswer.question, SurveyAnswer.key)
    if campaign_code is not None:
        query = query.where(SurveyCampaign.code == campaign_code)
    counts: Counter[tuple[date, str, int | None, str | None, str, str]] = Counter()
    for at, code, agent_id, skill, question, key in session.execute(query):
        day = at.date()
        counts[(day - timedelta(days=day.weekday()), code, agent_id, skill, question, key)] += 1
    return [ResultRow(*k, n) for k, n in sorted(counts.items(), key=lambda kv: tuple(map(str, kv[0])))]


def _campaign_answers(*columns: Any) -> Select[Any]:
    """A campaign's answers (outbound calls and web forms) with their target (agent, skill) and campaign."""
    return (select(*columns).join(SurveyTarget, SurveyTarget.id == SurveyAnswer.target_id)
            .join(SurveyCampaign, SurveyCampaign.id == SurveyAnswer.campaign_id))


@dataclass(frozen=True)
class Taken:
    """One survey a client took (answered at least one question): when it started, by which channel
    (post-call, outbound, web), which version, the agent and skill it is about, and its keyed values."""

    at: datetime
    channel: str
    version_id: int
    agent_id: int | None
    skill: str | None
    values: dict[str, int]  # question -> value (a spoken comment has none)


def taken(session: Session, since: datetime, until: datetime) -> list[Taken]:
    """The surveys started in [since, until) that have answers, oldest first: a campaign's attempts (outbound
    calls, web forms) and the post-call surveys as the supervisor's page reads them (`post_call_results`)."""
    found: dict[int, Taken] = {}  # by attempt
    for at, runner, version_id, agent_id, skill, attempt_id, question, key in session.execute(
            _campaign_answers(SurveyAttempt.started_at, SurveyAttempt.runner, SurveyCampaign.survey_version_id,
                              SurveyTarget.agent_id, SurveyTarget.skill, SurveyAnswer.attempt_id,
                              SurveyAnswer.question, SurveyAnswer.key)
            .join(SurveyAttempt, SurveyAttempt.id == SurveyAnswer.attempt_id)
            .where(SurveyAttempt.started_at >= since, SurveyAttempt.started_at < until)):
        channel = "web" if runner == WEB_RUNNER else "outbound"
        one = found.setdefault(attempt_id, Taken(at, channel, version_id, agent_id, skill, {}))
        one.values[question] = key_value(key)
    surveys = list(found.values())
    for row in post_call_results(session, since, until):
        if row.answers:  # a spoken comment's value is "": it has none
            surveys.append(Taken(row.started_at, "post-call", row.version_id, row.agent_id, row.skill,
                                 {question: int(value) for question, value in row.answers.items() if value}))
    return sorted(surveys, key=lambda t: (t.at, t.channel))


def overview(session: Session) -> list[dict[str, object]]:
    """Every campaign's progress and its answers per question and key, newest campaign first (the supervisor
    console's view)."""
    found = []
    for campaign in session.scalars(select(SurveyCampaign).order_by(SurveyCampaign.id.desc())):
        answers: dict[str, dict[str, int]] = {}
        for row in results(session, campaign.code):
            per_key = answers.setdefault(row.question, {})
            per_key[row.key] = per_key.get(row.key, 0) + row.answers
        found.append({**asdict(progress(session, campaign)), "answers": answers})
    return found
