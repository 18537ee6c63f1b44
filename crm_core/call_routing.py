"""How the CRM routes an investor's call: the staff member who serves them for the call's category, and the
service level of their segment. Both come from rules as data (`matching_rules`, read at each call, so a
re-match, a reassignment or a rule change routes the next call at once):

    call_route     first rule whose condition holds (over `call.category` and `investor.*`) names the role
                   that serves the call: trading help -> service commissioner, products -> marketing manager
    service_level  first rule whose condition holds (over `investor.*`) gives the call's queue priority, its
                   answer-within target and how long it waits for the investor's own agent when busy

`decide` is pure (unit tests feed it rules and an investor's attributes); `route_for` reads the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.expr import compile_rule, evaluate, names, truthy
from crm_core.matching.investor import one_investor
from crm_core.matching.rules import active_rules
from crm_core.models import Agent, InvestorAssignment, MatchingRule

CALL_ROUTE, SERVICE_LEVEL = "call_route", "service_level"
ROUTING_KINDS = (CALL_ROUTE, SERVICE_LEVEL)  # evaluated at each call: nothing to re-match when they change


@dataclass(frozen=True)
class ServiceLevel:
    rule_code: str
    priority: int
    answer_within_seconds: float
    wait_for_agent_seconds: float

    @classmethod
    def of(cls, rule: MatchingRule) -> ServiceLevel:
        params = rule.params or {}
        return cls(rule.code, int(str(params.get("priority", 0))),
                   float(str(params.get("answer_within_seconds", 30))),
                   float(str(params.get("wait_for_agent_seconds", 0))))


NO_SERVICE_LEVEL = ServiceLevel("", 0, 30.0, 0.0)


@dataclass(frozen=True)
class CallRoute:
    """What the ACD needs to route one call, and why (written to the call's timeline)."""

    investor_id: int | None
    category: str
    role_code: str | None  # the role that serves this category for this investor (None: no route rule)
    route_rule: str
    agent_id: int | None  # the investor's staff member in that role
    agent_job_number: str | None
    assignment: str  # how they were assigned: "rules", "manual by <who>", or "" when none
    service: ServiceLevel

    @property
    def ruled(self) -> bool:
        """Some routing rule applies (a CRM without routing rules routes by skill and the IVR's priority)."""
        return bool(self.route_rule or self.service.rule_code)

    def queue_priority(self, passed: int) -> int:
        """The service level's priority; the one the IVR passed when no service-level rule applies."""
        return self.service.priority if self.service.rule_code else passed

    def detail(self) -> dict[str, Any]:
        """The routing decision's reasons, as the call's `routed` event records them."""
        found = asdict(self)
        service = found.pop("service")
        return {**found, "service_rule": service["rule_code"], "priority": service["priority"],
                "answer_within_seconds": service["answer_within_seconds"],
                "wait_for_agent_seconds": service["wait_for_agent_seconds"]}


def first_holding(rules: Sequence[MatchingRule], env: Mapping[str, Any]) -> MatchingRule | None:
    """The first rule (in the order given) whose condition holds for `env`."""
    return next((r for r in rules if truthy(evaluate(compile_rule(r.condition), env))), None)


def decide(env: Mapping[str, Any], route_rules: Sequence[MatchingRule],
           level_rules: Sequence[MatchingRule]) -> tuple[MatchingRule | None, ServiceLevel]:
    """The route rule and the service level for one call (`env`: investor.* and call.category)."""
    level = first_holding(level_rules, env)
    return first_holding(route_rules, env), ServiceLevel.of(level) if level is not None else NO_SERVICE_LEVEL


def route_for(session: Session, investor_id: int | None, category: str) -> CallRoute:
    """The route of a call from this investor (None: not identified) for this category."""
    routes, levels = active_rules(session, CALL_ROUTE), active_rules(session, SERVICE_LEVEL)
    env: dict[str, Any] = {"call.category": category}
    if investor_id is not None:  # only the attributes the rules read (a call waits for this)
        env.update(one_investor(session, investor_id, set().union(*(names(compile_rule(r.condition))
                                                                     for r in (*routes, *levels)))))
    route_rule, service = decide(env, routes, levels)
    role = str((route_rule.params or {}).get("role", "")) or None if route_rule is not None else None
    assigned = _assigned(session, investor_id, role) if investor_id is not None and role else None
    return CallRoute(investor_id, category, role, route_rule.code if route_rule else "",
                     assigned[0] if assigned else None, assigned[1] if assigned else None,
                     assigned[2] if assigned else "", service)


def _assigned(session: Session, investor_id: int, role_code: str) -> tuple[int, str, str] | None:
    row = session.execute(
        select(InvestorAssignment.agent_id, Agent.job_number, InvestorAssignment.pinned,
               InvestorAssignment.assigned_by, InvestorAssignment.rule_code)
        .join(Agent, Agent.id == InvestorAssignment.agent_id)
        .where(InvestorAssignment.investor_id == investor_id, InvestorAssignment.role_code == role_code)
    ).first()
    if row is None:
        return None
    how = f"manual by {row.assigned_by}" if row.pinned else f"rules ({row.rule_code})"
    return row.agent_id, row.job_number, how


def service_levels(session: Session) -> list[dict[str, Any]]:
    """The service targets per segment rule, in the order they are tried (the supervisor board's table)."""
    return [{"condition": r.condition, "reason": r.reason, **asdict(ServiceLevel.of(r))}
            for r in active_rules(session, SERVICE_LEVEL)]
