"""Evaluation of a parsed rule: one investor at a time (`evaluate`) or a whole frame (`evaluate_frame`).

Both follow the same rules, so `explain` (scalar) agrees with the bulk recompute (vectorised): numbers
compare as floats, a comparison with a missing value is false, arithmetic on a missing value or a
division by zero gives missing, `and`/`or`/`not` treat missing as false.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from crm_core.expr.ast import Binary, InList, Literal, Name, Node, Unary

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}


class EvaluationError(TypeError):
    """Values of the wrong type met at run time (e.g. a text compared with a number)."""


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _missing(value: Any) -> bool:
    return value is None


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, int | float) and not isinstance(value, bool) and value != 0)


def evaluate(node: Node, env: Mapping[str, Any]) -> Any:
    """Value of the rule for one investor (env: attribute key -> value, absent keys are missing)."""
    if isinstance(node, Literal):
        return _number(node.value)
    if isinstance(node, Name):
        return _number(env.get(node.name))
    if isinstance(node, Unary):
        value = evaluate(node.operand, env)
        if node.op == "not":
            return not truthy(value)
        return None if _missing(value) else -value
    if isinstance(node, InList):
        value = evaluate(node.operand, env)
        if _missing(value):
            return False
        found = value in [evaluate(item, env) for item in node.items]
        return not found if node.negated else found
    return _binary(node, env)


def _binary(node: Binary, env: Mapping[str, Any]) -> Any:
    if node.op in ("and", "or"):
        left = truthy(evaluate(node.left, env))
        if node.op == "and":
            return left and truthy(evaluate(node.right, env))
        return left or truthy(evaluate(node.right, env))
    left, right = evaluate(node.left, env), evaluate(node.right, env)
    if node.op in _COMPARE:
        if _is_null_literal(node.left) or _is_null_literal(node.right):
            both_missing = _missing(left) and _missing(right)
            return both_missing if node.op == "==" else not both_missing
        if _missing(left) or _missing(right):
            return False
        return _apply(_COMPARE[node.op], left, right, node)
    if _missing(left) or _missing(right):
        return None
    if node.op == "/" and right == 0:
        return None
    return _apply(_ARITHMETIC[node.op], left, right, node)


def _apply(function: Callable[[Any, Any], Any], left: Any, right: Any, node: Binary) -> Any:
    try:
        return function(left, right)
    except TypeError as exc:
        raise EvaluationError(
            f"cannot apply {node.op!r} to {type(left).__name__} and {type(right).__name__} "
            f"(position {node.position})"
        ) from exc


def _is_null_literal(node: Node) -> bool:
    return isinstance(node, Literal) and node.value is None


# ---- vectorised -------------------------------------------------------------------------------------


def evaluate_frame(node: Node, frame: pd.DataFrame) -> pd.Series:
    """Boolean Series (index of `frame`): where the rule holds. Columns are attribute keys."""
    return _truthy_series(_frame_value(node, frame), frame.index)


def _frame_value(node: Node, frame: pd.DataFrame) -> Any:
    if isinstance(node, Literal):
        return _number(node.value)
    if isinstance(node, Name):
        if node.name not in frame.columns:
            return pd.Series([None] * len(frame), index=frame.index, dtype=object)
        return frame[node.name]
    if isinstance(node, Unary):
        value = _frame_value(node.operand, frame)
        if node.op == "not":
            return ~_truthy_series(value, frame.index)
        return _broadcast(value, frame.index).map(lambda v: None if _missing(_number(v)) else -v)
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
    if node.op in _COMPARE:
        if _is_null_literal(node.left) or _is_null_literal(node.right):
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
            compared = _COMPARE[node.op](left_v, right_v)
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
        result = _ARITHMETIC[node.op](left_n, right_n)
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
    return series.map(lambda v: truthy(_number(v))).astype(bool)


def evaluate_frame_values(node: Node, frame: pd.DataFrame) -> pd.Series:
    """The rule's value (not its truth) per row: for rule attributes that compute a number."""
    return _broadcast(_frame_value(node, frame), frame.index)
