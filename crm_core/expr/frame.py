"""Evaluation of a parsed rule over a whole frame at once (`evaluate_frame`), vectorised with pandas, by the
same rules as evaluate.py's one investor at a time, so that `explain` (scalar) agrees with the bulk recompute."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crm_core.expr.ast import Binary, InList, Literal, Name, Node, Unary
from crm_core.expr.evaluate import (
    ARITHMETIC,
    COMPARE,
    EvaluationError,
    as_number,
    is_missing,
    is_null_literal,
    truthy,
)


def evaluate_frame(node: Node, frame: pd.DataFrame) -> pd.Series:
    """Boolean Series (index of `frame`): where the rule holds. Columns are attribute keys."""
    return _truthy_series(_frame_value(node, frame), frame.index)


def _frame_value(node: Node, frame: pd.DataFrame) -> Any:
    if isinstance(node, Literal):
        return as_number(node.value)
    if isinstance(node, Name):
        if node.name not in frame.columns:
            return pd.Series([None] * len(frame), index=frame.index, dtype=object)
        return frame[node.name]
    if isinstance(node, Unary):
        value = _frame_value(node.operand, frame)
        if node.op == "not":
            return ~_truthy_series(value, frame.index)
        return _broadcast(value, frame.index).map(lambda v: None if is_missing(as_number(v)) else -v)
    if isinstance(node, InList):
        return _frame_in(node, frame)
    return _frame_binary(node, frame)


def _frame_in(node: InList, frame: pd.DataFrame) -> pd.Series:
    value = _broadcast(_frame_value(node.operand, frame), frame.index)
    items = [_frame_value(item, frame) for item in node.items]
    if any(isinstance(item, pd.Series) for item in items):
        raise EvaluationError(f"list items must be constants (position {node.position})")
    present = value.notna()
    found = value.isin(items)
    return (present & ~found) if node.negated else (present & found)


def _frame_binary(node: Binary, frame: pd.DataFrame) -> Any:
    if node.op in ("and", "or"):
        left = _truthy_series(_frame_value(node.left, frame), frame.index)
        right = _truthy_series(_frame_value(node.right, frame), frame.index)
        return (left & right) if node.op == "and" else (left | right)
    left = _broadcast(_frame_value(node.left, frame), frame.index)
    right = _broadcast(_frame_value(node.right, frame), frame.index)
    if node.op in COMPARE:
        if is_null_literal(node.left) or is_null_literal(node.right):
            both_missing = left.isna() & right.isna()
            return both_missing if node.op == "==" else ~both_missing
        return _compare_series(node, left, right)
    return _arithmetic_series(node, left, right)


def _compare_series(node: Binary, left: pd.Series, right: pd.Series) -> pd.Series:
    valid = (left.notna() & right.notna()).to_numpy(dtype=bool)
    result = np.zeros(len(left), dtype=bool)
    if valid.any():
        left_v = _numeric_if_possible(left[valid]).to_numpy()
        right_v = _numeric_if_possible(right[valid]).to_numpy()
        try:
            compared = COMPARE[node.op](left_v, right_v)
        except TypeError as exc:
            raise EvaluationError(f"cannot compare with {node.op!r} (position {node.position})") from exc
        result[valid] = np.asarray(compared, dtype=bool)
    return pd.Series(result, index=left.index)


def _arithmetic_series(node: Binary, left: pd.Series, right: pd.Series) -> pd.Series:
    try:
        left_n = pd.to_numeric(left, errors="raise").astype(float)
        right_n = pd.to_numeric(right, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise EvaluationError(f"{node.op!r} needs numbers (position {node.position})") from exc
    with np.errstate(divide="ignore", invalid="ignore"):
        result = ARITHMETIC[node.op](left_n, right_n)
    return result.replace([np.inf, -np.inf], np.nan)


def _numeric_if_possible(series: pd.Series) -> pd.Series:
    if series.dtype == object:
        converted = pd.to_numeric(series, errors="coerce")
        if converted.notna().all():
            return converted.astype(float)
    return series


def _broadcast(value: Any, index: pd.Index) -> pd.Series:
    if isinstance(value, pd.Series):
        return value
    return pd.Series([value] * len(index), index=index, dtype=object)


def _truthy_series(value: Any, index: pd.Index) -> pd.Series:
    series = _broadcast(value, index)
    if series.dtype == bool:
        return series
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.fillna(0).astype(float) != 0
    return series.map(lambda v: truthy(as_number(v))).astype(bool)


def evaluate_frame_values(node: Node, frame: pd.DataFrame) -> pd.Series:
    """The rule's value (not its truth) per row: for rule attributes that compute a number."""
    return _broadcast(_frame_value(node, frame), frame.index)
