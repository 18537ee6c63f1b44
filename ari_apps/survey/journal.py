"""The survey app's database side: each function one transaction, run in the executor by the dialer and the
calls (`await db.run(begin, ...)`)."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from crm_core.models import SurveyCampaign
from crm_core.surveys.definition import Survey
from crm_core.surveys.dialing import Outcome, window_closes
from crm_core.surveys.results import Progress, progress
from crm_core.surveys.service import (
    Claim,
    campaign_named,
    claim_due,
    finish_attempt,
    hand_back_lease,
    hand_to_agent,
    load_targets,
    mark_answered,
    next_callable,
    policy_of,
    record_answer,
    release_lease,
    remaining,
    runnable,
    survey_of,
    take_lease,
)


@dataclass(frozen=True)
class Started:
    campaign_id: int
    version_id: int
    survey: Survey
    added: int  # targets the source found new
    until: datetime  # no call starts after it: as requested, else the end of the day's call window


def begin(session: Session, code: str, runner: str, now: datetime, lease_seconds: float) -> Started | None:
    """Take the campaign (None: another runner holds it) and load the targets its source finds now."""
    campaign = campaign_named(session, code)
    if not take_lease(session, campaign, runner, now, lease_seconds):
        return None
    added = load_targets(session, campaign, now)
    until = campaign.run_until or window_closes(now, policy_of(campaign))
    return Started(campaign.id, campaign.survey_version_id, survey_of(session, campaign.survey_version_id), added,
                   until)


def runnable_now(session: Session, now: datetime) -> list[str]:
    return runnable(session, now)


def renew(session: Session, campaign_id: int, runner: str, now: datetime, lease_seconds: float) -> bool:
    return take_lease(session, _campaign(session, campaign_id), runner, now, lease_seconds)


def claim_one(session: Session, campaign_id: int, now: datetime, holidays: Container[date],
              runner: str) -> Claim | None:
    claims = claim_due(session, _campaign(session, campaign_id), now, holidays, 1, runner)
    return claims[0] if claims else None


def outlook(session: Session, campaign_id: int, now: datetime,
            holidays: Container[date]) -> tuple[int, datetime | None]:
    """Targets still to call or being called, and the first moment a pending one may be called."""
    return remaining(session, campaign_id), next_callable(session, campaign_id, now, holidays)


def finish(session: Session, attempt_id: int, outcome: Outcome, detail: str, now: datetime) -> None:
    finish_attempt(session, attempt_id, outcome, detail, now)


def end(session: Session, campaign_id: int, runner: str) -> Progress:
    campaign = _campaign(session, campaign_id)
    release_lease(session, campaign, runner, done=remaining(session, campaign_id) == 0)
    session.refresh(campaign)
    return progress(session, campaign)


def stop(session: Session, campaign_id: int, runner: str) -> None:
    """The runner was stopped before the end: the lease goes back at once (service.hand_back_lease)."""
    hand_back_lease(session, _campaign(session, campaign_id), runner)


def progress_of(session: Session, campaign_id: int) -> Progress:
    return progress(session, _campaign(session, campaign_id))


def reached(session: Session, attempt_id: int, now: datetime, amd: str) -> None:
    mark_answered(session, attempt_id, now, amd)


def answer(session: Session, attempt_id: int, question: str, key: str, now: datetime) -> None:
    record_answer(session, attempt_id, question, key, now)


def to_agent(session: Session, attempt_id: int, channel_id: str) -> str:
    return hand_to_agent(session, attempt_id, channel_id)


def _campaign(session: Session, campaign_id: int) -> SurveyCampaign:
    campaign = session.get(SurveyCampaign, campaign_id)
    assert campaign is not None
    return campaign
