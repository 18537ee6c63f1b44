"""The survey by e-mail or SMS: a campaign's targets are sent, through the outbox, a link to the portal's web
form; its token is single-use and unguessable, and only its digest is kept. The token is made when the message
is taken for sending (`message_values`, called by the outbox), so it is in no database row, not even the
outbox's data; a resend makes a new one (the earlier link stops working). The answers go to the same tables as
the phone's (an attempt of runner `web`, survey_answers), so results per week, agent and skill include them.

    send(...)            once per target and channel (the link row, and a notification keyed by it)
    opened(token)        the link's form state, or LinkClosed(unknown | expired | used)
    answer(token, q, k)  one answer checked by crm_core.surveys.web_form; the last one uses the link up
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import audit
from crm_core.models import SurveyAnswer, SurveyAttempt, SurveyCampaign, SurveyLink, SurveyTarget, SurveyVersion
from crm_core.notifications import outbox
from crm_core.notifications.rules import NotifyPolicy
from crm_core.surveys.definition import END, Survey, parse_survey
from crm_core.surveys.link_tokens import LINK_FIELD, WEB_RUNNER, digest, well_formed
from crm_core.surveys.service import campaign_named, record_answer
from crm_core.surveys.web_form import check, current

CHANNELS = ("email", "sms")
TEMPLATE, PURPOSE = "survey_link", "survey"
SENDABLE = ("pending", "exhausted")  # targets not reached by phone yet (nor on the do-not-call list)


class LinkClosed(LookupError):
    """The link cannot be used: `reason` unknown, expired or used (the page says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sent:
    queued: int  # new notifications
    already: int  # targets sent before on this channel
    skipped: int  # reached by phone already, being called, or on the do-not-call list


def send(session: Session, code: str, channel: str, *, base_url: str, now: datetime, policy: NotifyPolicy,
         valid_days: int = 7) -> Sent:
    """Queue the survey link to every target of campaign `code` not reached by phone yet, by `channel`; once per
    target and channel (running it again queues nothing twice)."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of: {', '.join(CHANNELS)}")
    if not base_url.startswith(("http://", "https://")) or any(c.isspace() for c in base_url):
        raise ValueError(f"base URL {base_url!r}: the portal's address, http(s)://...")
    if not 1 <= valid_days <= 90:
        raise ValueError("a link is valid for 1 to 90 days")
    campaign = campaign_named(session, code)
    version = session.get(SurveyVersion, campaign.survey_version_id)
    assert version is not None
    title = parse_survey(version.document).title or version.code
    queued = already = skipped = 0
    for target in session.scalars(select(SurveyTarget).where(SurveyTarget.campaign_id == campaign.id)
                                  .order_by(SurveyTarget.id)):
        link = session.scalar(select(SurveyLink).where(SurveyLink.campaign_id == campaign.id,
                                                       SurveyLink.target_id == target.id,
                                                       SurveyLink.channel == channel))
        if link is not None:
            already += 1
            continue
        if target.status not in SENDABLE:
            skipped += 1
            continue
        link = SurveyLink(campaign_id=campaign.id, target_id=target.id, channel=channel,
                          expires_at=now + timedelta(days=valid_days), created_at=now)
        session.add(link)
        session.flush()
        outbox.enqueue(session, key=f"survey-link:{link.id}", investor_id=target.investor_id, purpose=PURPOSE,
                       template=TEMPLATE, now=now, policy=policy, channel=channel, chain=[channel],
                       data={LINK_FIELD: link.id, "survey_title": title, "form_url": base_url.rstrip("/") + "/survey/",
                             "expires": link.expires_at.strftime("%Y-%m-%d")})
        audit.record(session, actor="survey", action="survey.link_queued", outcome=channel, channel=channel,
                     subject=str(target.investor_id), campaign=code, link_id=link.id)
        queued += 1
    return Sent(queued, already, skipped)


@dataclass(frozen=True)
class Opened:
    """The web form's state for one link."""

    survey: Survey
    language: str
    answers: dict[str, str]
    question: str  # the question to answer now, or END


def _link(session: Session, token: str, now: datetime) -> SurveyLink:
    link = session.scalar(select(SurveyLink).where(SurveyLink.digest == digest(token)).with_for_update()) \
        if well_formed(token) else None
    if link is None:
        raise LinkClosed("unknown")
    if link.used_at is not None:
        raise LinkClosed("used")
    if link.expires_at <= now:
        raise LinkClosed("expired")
    return link


def _answers(session: Session, link: SurveyLink) -> dict[str, str]:
    if link.attempt_id is None:
        return {}
    return dict(session.execute(select(SurveyAnswer.question, SurveyAnswer.key)
                                .where(SurveyAnswer.attempt_id == link.attempt_id)).all())


def _state(session: Session, link: SurveyLink) -> tuple[Survey, SurveyTarget]:
    campaign = session.get(SurveyCampaign, link.campaign_id)
    target = session.get(SurveyTarget, link.target_id)
    assert campaign is not None and target is not None
    version = session.get(SurveyVersion, campaign.survey_version_id)
    assert version is not None
    if link.attempt_id is None and target.status == "done":
        raise LinkClosed("used")  # answered by phone (or by another link) meanwhile
    return parse_survey(version.document), target


def opened(session: Session, token: str, now: datetime) -> Opened:
    link = _link(session, token, now)
    survey, target = _state(session, link)
    answers = _answers(session, link)
    return Opened(survey, target.language, answers, current(survey, answers))


def answer(session: Session, token: str, question: str, key: str, now: datetime) -> Opened:
    """Store one answer (web_form.check first: FormError when refused, nothing stored). The survey's last answer
    completes the target (never called for it again) and uses the link up."""
    link = _link(session, token, now)
    survey, target = _state(session, link)
    answers = _answers(session, link)
    following = check(survey, answers, question, key)
    if link.attempt_id is None:
        attempt = SurveyAttempt(campaign_id=link.campaign_id, target_id=target.id, number=target.number,
                                channel_id=f"web-{link.id}", runner=WEB_RUNNER, started_at=now, answered_at=now)
        session.add(attempt)
        session.flush()
        link.attempt_id = attempt.id
    record_answer(session, link.attempt_id, question, key, now)
    answers[question] = key
    if following == END or current(survey, answers) == END:
        _complete(session, link, target, now)
    return Opened(survey, target.language, answers, current(survey, answers))


def _complete(session: Session, link: SurveyLink, target: SurveyTarget, now: datetime) -> None:
    attempt = session.get(SurveyAttempt, link.attempt_id)
    assert attempt is not None
    attempt.outcome, attempt.ended_at, attempt.detail = "completed", now, f"web form by {link.channel}"
    link.used_at = now
    if target.status != "calling":  # a phone attempt under way closes it itself
        target.status, target.outcome = "done", "completed"
    audit.record(session, actor=f"investor:{target.investor_id}", action="survey.web_answered",
                 outcome="completed", channel="web", subject=str(target.investor_id), link_id=link.id)
