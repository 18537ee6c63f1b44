"""Matching rules as versioned data: add, change (a new version), retire; the defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.expr import compile_rule
from crm_core.models import MatchingRule

KINDS = {
    "suitability": {"allow", "disclose", "refuse"}, "assignment": {"assign"}, "recommendation": {"recommend"},
    "call_route": {"route"}, "service_level": {"serve"},  # read at each call (crm_core/call_routing.py)
}

# kind, code, priority, condition, outcome, params, reason
DEFAULT_RULES: list[tuple[str, str, int, str, str, dict[str, Any], str]] = [
    ("suitability", "SUIT-SENIOR-HIGH-RISK", 10,
     "investor.age_band == '65+' and product.risk_level >= R4", "disclose", {},
     "investors aged 65 or more are warned before products of level R4 and above"),
    ("suitability", "SUIT-SHORT-EXPERIENCE", 20,
     "investor.experience_years < 1 and product.type in ['option', 'private_fund']", "refuse", {},
     "options and private funds need at least one year of investment experience"),
    ("suitability", "SUIT-DEFAULT", 1000, "true", "allow", {}, "within the investor's risk tolerance"),
    ("assignment", "ASSIGN-PROFESSIONAL", 10, "investor.branch == 'professional'", "assign",
     {"role": "service_commissioner", "skill": "professional", "min_level": 5, "match_language": True},
     "professional investors get a commissioner skilled with professionals"),
    ("assignment", "ASSIGN-VIP", 20, "investor.vip", "assign",
     {"role": "service_commissioner", "skill": "vip", "min_level": 3, "match_language": True},
     "VIP investors get a commissioner with VIP skill"),
    ("assignment", "ASSIGN-DEFAULT", 1000, "true", "assign",
     {"role": "service_commissioner", "match_language": True}, "every investor has a commissioner"),
    ("recommendation", "REC-NEWS", 100, "product.code == 'NEWS1'", "recommend", {},
     "every investor gets the daily newsletter"),
    ("recommendation", "REC-RESEARCH", 100,
     "product.code == 'RSCH2' and (investor.assets >= 500_000 or investor.active_trader)", "recommend", {},
     "research reports for investors with some assets or active traders"),
    ("recommendation", "REC-DERIV", 100,
     "product.code == 'DERIV3' and investor.risk_class >= C4 and investor.experience_years >= 2", "recommend",
     {}, "derivatives briefing for experienced, risk-tolerant investors"),
    ("call_route", "ROUTE-SERVICE", 10, "call.category in ['trading', 'account', 'complaints']", "route",
     {"role": "service_commissioner"}, "trading, account and complaint calls go to the client's service commissioner"),
    ("call_route", "ROUTE-PRODUCTS", 20, "call.category == 'products'", "route",
     {"role": "marketing_manager"}, "funds and products calls go to the client's marketing service manager"),
    ("service_level", "SL-HIGH-ASSETS", 10, "investor.assets >= 5_000_000", "serve",
     {"priority": 20, "answer_within_seconds": 10, "wait_for_agent_seconds": 30},
     "clients with five million or more are answered within 10 s"),
    ("service_level", "SL-VIP", 20, "investor.vip", "serve",
     {"priority": 10, "answer_within_seconds": 20, "wait_for_agent_seconds": 20}, "VIP clients first"),
    ("service_level", "SL-DEFAULT", 1000, "true", "serve",
     {"priority": 0, "answer_within_seconds": 30, "wait_for_agent_seconds": 10}, "every other call"),
]


class RuleError(ValueError):
    """A rule that cannot be stored (unknown kind or outcome, bad condition)."""


def seed_rules(session: Session) -> int:
    """The default rules of each kind that has none yet (a kind added later is seeded in an existing CRM)."""
    present = set(session.scalars(select(MatchingRule.kind).distinct()))
    added = [row for row in DEFAULT_RULES if row[0] not in present]
    for kind, code, priority, condition, outcome, params, reason in added:
        session.add(MatchingRule(kind=kind, code=code, version=1, priority=priority, condition=condition,
                                 outcome=outcome, params=params, reason=reason))
    session.flush()
    return len(added)


def active_rules(session: Session, kind: str) -> list[MatchingRule]:
    query = select(MatchingRule).where(MatchingRule.kind == kind, MatchingRule.active)
    return list(session.scalars(query.order_by(MatchingRule.priority, MatchingRule.code)))


def current_rule(session: Session, kind: str, code: str) -> MatchingRule | None:
    query = select(MatchingRule).where(
        MatchingRule.kind == kind, MatchingRule.code == code, MatchingRule.active
    )
    return session.scalars(query).one_or_none()


def save_rule(
    session: Session, kind: str, code: str, *, condition: str, outcome: str, priority: int = 100,
    params: dict[str, Any] | None = None, reason: str = "",
) -> tuple[MatchingRule | None, MatchingRule]:
    """Add a rule or a new version of it; returns (previous version or None, new version)."""
    if kind not in KINDS:
        raise RuleError(f"unknown rule kind {kind!r}; one of {sorted(KINDS)}")
    if outcome not in KINDS[kind]:
        raise RuleError(f"a {kind} rule's outcome is one of {sorted(KINDS[kind])}, not {outcome!r}")
    compile_rule(condition)
    previous = current_rule(session, kind, code)
    version = (session.scalar(select(func.max(MatchingRule.version))
                              .where(MatchingRule.kind == kind, MatchingRule.code == code)) or 0) + 1
    if previous is not None:
        previous.active = False
    rule = MatchingRule(kind=kind, code=code, version=version, priority=priority, condition=condition,
                        outcome=outcome, params=params or {}, reason=reason)
    session.add(rule)
    session.flush()
    return previous, rule


def retire_rule(session: Session, kind: str, code: str) -> MatchingRule:
    rule = current_rule(session, kind, code)
    if rule is None:
        raise RuleError(f"no active {kind} rule {code!r}")
    rule.active = False
    session.flush()
    return rule
