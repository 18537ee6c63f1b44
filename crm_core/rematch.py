"""Keeping relationships right: full recompute, and incremental re-match after one change.

Both paths run the same functions on a set of investors, so an incremental re-match leaves the data
exactly as a full recompute would (tests check that a full recompute after it changes nothing).

    full_recompute(db)                          every investor, chunk by chunk
    rematch_investors(session, ids, cause)      their data changed (trade, questionnaire, import)
    after_rule_change(session, previous, rule)  investors for whom the old or the new condition holds
    after_tree_change(session, codes, cause)    investors whose path passes through these nodes
    after_product_change(session, code, cause)  every investor, that product only
    after_staff_change(session, agent_id, cause) the member's investors and the unassigned ones
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.attributes.compute import compute_attributes, written_keys
from crm_core.attributes.definitions import current_definitions
from crm_core.attributes.values import load_frame, write_frame
from crm_core.calculators import CalculatorConfig, load_sources
from crm_core.call_routing import ROUTING_KINDS
from crm_core.db import Database
from crm_core.expr import compile_rule, names
from crm_core.expr.frame import evaluate_frame, evaluate_frame_values
from crm_core.matching import assignment, recommendations, suitability
from crm_core.matching import loads as staff_loads
from crm_core.matching.context import investor_context, load_context
from crm_core.matching.rules import active_rules
from crm_core.matching.store import write_results
from crm_core.models import Investor, InvestorAssignment, MatchingRule, Product
from crm_core.products import active_products, product_context
from crm_core.segments.service import load_tree, touched_investors, write_paths
from crm_core.segments.tree import classify
from crm_core.staff import pool


@dataclass
class Report:
    investors: int = 0
    attribute_changes: int = 0
    segment_moves: int = 0
    match_changes: int = 0
    assignment_changes: int = 0
    seconds: float = 0.0
    touched: list[int] = field(default_factory=list)

    def add(self, other: Report) -> None:
        self.investors += other.investors
        self.attribute_changes += other.attribute_changes
        self.segment_moves += other.segment_moves
        self.match_changes += other.match_changes
        self.assignment_changes += other.assignment_changes


def _pipeline(session: Session, ids: list[int], cause: str, as_of: date, config: CalculatorConfig,
              assign: bool) -> tuple[Report, pd.DataFrame]:
    """Attributes, path, suitability and recommendations of these investors; assignment if asked."""
    report = Report(investors=len(ids))
    definitions = current_definitions(session)
    types = {d.key: d.value_type for d in definitions}
    src = load_sources(session, ids, as_of, config.window_days)
    inputs = [d.key for d in definitions if d.computation == "input"]
    stored = load_frame(session, ids, inputs) if inputs else pd.DataFrame(index=src.ids)
    frame = compute_attributes(src, definitions, config, stored)
    report.attribute_changes = write_frame(session, frame[written_keys(definitions)], types, source=cause).changed
    paths = classify(load_tree(session), frame)
    report.segment_moves = write_paths(session, paths, cause=cause)
    context = investor_context(frame, paths)
    report.match_changes = _match_products(session, context, cause)
    if assign:
        report.assignment_changes = _assign(session, context, cause)
    return report, context


def _match_products(session: Session, context: pd.DataFrame, cause: str,
                    products: list[Product] | None = None) -> int:
    ids = [int(i) for i in context.index]
    if not ids:
        return 0
    products = products if products is not None else active_products(session)
    targets = [p.code for p in products]
    suit = suitability.decide(context, products, active_rules(session, "suitability"))
    changes = write_results(session, "suitability", suit, ids, cause=cause, targets=targets)
    recs = recommendations.recommend(context, products, active_rules(session, "recommendation"), suit)
    return changes + write_results(session, "recommendation", recs, ids, cause=cause, targets=targets)


def _assign(session: Session, context: pd.DataFrame, cause: str) -> int:
    forced = set()
    for role_code in _assignment_roles(session):
        forced |= set(assignment.over_capacity(session, role_code, pool(session, role_code)))
    extra = sorted(forced - set(int(i) for i in context.index))
    if extra:
        context = pd.concat([context, load_context(session, extra)])
    return assignment.assign(session, context.sort_index(), cause=cause)


def _assignment_roles(session: Session) -> set[str]:
    return {str((r.params or {}).get("role", "service_commissioner")) for r in active_rules(session, "assignment")}


def _assignment_columns(session: Session) -> list[str]:
    keys = {"investor.language"}
    for rule in active_rules(session, "assignment"):
        keys |= names(compile_rule(rule.condition))
    return sorted(keys)


def full_recompute(
    db: Database, *, chunk_size: int = 50_000, as_of: date | None = None,
    config: CalculatorConfig | None = None, cause: str = "full recompute",
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Every investor, in chunks of consecutive ids (one transaction each), then staff assignment."""
    started, as_of, config = time.perf_counter(), as_of or date.today(), config or CalculatorConfig()
    with db.session() as session:
        low, high = session.execute(select(func.min(Investor.id), func.max(Investor.id))).one()
        columns = _assignment_columns(session)
    report, parts = Report(), []
    for start in range(low or 0, (high or -1) + 1, chunk_size):
        with db.session() as session:
            ids = list(session.scalars(
                select(Investor.id).where(Investor.id.between(start, start + chunk_size - 1)).order_by(Investor.id)
            ))
            if not ids:
                continue
            part, context = _pipeline(session, ids, cause, as_of, config, assign=False)
            parts.append(context.reindex(columns=[c for c in columns if c in context.columns]))
            report.add(part)
        if progress:
            progress(report.investors, (high or 0) - (low or 0) + 1)
    if parts:
        with db.session() as session:
            staff_loads.recount(session)
            report.assignment_changes = assignment.assign(session, pd.concat(parts).sort_index(), cause=cause)
    report.seconds = time.perf_counter() - started
    return report


def rematch_investors(session: Session, ids: list[int], cause: str, *, as_of: date | None = None,
                      config: CalculatorConfig | None = None) -> Report:
    """Their data changed: recompute their attributes, path and every match."""
    started = time.perf_counter()
    ids = sorted(set(ids))
    report, _ = _pipeline(session, ids, cause, as_of or date.today(), config or CalculatorConfig(), True)
    report.seconds, report.touched = time.perf_counter() - started, ids
    return report


def rematch_matching(session: Session, ids: list[int], cause: str,
                     products: list[Product] | None = None, assign: bool = True) -> Report:
    """Attributes and paths unchanged: match again from the stored ones."""
    started = time.perf_counter()
    ids = sorted(set(ids))
    report = Report(investors=len(ids), touched=ids)
    if ids:
        context = load_context(session, ids)
        report.match_changes = _match_products(session, context, cause, products)
        if assign:
            report.assignment_changes = _assign(session, context, cause)
    report.seconds = time.perf_counter() - started
    return report


def after_rule_change(session: Session, previous: MatchingRule | None, rule: MatchingRule, cause: str = "") -> Report:
    """Re-match only the investors for whom the old or the new condition holds (for some product). Call routing
    rules are read at each call: nothing to re-match."""
    if rule.kind in ROUTING_KINDS:
        return Report()
    cause = cause or f"rule {rule.kind}:{rule.code} v{rule.version}"
    conditions = [compile_rule(r.condition) for r in (previous, rule) if r is not None]
    context = load_context(session, None, set().union(*(names(c) for c in conditions)))
    hit = pd.Series(False, index=context.index)
    scopes = [context] if rule.kind == "assignment" else [
        context.assign(**product_context(p)) for p in active_products(session)
    ]
    for scope in scopes:
        for condition in conditions:
            hit |= evaluate_frame(condition, scope)
    ids = [int(i) for i in context.index[hit.to_numpy()]]
    return rematch_matching(session, ids, cause, assign=rule.kind == "assignment")


def after_tree_change(session: Session, codes: set[str], cause: str = "") -> Report:
    """Classify again the investors that reached the changed nodes, then match them again."""
    started = time.perf_counter()
    report = _classify_and_match(session, touched_investors(session, codes),
                                 cause or f"tree change at {sorted(codes)}")
    report.seconds = time.perf_counter() - started
    return report


def _classify_and_match(session: Session, ids: list[int], cause: str) -> Report:
    report = Report(investors=len(ids), touched=ids)
    if ids:
        frame = load_frame(session, ids)
        paths = classify(load_tree(session), frame)
        report.segment_moves = write_paths(session, paths, cause=cause)
        context = investor_context(frame, paths)
        report.match_changes = _match_products(session, context, cause)
        report.assignment_changes = _assign(session, context, cause)
    return report


def after_definition_change(session: Session, key: str, cause: str = "") -> Report:
    """A rule attribute was (re)defined: evaluate it and the rule attributes built on it for everyone;
    only the investors whose values changed are classified and matched again."""
    started = time.perf_counter()
    definitions = current_definitions(session)
    rules = {d.key: d for d in definitions if d.computation == "rule"}
    stale, reads = {key}, set()
    for definition in definitions:  # evaluation order: dependents come after what they read
        formula_names = names(compile_rule(definition.formula)) if definition.key in rules else set()
        if definition.key in rules and (definition.key == key or formula_names & stale):
            stale.add(definition.key)
            reads |= formula_names
    ordered = [d.key for d in definitions if d.key in stale and d.key in rules]
    if not ordered:
        return Report()
    ids = list(session.scalars(select(Investor.id).order_by(Investor.id)))
    frame = load_frame(session, ids, sorted((reads | set(ordered)) - set(ordered)))
    for name in ordered:
        node = compile_rule(rules[name].formula)
        bool_rule = rules[name].value_type == "bool"
        frame[name] = evaluate_frame(node, frame) if bool_rule else evaluate_frame_values(node, frame)
    cause = cause or f"attribute {key} redefined (v{rules[key].version if key in rules else '?'})"
    types = {d.key: d.value_type for d in definitions}
    written = write_frame(session, frame[ordered], types, source=cause)
    report = _classify_and_match(session, sorted(written.investor_ids), cause)
    report.attribute_changes = written.changed
    report.seconds = time.perf_counter() - started
    return report


def after_product_change(session: Session, code: str, cause: str = "") -> Report:
    products = [p for p in active_products(session) if p.code == code]
    ids = list(session.scalars(select(Investor.id).order_by(Investor.id)))
    if not products:  # retired: its results go (and the change is logged)
        empty = pd.DataFrame(columns=["investor_id", "target", "outcome", "rule_code", "rule_version"])
        changes = sum(write_results(session, kind, empty, ids, cause=cause or f"product {code} retired",
                                    targets=[code]) for kind in ("suitability", "recommendation"))
        return Report(investors=len(ids), match_changes=changes, touched=ids)
    return rematch_matching(session, ids, cause or f"product {code} changed", products=products, assign=False)


def after_staff_change(session: Session, agent_id: int, cause: str = "") -> Report:
    """The member's investors and every unassigned investor are matched with staff again."""
    started = time.perf_counter()
    theirs = set(session.scalars(select(InvestorAssignment.investor_id).where(InvestorAssignment.agent_id == agent_id)))
    assigned = select(InvestorAssignment.investor_id)
    unassigned = set(session.scalars(select(Investor.id).where(Investor.id.not_in(assigned))))
    ids = sorted(theirs | unassigned)
    report = Report(investors=len(ids), touched=ids)
    if ids:
        report.assignment_changes = _assign(session, load_context(session, ids), cause or f"staff {agent_id} changed")
    report.seconds = time.perf_counter() - started
    return report
