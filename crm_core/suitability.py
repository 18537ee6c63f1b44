"""Suitability for callers (IVR, agent desktop, order entry): may this investor buy this product now?

    check(session, investor_id, product_code) -> SuitabilityDecision(outcome, reason, rule_code)

Computed live from the investor's current attributes and the active rules (the same decision the bulk
re-match stores), then a recorded risk disclosure turns `needs_disclosure` into `allowed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Investor, Product, RiskDisclosure

if TYPE_CHECKING:
    from crm_core.matching.suitability import Trace


class Outcome(StrEnum):
    ALLOWED = "allowed"
    NEEDS_DISCLOSURE = "needs_disclosure"
    REFUSED = "refused"


@dataclass(frozen=True)
class SuitabilityDecision:
    outcome: Outcome
    reason: str
    rule_code: str
    disclosure_id: int | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED


class UnknownError(LookupError):
    """No such investor or product."""


def _product(session: Session, code: str) -> Product:
    product = session.scalars(select(Product).where(Product.code == code, Product.active)).one_or_none()
    if product is None:
        raise UnknownError(f"no active product {code!r}")
    return product


def trace(session: Session, investor_id: int, product_code: str) -> Trace:
    # The rules' engine is pandas (0.3 s to import): loaded when a decision is asked for, not by every importer of
    # trading (orders import this module), such as the command line's notify and crm commands.
    from crm_core.matching.investor import one_investor
    from crm_core.matching.rules import active_rules
    from crm_core.matching.suitability import decide_one

    if session.get(Investor, investor_id) is None:
        raise UnknownError(f"no investor {investor_id}")
    return decide_one(one_investor(session, investor_id), _product(session, product_code),
                      active_rules(session, "suitability"))


def check(session: Session, investor_id: int, product_code: str) -> SuitabilityDecision:
    result = trace(session, investor_id, product_code)
    if result.outcome == "refuse":
        return SuitabilityDecision(Outcome.REFUSED, result.reason, result.decided_by)
    if result.outcome == "allow":
        return SuitabilityDecision(Outcome.ALLOWED, result.reason, result.decided_by)
    disclosure = session.scalars(
        select(RiskDisclosure.id).where(RiskDisclosure.investor_id == investor_id,
                                        RiskDisclosure.product_code == product_code)
        .order_by(RiskDisclosure.disclosed_at.desc()).limit(1)
    ).first()
    if disclosure is not None:
        return SuitabilityDecision(Outcome.ALLOWED, f"{result.reason}; risk disclosure recorded",
                                   result.decided_by, disclosure)
    return SuitabilityDecision(Outcome.NEEDS_DISCLOSURE, result.reason, result.decided_by)


def record_disclosure(session: Session, investor_id: int, product_code: str, *, agent_id: int | None = None,
                      channel: str = "phone", call_id: str | None = None,
                      at: datetime | None = None) -> RiskDisclosure:
    """The investor was told the product exceeds their tolerance and agreed; refused stays refused."""
    if trace(session, investor_id, product_code).outcome == "refuse":
        raise UnknownError("this product is refused to this investor; a disclosure cannot allow it")
    disclosure = RiskDisclosure(investor_id=investor_id, product_code=product_code, agent_id=agent_id,
                                channel=channel, call_id=call_id)
    if at is not None:
        disclosure.disclosed_at = at
    session.add(disclosure)
    session.flush()
    return disclosure
