"""The rule language: parsing, errors with positions, scalar and vectorised evaluation agree."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.expr import ExpressionError, compile_rule, evaluate, names, parse
from crm_core.expr.frame import evaluate_frame


@pytest.mark.parametrize(
    ("rule", "env", "expected"),
    [
        ("assets >= 5_000_000 and risk_class >= C4", {"assets": 5_000_000, "risk_class": 4}, True),
        ("assets >= 5_000_000 and risk_class >= C4", {"assets": 5_000_000, "risk_class": 3}, False),
        ("language in ['zh', 'en'] and not vip", {"language": "en", "vip": False}, True),
        ("language not in ['zh']", {"language": None}, False),
        (
            "product.risk_level <= investor.risk_class + 1",
            {"product.risk_level": 4, "investor.risk_class": 3},
            True,
        ),
        ("(a + b) * 2 == 10", {"a": 2, "b": 3}, True),
        ("a + b * 2 == 8", {"a": 2, "b": 3}, True),
        ("a / 0 == null", {"a": 1}, True),
        ("a != 1", {}, False),
        ("a == null or a > 3", {}, True),
        ("turnover >= 1.5", {"turnover": 1.5}, True),
        ("-a < 0", {"a": 2}, True),
    ],
)
def test_evaluates(rule: str, env: dict[str, object], expected: bool) -> None:
    assert bool(evaluate(parse(rule), env)) is expected
    frame = pd.DataFrame([env]) if env else pd.DataFrame(index=[0])
    assert evaluate_frame(parse(rule), frame).tolist() == [expected]


@pytest.mark.parametrize(
    ("rule", "position", "fragment"),
    [
        ("assets = 1", 7, "single '='"),
        ("assets >= ", 10, "expected a value"),
        ("(assets > 1", 11, "expected ')'"),
        ("a < b < c", 6, "cannot be chained"),
        ("x in [1, 2", 10, "',' or ']'"),
        ("name == 'abc", 8, "unterminated string"),
        ("5abc > 1", 1, "after number"),
        ("a ? b", 2, "unexpected character '?'"),
        ("", 0, "empty rule"),
        ("a > 1 b", 6, "expected an operator"),
        ("1__000 > a", 0, "underscore"),
    ],
)
def test_bad_rules_say_what_and_where(rule: str, position: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(rule)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert "^" in str(caught.value)


def test_unknown_attribute_is_reported_at_its_position() -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_rule("assets > 1 and riks_class >= C3", known={"assets", "risk_class"})
    assert caught.value.position == 15
    assert "riks_class" in caught.value.message


def test_names_lists_what_a_rule_reads() -> None:
    assert names(parse("a > 1 and (b.c in [1, d] or not e)")) == {"a", "b.c", "d", "e"}


def test_never_calls_python() -> None:
    with pytest.raises(ExpressionError):
        parse("__import__('os').system('true')")


values = st.one_of(st.none(), st.integers(-5, 5), st.sampled_from([1.5, -0.5]))
RULES = [
    "a > b", "a >= 2 and b < 1", "not (a == b) or a == null", "a + b > 0", "a * b <= 4",
    "a in [1, 2, 3]", "b not in [0]", "a / b > 1", "a - b == 0 or b != null", "-a >= C2",
]


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(values, values), min_size=1, max_size=8), rule=st.sampled_from(RULES))
def test_scalar_and_vectorised_agree(rows: list[tuple[object, object]], rule: str) -> None:
    node = parse(rule)
    frame = pd.DataFrame(rows, columns=["a", "b"]).astype(float)
    expected = [bool(evaluate(node, {"a": a, "b": b})) for a, b in rows]
    assert evaluate_frame(node, frame).tolist() == expected
