"""`explain`: which rules fired for one investor and one product, or one staff member."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.expr import compile_rule, evaluate, names, truthy
from crm_core.matching.assignment import eligible, staff_env
from crm_core.matching.investor import one_investor
from crm_core.matching.recommendations import recommend_one
from crm_core.matching.rules import active_rules
from crm_core.models import Agent, InvestorAssignment
from crm_core.staff import pool
from crm_core.suitability import _product, check, trace

FLOOR_FACTS = {"investor.risk_class", "investor.investor_class"}


def _facts(env: dict[str, object], rules_text: list[str]) -> list[str]:
    keys = sorted(FLOOR_FACTS | {name for text in rules_text for name in names(compile_rule(text)) if name in env})
    return [f"  {key} = {_show(key, env.get(key))}" for key in keys]


def _show(key: str, value: object) -> str:
    if key == "investor.risk_class" and isinstance(value, int | float):
        return f"C{int(value)}"
    return repr(value)


def explain_product(session: Session, investor_id: int, product_code: str) -> list[str]:
    env = one_investor(session, investor_id)
    product = _product(session, product_code)
    suit_rules = active_rules(session, "suitability")
    result = trace(session, investor_id, product_code)
    floor_outcome, floor_code = result.floor
    lines = [f"investor {investor_id} x product {product_code} (risk {product.risk_level}, {product.kind})",
             f"path: {env.get('investor.segment_path')}", "facts:"]
    lines += _facts(env, [r.condition for r in suit_rules]) or ["  (none)"]
    lines.append(f"floor: {floor_outcome} ({floor_code})")
    for code, version, outcome, fired in result.tried:
        lines.append(f"  suitability rule {code} v{version} -> {outcome}: {'FIRED' if fired else 'no'}")
    decision = check(session, investor_id, product_code)
    lines.append(f"suitability: {decision.outcome.value} by {decision.rule_code}: {decision.reason}")
    for code, fired in recommend_one(env, product, active_rules(session, "recommendation")):
        lines.append(f"  recommendation rule {code}: {'FIRED' if fired else 'no'}")
    return lines


def explain_staff(session: Session, investor_id: int, job_number: str) -> list[str]:
    env = one_investor(session, investor_id)
    agent = session.scalars(select(Agent).where(Agent.job_number == job_number)).one_or_none()
    if agent is None:
        raise LookupError(f"no staff member {job_number!r}")
    lines = [f"investor {investor_id} x staff {job_number} ({agent.name})",
             f"path: {env.get('investor.segment_path')}", f"language: {env.get('investor.language')}"]
    chosen = None
    for rule in active_rules(session, "assignment"):
        fired = truthy(evaluate(compile_rule(rule.condition), env))
        lines.append(f"  assignment rule {rule.code} v{rule.version} {rule.params}: {'FIRED' if fired else 'no'}")
        if fired:
            chosen = rule
            break
    assigned = session.scalars(select(InvestorAssignment).where(InvestorAssignment.investor_id == investor_id)).all()
    for row in assigned:
        lines.append(f"assigned ({row.role_code}) to agent {row.agent_id}, by {row.assigned_by}"
                     f"{' (pinned)' if row.pinned else ''}")
    if chosen is None:
        return [*lines, "no assignment rule holds"]
    role = str((chosen.params or {}).get("role", "service_commissioner"))
    members = pool(session, role)
    member = next((m for m in members if m.agent_id == agent.id), None)
    if member is None:
        return [*lines, f"{job_number} is not an accepting holder of role {role}"]
    ok = member in eligible(chosen, members, env.get("investor.language"))  # type: ignore[arg-type]
    lines.append(f"staff facts: languages={sorted(member.languages)} skills={member.skills} "
                 f"capacity={member.capacity} {staff_env(member)}")
    lines.append(f"{job_number} is {'ELIGIBLE' if ok else 'NOT eligible'} under {chosen.code}")
    return lines
