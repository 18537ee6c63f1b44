"""A small, safe expression language for segment and matching rules (parsed, never `eval`).

    assets >= 5_000_000 and risk_class >= C4
    investor.language in ['zh', 'en'] and not vip
    product.risk_level <= investor.risk_class + 1

Names are attribute keys (dotted names allowed), `C1`..`C5` and `R1`..`R5` are levels that compare as
their rank 1..5, strings are quoted, `null` is the missing value. A comparison with a missing value is
false, whatever the operator, except `== null` / `!= null`.

A whole frame at once (pandas): `crm_core.expr.frame.evaluate_frame`, imported from there (pandas is not loaded
by importing this package).
"""

from crm_core.expr.ast import Node
from crm_core.expr.errors import ExpressionError
from crm_core.expr.evaluate import EvaluationError, evaluate, truthy
from crm_core.expr.parser import compile_rule, names, parse

__all__ = ["EvaluationError", "ExpressionError", "Node", "compile_rule", "evaluate", "names", "parse", "truthy"]
