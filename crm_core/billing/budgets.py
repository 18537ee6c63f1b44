"""Outbound cost control: a monthly budget per campaign, agent or department; an alert once its spend
reaches a share of it; and no outbound call once it is spent (`may_dial`, asked before dialling).

Spend is what the month's outbound calls cost (each CDR's charge), counted for the agent on the CDR, that
agent's department, and the campaign the call was made for. A call in progress is not counted until its CDR
is written, so a budget can be passed by the calls already under way; the next one is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from crm_core.billing.bills import BillError, department_jobs, month_bounds
from crm_core.billing.charges import charged_fen, rate_cdr, rerate
from crm_core.billing.tariffs import BILLING_TIME_ZONE
from crm_core.models import (
    Agent,
    Alert,
    Call,
    CallDetailRecord,
    Campaign,
    CampaignCall,
    DepartmentMember,
    OutboundBudget,
    TariffVersion,
)
from crm_core.models.call import CallDirection
from crm_core.notifications.templates import yuan

ALERT_KIND = "budget_threshold"


class Scope(StrEnum):
    CAMPAIGN = "campaign"
    AGENT = "agent"
    DEPARTMENT = "department"


class BudgetError(LookupError):
    """An unknown campaign, agent or department, or a budget that makes no sense."""


@dataclass(frozen=True)
class Standing:
    """A budget and what has been spent of it."""

    scope: str
    subject: str
    month: str
    limit_fen: int
    spent_fen: int
    alert_percent: int
    alerted_at: datetime | None = None

    @property
    def spent_out(self) -> bool:
        return self.spent_fen >= self.limit_fen

    @property
    def alerting(self) -> bool:
        return self.spent_fen * 100 >= self.limit_fen * self.alert_percent

    def describe(self) -> str:
        spent, limit = yuan(self.spent_fen), yuan(self.limit_fen)
        return f"{self.scope} {self.subject}: {spent} of {limit} yuan spent in {self.month}"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # why not, in words an agent reads (empty when allowed)


def may_dial(standings: list[Standing]) -> Decision:
    """An outbound call may start unless one of the budgets it counts against is spent."""
    spent = [standing for standing in standings if standing.spent_out]
    if spent:
        return Decision(False, "outbound budget spent: " + "; ".join(s.describe() for s in spent))
    return Decision(True, "")


def month_of(at: datetime) -> str:
    return f"{at.astimezone(ZoneInfo(BILLING_TIME_ZONE)):%Y-%m}"


# budgets ---------------------------------------------------------------------------------------------------
def set_budget(session: Session, scope: Scope, subject: str, month: str, limit: Decimal,
               alert_percent: int = 80) -> OutboundBudget:
    """Set (or change) a month's budget; changing it re-arms its alert."""
    month_bounds(month)  # a bad month fails here
    if limit < 0 or limit != limit.quantize(Decimal("0.01")):
        raise BudgetError(f"a budget is at least 0 yuan, to the fen, not {limit}")
    if not 1 <= alert_percent <= 100:
        raise BudgetError(f"the alert share is 1 to 100 %, not {alert_percent}")
    _condition(session, scope, subject)  # an unknown subject fails here
    budget = session.scalars(select(OutboundBudget).filter_by(scope=scope.value, subject=subject, month=month)
                             ).one_or_none()
    if budget is None:
        budget = OutboundBudget(scope=scope.value, subject=subject, month=month)
        session.add(budget)
    budget.limit_fen, budget.alert_percent, budget.alerted_at = int(limit * 100), alert_percent, None
    session.flush()
    return budget


def standing(session: Session, budget: OutboundBudget) -> Standing:
    return Standing(budget.scope, budget.subject, budget.month, budget.limit_fen,
                    spent_fen(session, Scope(budget.scope), budget.subject, budget.month), budget.alert_percent,
                    budget.alerted_at)


def standings(session: Session, month: str) -> list[Standing]:
    budgets = session.scalars(select(OutboundBudget).where(OutboundBudget.month == month)
                              .order_by(OutboundBudget.scope, OutboundBudget.subject))
    return [standing(session, budget) for budget in budgets]


def spent_fen(session: Session, scope: Scope, subject: str, month: str) -> int:
    start, end = month_bounds(month)
    return charged_fen(session, _condition(session, scope, subject), Call.direction == CallDirection.OUTBOUND.value,
                       CallDetailRecord.started_at >= start, CallDetailRecord.started_at < end)


def _condition(session: Session, scope: Scope, subject: str) -> ColumnElement[bool]:
    if scope is Scope.CAMPAIGN:
        campaign = session.scalars(select(Campaign.id).where(Campaign.code == subject)).one_or_none()
        if campaign is None:
            raise BudgetError(f"no campaign {subject!r}")
        return Call.id.in_(select(CampaignCall.call_id).where(CampaignCall.campaign_id == campaign))
    if scope is Scope.AGENT:
        if session.scalars(select(Agent.id).where(Agent.job_number == subject)).one_or_none() is None:
            raise BudgetError(f"no agent with job number {subject!r}")
        return CallDetailRecord.agent_job_number == subject
    try:
        return CallDetailRecord.agent_job_number.in_(department_jobs(session, subject))
    except BillError as unknown:
        raise BudgetError(str(unknown)) from None


# before dialling -------------------------------------------------------------------------------------------
def check_dial(session: Session, agent_id: int, *, campaign: str | None, now: datetime) -> Decision:
    """May this agent start an outbound call now (for this campaign)? Asked by click-to-dial and the dialer."""
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise BudgetError(f"no agent {agent_id}")
    if campaign is not None:
        _condition(session, Scope.CAMPAIGN, campaign)
    subjects = _subjects(session, agent, campaign)
    budgets = session.scalars(select(OutboundBudget).where(OutboundBudget.month == month_of(now)))
    return may_dial([standing(session, budget) for budget in budgets if (budget.scope, budget.subject) in subjects])


def _subjects(session: Session, agent: Agent, campaign: str | None) -> set[tuple[str, str]]:
    subjects = {(Scope.AGENT.value, agent.job_number)}
    department = session.get(DepartmentMember, agent.id)
    if department is not None:
        subjects.add((Scope.DEPARTMENT.value, department.department))
    if campaign is not None:
        subjects.add((Scope.CAMPAIGN.value, campaign))
    return subjects


def record_campaign_call(session: Session, call_id: str, campaign: str) -> None:
    """The outbound call `call_id` was made for `campaign`: its cost counts against the campaign's budget."""
    campaign_id = session.scalars(select(Campaign.id).where(Campaign.code == campaign)).one_or_none()
    if campaign_id is None:
        raise BudgetError(f"no campaign {campaign!r}")
    session.merge(CampaignCall(call_id=call_id, campaign_id=campaign_id))


# after a call ----------------------------------------------------------------------------------------------
def charge_cdr(session: Session, cdr: CallDetailRecord, call: Call) -> None:
    """A CDR just written: rate it, then alert on the budgets an outbound call's cost brought to their share."""
    rating = rate_cdr(session, cdr, call)
    if rating is None or rating.cost_fen == 0 or call.direction != CallDirection.OUTBOUND.value:
        return
    agent = session.get(Agent, call.agent_id) if call.agent_id else None
    campaign = session.scalars(select(Campaign.code).join(CampaignCall, CampaignCall.campaign_id == Campaign.id)
                               .where(CampaignCall.call_id == call.id)).one_or_none()
    subjects = _subjects(session, agent, campaign) if agent else set()
    alert_budgets(session, month_of(cdr.started_at), cdr.ended_at, only=subjects)


def alert_budgets(session: Session, month: str, now: datetime,
                  only: set[tuple[str, str]] | None = None) -> list[Alert]:
    """Raise one alert per budget of `month` whose spend has reached its share (once, until it is set again)."""
    session.flush()
    raised = []
    for budget in session.scalars(select(OutboundBudget).where(OutboundBudget.month == month,
                                                               OutboundBudget.alerted_at.is_(None))):
        if only is not None and (budget.scope, budget.subject) not in only:
            continue
        now_standing = standing(session, budget)
        if now_standing.alerting:
            budget.alerted_at = now
            alert = Alert(kind=ALERT_KIND, subject=f"{budget.scope}:{budget.subject}"[:60], at=now,
                          detail=f"{now_standing.describe()} (alert at {budget.alert_percent} %)")
            session.add(alert)
            raised.append(alert)
    return raised



def after_tariff_change(session: Session, version: TariffVersion, now: datetime) -> int:
    """Re-rate the calls a new tariff version covers, then alert on this month's budgets it brought to their
    share; returns how many CDRs were re-rated."""
    count = rerate(session, version)
    alert_budgets(session, month_of(now), now)
    return count
