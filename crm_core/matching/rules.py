"""Matching rules as versioned data: add, change (a new version), retire; the defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.expr import compile_rule
from crm_core.models import MatchingRule

KINDS = {
    "suitability": {"allow", "disclose", "refuse"}, "assignment": {"assign"}, "recommendation": {"recommend"},
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
]


class RuleError(ValueError):
    """A rule that cannot be stored (unknown kind or outcome, bad condition)."""


def seed_rules(session: Session) -> int:
    if session.scalar(select(func.count()).select_from(MatchingRule)):
        return 0
    for kind, code, priority, condition, outcome, params, reason in DEFAULT_RULES:
        session.add(MatchingRule(kind=kind, code=code, version=1, priority=priority, condition=condition,
                                 outcome=outcome, params=params, reason=reason))
    session.flush()
    return len(DEFAULT_RULES)


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
