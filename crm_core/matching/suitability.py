"""Investor x product suitability: a regulatory floor in code, then the first matching rule (data).

The floor cannot be loosened by rules: a product above the investor's class by two levels or more is
refused, one level above needs a recorded risk disclosure (refused for C1), a professional-only product
is refused to ordinary investors, an investor without a risk class is refused. The final outcome is the
stricter of the floor and the first rule (by priority) whose condition holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crm_core.expr import compile_rule, evaluate, truthy
from crm_core.expr.frame import evaluate_frame
from crm_core.models import MatchingRule, Product
from crm_core.products import product_context

SEVERITY = {"allow": 0, "disclose": 1, "refuse": 2}
OUTCOMES = np.array(["allow", "disclose", "refuse"], dtype=object)
FLOOR_REASONS = {
    "FLOOR:ASSESSMENT": "no valid risk assessment on file",
    "FLOOR:CLASS": "product reserved to professional investors",
    "FLOOR:RISK": "product risk level above the investor's risk tolerance",
    "FLOOR:ONE-ABOVE": "product one level above the investor's risk tolerance: disclosure required",
    "FLOOR:OK": "within the investor's risk tolerance",
}


def floor_one(env: dict[str, Any], product: Product) -> tuple[str, str]:
    """(outcome, floor code) for one investor context and one product."""
    if product.kind == "information":
        return "allow", "FLOOR:OK"
    rank = env.get("investor.risk_class")
    if rank is None or (isinstance(rank, float) and np.isnan(rank)):
        return "refuse", "FLOOR:ASSESSMENT"
    if product.min_investor_class == "professional" and env.get("investor.investor_class") != "professional":
        return "refuse", "FLOOR:CLASS"
    level = product_context(product)["product.risk_level"]
    if level <= rank:
        return "allow", "FLOOR:OK"
    if level == rank + 1 and rank >= 2:
        return "disclose", "FLOOR:ONE-ABOVE"
    return "refuse", "FLOOR:RISK"


def _floor_frame(context: pd.DataFrame, product: Product) -> tuple[np.ndarray, np.ndarray]:
    count = len(context)
    if product.kind == "information":
        return np.zeros(count, dtype=int), np.full(count, "FLOOR:OK", dtype=object)
    rank = pd.to_numeric(context.get("investor.risk_class", pd.Series(np.nan, index=context.index)),
                         errors="coerce").to_numpy(dtype=float)
    level = product_context(product)["product.risk_level"]
    klass = context.get("investor.investor_class", pd.Series(None, index=context.index)).to_numpy()
    missing = np.isnan(rank)
    wrong_class = (product.min_investor_class == "professional") & (klass != "professional")
    conditions = [missing, wrong_class, level <= rank, (level == rank + 1) & (rank >= 2)]
    severity = np.select(conditions, [2, 2, 0, 1], default=2)
    codes = np.select(conditions, ["FLOOR:ASSESSMENT", "FLOOR:CLASS", "FLOOR:OK", "FLOOR:ONE-ABOVE"],
                      default="FLOOR:RISK").astype(object)
    return severity, codes


def decide_product(context: pd.DataFrame, product: Product, rules: list[MatchingRule]) -> pd.DataFrame:
    """Outcome, rule code and version of every investor of the context frame for one product."""
    frame = context.assign(**product_context(product))
    floor_severity, floor_codes = _floor_frame(frame, product)
    rule_severity = np.full(len(frame), -1)
    rule_codes = np.full(len(frame), "", dtype=object)
    rule_versions = np.zeros(len(frame), dtype=int)
    undecided = np.ones(len(frame), dtype=bool)
    for rule in rules:
        if not undecided.any():
            break
        hit = undecided & evaluate_frame(compile_rule(rule.condition), frame).to_numpy(dtype=bool)
        rule_severity[hit] = SEVERITY[rule.outcome]
        rule_codes[hit], rule_versions[hit] = rule.code, rule.version
        undecided &= ~hit
    floor_wins = floor_severity > rule_severity
    return pd.DataFrame({
        "investor_id": frame.index.to_numpy(),
        "target": product.code,
        "outcome": OUTCOMES[np.maximum(floor_severity, rule_severity)],
        "rule_code": np.where(floor_wins, floor_codes, rule_codes),
        "rule_version": np.where(floor_wins, 0, rule_versions),
    })


SMALL = 32  # below this many investors, one-by-one evaluation beats pandas' per-call overhead
COLUMNS = ["investor_id", "target", "outcome", "rule_code", "rule_version"]


def decide(context: pd.DataFrame, products: list[Product], rules: list[MatchingRule]) -> pd.DataFrame:
    if not products or context.empty:
        return pd.DataFrame(columns=COLUMNS)
    if len(context) <= SMALL:
        versions = {rule.code: rule.version for rule in rules}
        rows = []
        for investor_id, env in rows_of(context):
            for product in products:
                trace = decide_one(env, product, rules)
                rows.append((investor_id, product.code, trace.outcome, trace.decided_by,
                             versions.get(trace.decided_by, 0)))
        return pd.DataFrame(rows, columns=COLUMNS)
    return pd.concat([decide_product(context, p, rules) for p in products], ignore_index=True)


def rows_of(context: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """(investor id, env) per row, missing values as None: what the one-by-one path evaluates."""
    records = context.to_dict("index")
    return [(int(investor_id), {k: (None if _missing(v) else v) for k, v in env.items()})
            for investor_id, env in records.items()]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


@dataclass
class Trace:
    """What `explain` shows: the floor, every rule tried and whether it fired, the outcome."""

    floor: tuple[str, str]
    tried: list[tuple[str, int, str, bool]] = field(default_factory=list)  # code, version, outcome, fired
    outcome: str = "refuse"
    decided_by: str = ""
    reason: str = ""


def decide_one(env: dict[str, Any], product: Product, rules: list[MatchingRule]) -> Trace:
    """The same decision as `decide_product`, for one investor, keeping the trace."""
    scope = {**env, **product_context(product)}
    trace = Trace(floor=floor_one(env, product))
    chosen: MatchingRule | None = None
    for rule in rules:
        fired = truthy(evaluate(compile_rule(rule.condition), scope))
        trace.tried.append((rule.code, rule.version, rule.outcome, fired))
        if fired:
            chosen = rule
            break
    floor_outcome, floor_code = trace.floor
    if chosen is None or SEVERITY[floor_outcome] > SEVERITY[chosen.outcome]:
        trace.outcome, trace.decided_by, trace.reason = floor_outcome, floor_code, FLOOR_REASONS[floor_code]
    else:
        trace.outcome, trace.decided_by, trace.reason = chosen.outcome, chosen.code, chosen.reason
    return trace
