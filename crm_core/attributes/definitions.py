"""Attribute definitions: the defaults, the current version of each key, and adding a new version."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.expr import compile_rule, names
from crm_core.models import AttributeDefinition

VALUE_TYPES = {"number", "integer", "money", "text", "bool", "level"}
COMPUTATIONS = {"calculator", "rule", "input"}


class AttributeError_(ValueError):  # noqa: N801 - AttributeError is a builtin
    """A definition that cannot be accepted (unknown type, unknown calculator, bad or cyclic rule)."""


# key, name, type, unit, computation, formula, cadence
DEFAULTS: list[tuple[str, str, str, str, str, str, str]] = [
    ("risk_score", "Risk-tolerance questionnaire score", "integer", "points", "calculator", "risk_score",
     "on_change"),
    ("risk_class", "Risk tolerance class C1-C5", "level", "", "calculator", "risk_class", "on_change"),
    ("investor_class", "Professional or ordinary investor", "text", "", "calculator", "investor_class",
     "daily"),
    ("assets", "Assets under custody", "money", "CNY", "calculator", "assets", "daily"),
    ("trades_per_month", "Trading frequency", "number", "trades/month", "calculator", "trades_per_month",
     "daily"),
    ("turnover", "Turnover rate over the window", "number", "x", "calculator", "turnover", "daily"),
    ("avg_holding_days", "Average holding period", "number", "days", "calculator", "avg_holding_days",
     "daily"),
    ("volatility", "Annualised portfolio volatility", "number", "", "calculator", "volatility", "daily"),
    ("max_drawdown", "Maximum drawdown", "number", "", "calculator", "max_drawdown", "daily"),
    ("hhi", "Concentration (Herfindahl index)", "number", "", "calculator", "hhi", "daily"),
    ("realised_pnl", "Realised P&L over the window", "money", "CNY", "calculator", "realised_pnl", "daily"),
    ("experience_years", "Investment experience", "number", "years", "calculator", "experience_years",
     "monthly"),
    ("age_band", "Age band", "text", "", "calculator", "age_band", "monthly"),
    ("preferred_channel", "Preferred contact channel", "text", "", "calculator", "preferred_channel",
     "daily"),
    ("preferred_hours", "Preferred contact hours (local)", "text", "", "calculator", "preferred_hours",
     "daily"),
    ("language", "Service language", "text", "", "calculator", "language", "on_change"),
    ("vip", "VIP service", "bool", "", "calculator", "vip", "on_change"),
    ("high_net_worth", "High-net-worth investor", "bool", "", "rule", "assets >= 5_000_000", "daily"),
    ("active_trader", "Active trader", "bool", "", "rule", "trades_per_month >= 10 or turnover >= 6",
     "daily"),
]


def seed_definitions(session: Session) -> int:
    """Insert the default definitions that are missing; returns how many were added."""
    present = set(session.scalars(select(AttributeDefinition.key)))
    added = 0
    for key, name, value_type, unit, computation, formula, cadence in DEFAULTS:
        if key not in present:
            session.add(AttributeDefinition(
                key=key, version=1, name=name, value_type=value_type, unit=unit,
                computation=computation, formula=formula, cadence=cadence, owner="crm",
            ))
            added += 1
    session.flush()
    return added


def current_definitions(session: Session) -> list[AttributeDefinition]:
    """The newest active version of each key, in evaluation order (rules after what they read)."""
    newest = (
        select(AttributeDefinition.key, func.max(AttributeDefinition.version).label("version"))
        .group_by(AttributeDefinition.key)
        .subquery()
    )
    rows = session.scalars(
        select(AttributeDefinition).join(
            newest,
            (AttributeDefinition.key == newest.c.key) & (AttributeDefinition.version == newest.c.version),
        )
    ).all()
    active = {row.key: row for row in rows if row.active}
    return [active[key] for key in evaluation_order(active)]


def evaluation_order(definitions: dict[str, AttributeDefinition]) -> list[str]:
    graph: dict[str, set[str]] = {}
    for key, definition in sorted(definitions.items()):
        graph[key] = names(compile_rule(definition.formula)) if definition.computation == "rule" else set()
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AttributeError_(f"rule attributes depend on each other in a cycle: {exc.args[1]}") from exc


def define_attribute(
    session: Session, key: str, *, name: str, value_type: str, computation: str, formula: str = "",
    unit: str = "", cadence: str = "daily", owner: str = "crm", description: str = "", active: bool = True,
) -> AttributeDefinition:
    """Add a definition or a new version of a key; a rule over existing attributes needs no code."""
    if value_type not in VALUE_TYPES:
        raise AttributeError_(f"unknown value type {value_type!r}; one of {sorted(VALUE_TYPES)}")
    if computation not in COMPUTATIONS:
        raise AttributeError_(f"unknown computation {computation!r}; one of {sorted(COMPUTATIONS)}")
    from crm_core.calculators import CALCULATORS  # pandas: imported by what defines attributes, not what reads them

    if computation == "calculator" and formula not in CALCULATORS:
        raise AttributeError_(f"unknown calculator {formula!r}; one of {sorted(CALCULATORS)}")
    existing = {d.key: d for d in current_definitions(session)}
    if computation == "rule":
        compile_rule(formula, known=set(existing) - {key})
    version = (session.scalar(
        select(func.max(AttributeDefinition.version)).where(AttributeDefinition.key == key)
    ) or 0) + 1
    definition = AttributeDefinition(
        key=key, version=version, name=name, value_type=value_type, unit=unit, computation=computation,
        formula=formula, cadence=cadence, owner=owner, description=description, active=active,
    )
    session.add(definition)
    session.flush()
    current_definitions(session)  # raises on a cycle; the caller's transaction rolls back
    return definition
