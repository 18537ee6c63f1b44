"""The post-call survey in the database: decide for a call that just ended with the agent hanging up (the
policy, post_call_policy.py, over the call's facts), open the surveyed call's row, store each answer as it is
keyed, close it with its outcome; and read the answers back with the call's agent, skill and disposition
(a disposition the agent sets after the call is read at that time, through the call id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import recordings
from crm_core.models import (
    Agent,
    Call,
    CallDisposition,
    PostCallAnswer,
    PostCallSurvey,
    SurveyVersion,
)
from crm_core.models.call import CallDirection
from crm_core.surveys.definition import LANGUAGES, Survey, key_value, parse_survey
from crm_core.surveys.dialing import Outcome
from crm_core.surveys.post_call_policy import CallFacts, Choice, PostCallPolicy, choose


@dataclass(frozen=True)
class PostCallStart:
    survey_id: int
    version_id: int
    survey: Survey
    language: str


def begin_post_call(session: Session, policy: PostCallPolicy, call_id: str, channel_id: str,
                    now: datetime) -> tuple[Choice, PostCallStart | None]:
    """The policy's choice for the call and, if surveyed, the survey's row (opened now) and version."""
    call = session.get(Call, call_id)
    if call is None:
        return Choice(False, "no such call"), None
    if session.scalar(select(PostCallSurvey.id).where(PostCallSurvey.call_id == call_id)) is not None:
        return Choice(False, "already surveyed"), None
    choice = choose(policy, _facts(session, call), now)
    version = _latest(session, policy.survey) if choice.surveyed else None
    if version is None:
        return (choice if not choice.surveyed else Choice(False, f"no survey {policy.survey!r} published")), None
    language = call.language if call.language in LANGUAGES else "zh"
    row = PostCallSurvey(call_id=call.id, survey_version_id=version.id, investor_id=call.investor_id,
                         agent_id=call.agent_id, skill=call.category, language=language, channel_id=channel_id,
                         reason=choice.reason[:60], started_at=now)
    session.add(row)
    session.flush()
    return choice, PostCallStart(row.id, version.id, parse_survey(version.document), language)


def _facts(session: Session, call: Call) -> CallFacts:
    """The call as the policy sees it; the client's last post-call survey (by number if unidentified)."""
    last = select(func.max(PostCallSurvey.started_at)).join(Call, Call.id == PostCallSurvey.call_id)
    if call.investor_id is not None:
        last = last.where(PostCallSurvey.investor_id == call.investor_id)
    else:
        last = last.where(Call.caller_number == call.caller_number)
    return CallFacts(call.id, call.direction == CallDirection.INBOUND.value, call.answered_at is not None,
                     call.category, session.scalar(last))


def _latest(session: Session, code: str) -> SurveyVersion | None:
    return session.scalar(select(SurveyVersion).where(SurveyVersion.code == code)
                          .order_by(SurveyVersion.version.desc()).limit(1))


def record_post_call_answer(session: Session, survey_id: int, question: str, key: str, now: datetime) -> None:
    """One answer, stored as it is keyed, as its value (`*` is 10; a question asked again keeps the last)."""
    _answer(session, survey_id, question, now).key = str(key_value(key))
    session.flush()


def record_post_call_comment(session: Session, survey_id: int, question: str, recording: str,
                             now: datetime) -> None:
    """A spoken comment, as its recording starts (a caller who hangs up while speaking keeps it): the answer
    names the recording, which is also one of the call's recordings (purpose `survey_comment`)."""
    row = _answer(session, survey_id, question, now)
    row.key, row.recording = "", recording
    survey = session.get(PostCallSurvey, survey_id)
    if survey is not None and recording not in {r.name for r in recordings.of_call(session, survey.call_id)}:
        recordings.add(session, survey.call_id, recording, format="wav", purpose="survey_comment", at=now)
    session.flush()


def _answer(session: Session, survey_id: int, question: str, now: datetime) -> PostCallAnswer:
    row = session.scalar(select(PostCallAnswer).where(PostCallAnswer.survey_id == survey_id,
                                                      PostCallAnswer.question == question))
    if row is None:
        row = PostCallAnswer(survey_id=survey_id, question=question, key="")
        session.add(row)
    row.answered_at = now
    return row


def finish_post_call(session: Session, survey_id: int, outcome: Outcome, detail: str, now: datetime) -> None:
    """Close the survey once (a closed one is left as it is)."""
    row = session.get(PostCallSurvey, survey_id)
    if row is None or row.outcome is not None:
        return
    row.outcome, row.detail, row.ended_at = outcome.value, detail[:200], now


@dataclass(frozen=True)
class PostCallRow:
    call_id: str
    started_at: datetime
    agent: str | None  # the agent's job number
    skill: str | None
    disposition: str | None  # the agent's latest disposition code for the call
    outcome: str | None
    answers: dict[str, str] = field(default_factory=dict)  # question -> value ("" for a comment)
    comments: dict[str, str] = field(default_factory=dict)  # question -> recording name
    agent_id: int | None = None
    version_id: int = 0  # the survey version asked


def post_call_results(session: Session, since: datetime, until: datetime) -> list[PostCallRow]:
    """The surveyed calls started in [since, until), oldest first, with their answers."""
    surveys = session.execute(select(PostCallSurvey, Agent.job_number)
                              .outerjoin(Agent, Agent.id == PostCallSurvey.agent_id)
                              .where(PostCallSurvey.started_at >= since, PostCallSurvey.started_at < until)
                              .order_by(PostCallSurvey.started_at, PostCallSurvey.id)).all()
    ids = [s.id for s, _ in surveys]
    answers: dict[int, dict[str, str]] = {}
    comments: dict[int, dict[str, str]] = {}
    for a in session.scalars(select(PostCallAnswer).where(PostCallAnswer.survey_id.in_(ids))
                             .order_by(PostCallAnswer.id)):
        answers.setdefault(a.survey_id, {})[a.question] = a.key
        if a.recording:
            comments.setdefault(a.survey_id, {})[a.question] = a.recording
    dispositions: dict[str, str] = {}
    for d in session.scalars(select(CallDisposition).where(CallDisposition.call_id.in_([s.call_id for s, _ in surveys]))
                             .order_by(CallDisposition.at, CallDisposition.id)):
        dispositions[d.call_id] = d.code  # the latest wins
    return [PostCallRow(s.call_id, s.started_at, job, s.skill, dispositions.get(s.call_id), s.outcome,
                        answers.get(s.id, {}), comments.get(s.id, {}), s.agent_id, s.survey_version_id)
            for s, job in surveys]


def post_call_overview(session: Session, since: datetime) -> dict[str, object]:
    """The post-call surveys since `since` for the supervisor console: how many calls were surveyed and
    completed, the answers per question and value, and how many comments were left."""
    outcomes = dict(session.execute(select(PostCallSurvey.outcome, func.count()).where(
        PostCallSurvey.started_at >= since).group_by(PostCallSurvey.outcome)).all())
    answers: dict[str, dict[str, int]] = {}
    comments = 0
    for question, key, recording in session.execute(
            select(PostCallAnswer.question, PostCallAnswer.key, PostCallAnswer.recording)
            .join(PostCallSurvey, PostCallSurvey.id == PostCallAnswer.survey_id)
            .where(PostCallSurvey.started_at >= since).order_by(PostCallAnswer.id)):
        if recording:
            comments += 1
            continue
        per_key = answers.setdefault(question, {})
        per_key[key] = per_key.get(key, 0) + 1
    return {"since": since.isoformat(), "surveyed": sum(outcomes.values()),
            "completed": outcomes.get(Outcome.COMPLETED.value, 0), "answers": answers, "comments": comments}


def close_post_calls_left_open(session: Session, started_before: datetime, now: datetime) -> int:
    """Close the post-call surveys still open that started before `started_before` (left by a service that was
    killed): partial if the caller answered something, else interrupted. Returns how many."""
    left = session.scalars(select(PostCallSurvey).where(PostCallSurvey.outcome.is_(None),
                                                        PostCallSurvey.started_at < started_before)).all()
    answered = set(session.scalars(select(PostCallAnswer.survey_id).where(
        PostCallAnswer.survey_id.in_([s.id for s in left]))))
    for survey in left:
        outcome = Outcome.PARTIAL if survey.id in answered else Outcome.INTERRUPTED
        finish_post_call(session, survey.id, outcome, "left open: the service stopped during the survey", now)
    return len(left)


def latest_version(session: Session, code: str) -> tuple[int, Survey] | None:
    """The survey's latest version (its id and document), to make its audio before the first call needs it."""
    version = _latest(session, code)
    return (version.id, parse_survey(version.document)) if version is not None else None
