"""Compute every attribute of a chunk: calculators first, then rules in dependency order."""

from __future__ import annotations

import pandas as pd

from crm_core.calculators import CALCULATORS, CalculatorConfig, Sources
from crm_core.expr import compile_rule
from crm_core.expr.frame import evaluate_frame, evaluate_frame_values
from crm_core.models import AttributeDefinition


def compute_attributes(
    src: Sources, definitions: list[AttributeDefinition], config: CalculatorConfig, stored: pd.DataFrame,
) -> pd.DataFrame:
    """Frame values (index investor id, one column per key); 'input' attributes come from `stored`."""
    frame = pd.DataFrame(index=src.ids)
    for definition in definitions:
        frame[definition.key] = _column(definition, src, config, stored, frame)
    return frame


def _column(
    definition: AttributeDefinition, src: Sources, config: CalculatorConfig, stored: pd.DataFrame,
    frame: pd.DataFrame,
) -> pd.Series:
    if definition.computation == "calculator":
        return CALCULATORS[definition.formula](src, config).reindex(src.ids)
    if definition.computation == "rule":
        node = compile_rule(definition.formula)
        if definition.value_type == "bool":
            return evaluate_frame(node, frame)
        return evaluate_frame_values(node, frame)
    if definition.key in stored.columns:
        return stored[definition.key].reindex(src.ids)
    return pd.Series([None] * len(src.ids), index=src.ids, dtype=object)


def written_keys(definitions: list[AttributeDefinition]) -> list[str]:
    """What a recompute stores: everything but 'input' attributes (those are set, not computed)."""
    return [d.key for d in definitions if d.computation != "input"]
