"""Investor x product recommendations: the first recommendation rule that fires, never a refused product."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crm_core.expr import compile_rule, evaluate, truthy
from crm_core.expr.frame import evaluate_frame
from crm_core.matching.suitability import SMALL, rows_of
from crm_core.models import MatchingRule, Product
from crm_core.products import product_context

COLUMNS = ["investor_id", "target", "outcome", "rule_code", "rule_version"]


def recommend(
    context: pd.DataFrame, products: list[Product], rules: list[MatchingRule], suitability: pd.DataFrame,
) -> pd.DataFrame:
    """Rows only for recommended (investor, product) pairs."""
    refused = suitability[suitability["outcome"] == "refuse"]
    refused_pairs = set(zip(refused["investor_id"].tolist(), refused["target"].tolist(), strict=True))
    if len(context) <= SMALL:
        return _recommend_small(context, products, rules, refused_pairs)
    parts = []
    for product in products:
        frame = context.assign(**product_context(product))
        codes = np.full(len(frame), "", dtype=object)
        versions = np.zeros(len(frame), dtype=int)
        for rule in rules:
            hit = (codes == "") & evaluate_frame(compile_rule(rule.condition), frame).to_numpy(dtype=bool)
            codes[hit], versions[hit] = rule.code, rule.version
        chosen = codes != ""
        ids = frame.index.to_numpy()[chosen]
        keep = np.array([(int(i), product.code) not in refused_pairs for i in ids], dtype=bool)
        parts.append(pd.DataFrame({
            "investor_id": ids[keep], "target": product.code, "outcome": "recommend",
            "rule_code": codes[chosen][keep], "rule_version": versions[chosen][keep],
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _recommend_small(context: pd.DataFrame, products: list[Product], rules: list[MatchingRule],
                     refused_pairs: set[tuple[int, str]]) -> pd.DataFrame:
    rows = []
    for investor_id, env in rows_of(context):
        for product in products:
            if (investor_id, product.code) in refused_pairs:
                continue
            fired = next((rule for rule in rules if truthy(evaluate(compile_rule(rule.condition),
                                                                     {**env, **product_context(product)}))), None)
            if fired is not None:
                rows.append((investor_id, product.code, "recommend", fired.code, fired.version))
    return pd.DataFrame(rows, columns=COLUMNS)


def recommend_one(env: dict[str, Any], product: Product, rules: list[MatchingRule]) -> list[tuple[str, bool]]:
    """Each rule tried for one investor and product, and whether it fired (for explain)."""
    scope = {**env, **product_context(product)}
    return [(rule.code, truthy(evaluate(compile_rule(rule.condition), scope))) for rule in rules]
