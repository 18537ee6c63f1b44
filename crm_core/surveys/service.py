"""Surveys and their campaigns in the database: publish a survey version, create a campaign, load its
targets, claim the targets due now (an attempt row, with the call's channel id, written before anyone is
dialled), store answers as they are keyed, close attempts with their outcome, and hand a campaign to one
runner at a time (a lease; the next runner closes what a dead one left open)."""

from __future__ import annotations

import json
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crm_core import calls
from crm_core.models import (
    DoNotCall,
    Investor,
    InvestorDetail,
    InvestorPhone,
    SurveyAnswer,
    SurveyAttempt,
    SurveyCampaign,
    SurveyTarget,
    SurveyVersion,
)
from crm_core.models.call import CallDirection
from crm_core.phones import normalize_number
from crm_core.surveys.definition import Survey, SurveyError, parse_survey
from crm_core.surveys.dialing import (
    DialPolicy,
    Next,
    Outcome,
    PolicyError,
    after_outcome,
    window_opens,
    within_window,
)
from crm_core.surveys.link_tokens import WEB_RUNNER
from crm_core.surveys.targets import check_source, find_targets
from crm_core.time_zones import zone_named


class CampaignError(ValueError):
    """A campaign that does not exist or cannot be created as asked."""


# Surveys ---------------------------------------------------------------------------------------------------
def publish(session: Session, code: str, document: str | Mapping[str, Any], by: str = "") -> SurveyVersion:
    """A new version of survey `code` (the first is 1). Raises SurveyError for an unusable document."""
    if not code or len(code) > 60:
        raise SurveyError("a survey code of 1 to 60 characters")
    parse_survey(document)
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False, indent=1)
    last = session.scalar(select(func.max(SurveyVersion.version)).where(SurveyVersion.code == code)) or 0
    row = SurveyVersion(code=code, version=last + 1, document=text, published_by=by)
    session.add(row)
    session.flush()
    return row


def survey_of(session: Session, version_id: int) -> Survey:
    row = session.get(SurveyVersion, version_id)
    if row is None:
        raise SurveyError(f"no survey version {version_id}")
    return parse_survey(row.document)


# Campaigns -------------------------------------------------------------------------------------------------
def policy_of(campaign: SurveyCampaign) -> DialPolicy:
    return policy_from(json.loads(campaign.policy or "{}"))


def policy_from(values: Mapping[str, Any]) -> DialPolicy:
    known = {"window_from", "window_until", "timezone", "max_attempts", "retry_seconds"}
    unknown = sorted(set(values) - known)
    if unknown:
        raise PolicyError(f"unknown policy field(s): {', '.join(unknown)}")
    try:
        args: dict[str, Any] = {k: v for k, v in values.items() if k in ("timezone", "max_attempts")}
        for key in ("window_from", "window_until"):
            if key in values:
                args[key] = time.fromisoformat(str(values[key]))
        if "retry_seconds" in values:
            args["retry_seconds"] = {str(k): int(v) for k, v in dict(values["retry_seconds"]).items()}
        return DialPolicy(**args)
    except (TypeError, ValueError) as exc:
        raise PolicyError(str(exc)) from exc


def create_campaign(session: Session, code: str, survey_code: str, source: str,
                    policy: Mapping[str, Any] | None = None) -> SurveyCampaign:
    """A campaign asking the latest version of `survey_code` (pinned: later versions do not change it)."""
    check_source(source)
    policy_from(policy or {})
    if session.scalar(select(SurveyCampaign.id).where(SurveyCampaign.code == code)) is not None:
        raise CampaignError(f"campaign {code!r} exists")
    version = session.scalar(select(SurveyVersion).where(SurveyVersion.code == survey_code)
                             .order_by(SurveyVersion.version.desc()).limit(1))
    if version is None:
        raise CampaignError(f"no survey {survey_code!r}")
    row = SurveyCampaign(code=code, survey_version_id=version.id, source=source,
                         policy=json.dumps(dict(policy or {})), status="ready")
    session.add(row)
    session.flush()
    return row


def campaign_named(session: Session, code: str) -> SurveyCampaign:
    row = session.scalar(select(SurveyCampaign).where(SurveyCampaign.code == code))
    if row is None:
        raise CampaignError(f"no survey campaign {code!r}")
    return row


def load_targets(session: Session, campaign: SurveyCampaign, now: datetime) -> int:
    """Add the clients the campaign's source finds now (each once per campaign); returns how many were new.
    Clients without a phone are left out; numbers on the do-not-call list are added as `do_not_call`."""
    policy = policy_of(campaign)
    have = set(session.scalars(select(SurveyTarget.investor_id).where(SurveyTarget.campaign_id == campaign.id)))
    found = [f for f in find_targets(session, campaign.source, now, policy.timezone) if f.investor_id not in have]
    phones = _first_phones(session, [f.investor_id for f in found])
    languages = dict(session.execute(select(Investor.id, Investor.language)
                                     .where(Investor.id.in_([f.investor_id for f in found]))).all())
    zones = _own_zones(session, [f.investor_id for f in found])
    blocked = set(session.scalars(select(DoNotCall.number).where(DoNotCall.number.in_(phones.values()))))
    added = 0
    for f in found:
        number = phones.get(f.investor_id)
        if number is None:
            continue
        session.add(SurveyTarget(campaign_id=campaign.id, investor_id=f.investor_id, number=number,
                                 language=languages.get(f.investor_id, "zh"), timezone=zones.get(f.investor_id, ""),
                                 status="do_not_call" if number in blocked else "pending", attempts=0,
                                 next_at=now, agent_id=f.agent_id, skill=f.skill, call_id=f.call_id))
        added += 1
    session.flush()
    return added


def _own_zones(session: Session, investor_ids: list[int]) -> dict[int, str]:
    """The clients' own time zones, where the CRM knows one that exists (else the campaign's is theirs)."""
    rows = session.execute(select(InvestorDetail.investor_id, InvestorDetail.time_zone)
                           .where(InvestorDetail.investor_id.in_(investor_ids), InvestorDetail.time_zone != "")).all()
    return {investor_id: name for investor_id, name in rows if zone_named(name) is not None}


def _first_phones(session: Session, investor_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(InvestorPhone.investor_id, InvestorPhone.number)
                           .where(InvestorPhone.investor_id.in_(investor_ids)).order_by(InvestorPhone.id))
    phones: dict[int, str] = {}
    for investor_id, number in rows:
        phones.setdefault(investor_id, number)
    return phones


# The do-not-call list --------------------------------------------------------------------------------------
def forbid(session: Session, number: str, reason: str = "") -> str:
    digits = normalize_number(number)
    if not digits:
        raise ValueError(f"not a phone number: {number!r}")
    if session.get(DoNotCall, digits) is None:
        session.add(DoNotCall(number=digits, reason=reason))
        session.flush()
    return digits


# Claims and outcomes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Claim:
    attempt_id: int
    target_id: int
    channel_id: str
    number: str
    language: str
    attempt: int  # 1 for the first call to this target
    campaign_id: int


def claim_due(session: Session, campaign: SurveyCampaign, now: datetime, holidays: Container[date], limit: int,
              runner: str) -> list[Claim]:
    """Up to `limit` targets due now, in their call window, not on the do-not-call list: each gets an open
    attempt (its channel id fixed here, unique) and is `calling` until the attempt is closed."""
    policy = policy_of(campaign)
    claims: list[Claim] = []
    due = session.scalars(select(SurveyTarget).where(SurveyTarget.campaign_id == campaign.id,
                                                     SurveyTarget.status == "pending", SurveyTarget.next_at <= now)
                          .order_by(SurveyTarget.next_at, SurveyTarget.id))
    for target in due:
        if len(claims) >= limit:
            break
        if not within_window(now, policy, holidays, target.timezone):
            continue
        if session.get(DoNotCall, target.number) is not None:
            target.status = "do_not_call"
            continue
        target.attempts += 1
        target.status = "calling"
        attempt = SurveyAttempt(campaign_id=campaign.id, target_id=target.id, number=target.number, runner=runner,
                                channel_id=f"survey-{campaign.id}-{target.id}-{target.attempts}", started_at=now)
        session.add(attempt)
        session.flush()
        claims.append(Claim(attempt.id, target.id, attempt.channel_id, target.number, target.language,
                            target.attempts, campaign.id))
    return claims


def mark_answered(session: Session, attempt_id: int, now: datetime, amd: str = "") -> None:
    attempt = _attempt(session, attempt_id)
    attempt.answered_at = attempt.answered_at or now
    attempt.amd = amd[:40] or attempt.amd


def record_answer(session: Session, attempt_id: int, question: str, key: str, now: datetime) -> None:
    """One answer, stored as it is keyed (a repeated question in the same call keeps the last key)."""
    attempt = _attempt(session, attempt_id)
    row = session.scalar(select(SurveyAnswer).where(SurveyAnswer.attempt_id == attempt_id,
                                                    SurveyAnswer.question == question))
    if row is None:
        session.add(SurveyAnswer(campaign_id=attempt.campaign_id, target_id=attempt.target_id,
                                 attempt_id=attempt_id, question=question, key=key, answered_at=now))
    else:
        row.key, row.answered_at = key, now
    session.flush()


def finish_attempt(session: Session, attempt_id: int, outcome: Outcome, detail: str, now: datetime) -> Next:
    """Close an attempt (once: a closed one is left as it is) and move its target on. An interrupted attempt
    whose client had answered counts as partial (reached)."""
    attempt = _attempt(session, attempt_id)
    target = session.get(SurveyTarget, attempt.target_id)
    campaign = session.get(SurveyCampaign, attempt.campaign_id)
    assert target is not None and campaign is not None
    if attempt.outcome is not None:
        return Next(target.status, target.next_at)
    if outcome is Outcome.INTERRUPTED and attempt.answered_at is not None:
        outcome = Outcome.PARTIAL  # the client was reached: never called again for this survey
    attempt.outcome, attempt.detail, attempt.ended_at = outcome.value, detail[:200], now
    fate = after_outcome(outcome, target.attempts, now, policy_of(campaign))
    target.outcome, target.status = outcome.value, fate.status
    if fate.at is not None:
        target.next_at = fate.at
    return fate


def hand_to_agent(session: Session, attempt_id: int, channel_id: str) -> str:
    """A client who asked for an agent: the call's record (outbound, the client identified by the survey's
    target) for the ACD; returns its id."""
    attempt = _attempt(session, attempt_id)
    target = session.get(SurveyTarget, attempt.target_id)
    investor = session.get(Investor, target.investor_id) if target is not None else None
    call = calls.open_call(session, channel_id=channel_id, caller_number=attempt.number, dialed_number="survey")
    call.direction = CallDirection.OUTBOUND.value
    calls.identify(session, call.id, investor, "survey")
    calls.record_event(session, call.id, "survey_to_agent", attempt_id=attempt_id)
    return call.id


def _attempt(session: Session, attempt_id: int) -> SurveyAttempt:
    attempt = session.get(SurveyAttempt, attempt_id)
    if attempt is None:
        raise CampaignError(f"no survey attempt {attempt_id}")
    return attempt


# One runner at a time --------------------------------------------------------------------------------------
def request_run(session: Session, code: str, until: datetime | None = None) -> SurveyCampaign:
    """Ask for a batch of the campaign (a service's runner starts it); `until`: no call starts after it (None:
    the end of the day's call window). A campaign already running keeps running."""
    campaign = campaign_named(session, code)
    if campaign.status not in ("requested", "running"):
        campaign.status = "requested"
    campaign.run_until = until
    session.flush()
    return campaign


def runnable(session: Session, now: datetime) -> list[str]:
    """Campaigns asked to run whose runner is none or gone (its lease expired)."""
    return list(session.scalars(select(SurveyCampaign.code).where(
        SurveyCampaign.status.in_(("requested", "running")),
        (SurveyCampaign.runner.is_(None)) | (SurveyCampaign.lease_until < now)).order_by(SurveyCampaign.id)))


def take_lease(session: Session, campaign: SurveyCampaign, runner: str, now: datetime, seconds: float) -> bool:
    """Make `runner` the campaign's runner until now + seconds, if it is free, expired or already its own.
    A runner taking over closes the attempts its predecessor left open (a killed service): answered ones
    as partial, the others as interrupted (tried again if attempts remain); nobody is dialled twice for
    one attempt and nobody is forgotten."""
    until = now + timedelta(seconds=seconds)
    taken = session.execute(update(SurveyCampaign).where(
        SurveyCampaign.id == campaign.id,
        (SurveyCampaign.runner.is_(None)) | (SurveyCampaign.runner == runner) | (SurveyCampaign.lease_until < now))
        .values(runner=runner, lease_until=until, status="running").execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(campaign)
    close_left_open(session, campaign.id, runner, now)
    return True


def release_lease(session: Session, campaign: SurveyCampaign, runner: str, done: bool) -> None:
    session.execute(update(SurveyCampaign).where(SurveyCampaign.id == campaign.id, SurveyCampaign.runner == runner)
                    .values(runner=None, lease_until=None, status="done" if done else "ready")
                    .execution_options(synchronize_session=False))


def hand_back_lease(session: Session, campaign: SurveyCampaign, runner: str) -> None:
    """A runner stopped before the campaign's end (the service is shutting down): the lease is given back at
    once, the campaign still asked to run, so the next runner (the restarted service) takes it up without
    waiting for the lease to expire and closes the attempts this one left open."""
    session.execute(update(SurveyCampaign).where(SurveyCampaign.id == campaign.id, SurveyCampaign.runner == runner)
                    .values(runner=None, lease_until=None).execution_options(synchronize_session=False))


def close_left_open(session: Session, campaign_id: int, runner: str, now: datetime) -> int:
    left = session.scalars(select(SurveyAttempt).where(SurveyAttempt.campaign_id == campaign_id,
                                                       SurveyAttempt.outcome.is_(None),
                                                       SurveyAttempt.runner != runner,
                                                       SurveyAttempt.runner != WEB_RUNNER)).all()  # not a call
    for attempt in left:
        finish_attempt(session, attempt.id, Outcome.INTERRUPTED, f"left open by runner {attempt.runner}", now)
    return len(left)


def remaining(session: Session, campaign_id: int) -> int:
    """Targets still to be called (pending) or being called."""
    return session.scalar(select(func.count()).select_from(SurveyTarget).where(
        SurveyTarget.campaign_id == campaign_id, SurveyTarget.status.in_(("pending", "calling")))) or 0


def next_callable(session: Session, campaign_id: int, now: datetime, holidays: Container[date]) -> datetime | None:
    """The first moment a pending target may be called: due, inside its call window, not on a holiday (None:
    no target is pending). One look per time zone, not per target."""
    campaign = session.get(SurveyCampaign, campaign_id)
    assert campaign is not None
    policy = policy_of(campaign)
    firsts = session.execute(select(SurveyTarget.timezone, func.min(SurveyTarget.next_at)).where(
        SurveyTarget.campaign_id == campaign_id, SurveyTarget.status == "pending").group_by(SurveyTarget.timezone))
    moments = [window_opens(max(due, now), policy, holidays, timezone) for timezone, due in firsts]
    return min(moments, default=None)
