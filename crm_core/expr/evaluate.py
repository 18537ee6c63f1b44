"""Evaluation of a parsed rule for one investor at a time (`evaluate`); a whole frame at once is frame.py's
`evaluate_frame` (pandas: imported by the bulk computations only).

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

from crm_core.expr.ast import Binary, InList, Literal, Name, Node, Unary

COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}


class EvaluationError(TypeError):
    """Values of the wrong type met at run time (e.g. a text compared with a number)."""


def as_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def is_missing(value: Any) -> bool:
    return value is None


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, int | float) and not isinstance(value, bool) and value != 0)


def evaluate(node: Node, env: Mapping[str, Any]) -> Any:
    """Value of the rule for one investor (env: attribute key -> value, absent keys are missing)."""
    if isinstance(node, Literal):
        return as_number(node.value)
    if isinstance(node, Name):
        return as_number(env.get(node.name))
    if isinstance(node, Unary):
        value = evaluate(node.operand, env)
        if node.op == "not":
            return not truthy(value)
        return None if is_missing(value) else -value
    if isinstance(node, InList):
        value = evaluate(node.operand, env)
        if is_missing(value):
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
    if node.op in COMPARE:
        if is_null_literal(node.left) or is_null_literal(node.right):
            both_missing = is_missing(left) and is_missing(right)
            return both_missing if node.op == "==" else not both_missing
        if is_missing(left) or is_missing(right):
            return False
        return _apply(COMPARE[node.op], left, right, node)
    if is_missing(left) or is_missing(right):
        return None
    if node.op == "/" and right == 0:
        return None
    return _apply(ARITHMETIC[node.op], left, right, node)


def _apply(function: Callable[[Any, Any], Any], left: Any, right: Any, node: Binary) -> Any:
    try:
        return function(left, right)
    except TypeError as exc:
        raise EvaluationError(
            f"cannot apply {node.op!r} to {type(left).__name__} and {type(right).__name__} "
            f"(position {node.position})"
        ) from exc


def is_null_literal(node: Node) -> bool:
    return isinstance(node, Literal) and node.value is None
