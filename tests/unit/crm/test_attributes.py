"""Attributes as data: a new rule attribute needs no code, definitions are versioned, values keep
their history so a past profile can be shown."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from crm_core.attributes.definitions import AttributeError_, current_definitions, define_attribute
from crm_core.attributes.values import encode, encode_column, profile_at, set_value
from crm_core.db import Database
from crm_core.expr import ExpressionError
from crm_core.models import AttributeDefinition, AttributeValue
from crm_core.rematch import full_recompute
from tests.unit.crm.conftest import AS_OF


def test_a_rule_attribute_is_computed_without_code(crm: Database) -> None:
    with crm.session() as session:
        define_attribute(session, "wealthy_senior", name="Wealthy senior", value_type="bool", computation="rule",
                         formula="assets >= 100_000 and age_band == '65+'")
    full_recompute(crm, as_of=AS_OF, chunk_size=50)
    with crm.session() as session:
        rows = session.execute(select(AttributeValue.investor_id, AttributeValue.value).where(
            AttributeValue.attribute_key == "wealthy_senior", AttributeValue.valid_to.is_(None))).all()
        assert len(rows) == 120
        flagged = {i for i, v in rows if v == "true"}
        for investor_id in flagged:
            profile = {line.key: line.value for line in profile_at(session, investor_id)}
            assert profile["assets"] >= Decimal(100_000) and profile["age_band"] == "65+"
        assert {v for _, v in rows} <= {"true", "false"}


def test_definitions_are_versioned_and_checked(seeded: Database) -> None:
    with seeded.session() as session:
        first = define_attribute(session, "big", name="Big", value_type="bool", computation="rule",
                                 formula="assets > 1")
        second = define_attribute(session, "big", name="Big", value_type="bool", computation="rule",
                                  formula="assets > 2")
        assert (first.version, second.version) == (1, 2)
        current = {d.key: d for d in current_definitions(session)}
        assert current["big"].formula == "assets > 2"
        assert session.scalar(select(func.count()).select_from(AttributeDefinition).where(
            AttributeDefinition.key == "big")) == 2
        with pytest.raises(ExpressionError, match="unknown attribute 'asets'"):
            define_attribute(session, "bad", name="Bad", value_type="bool", computation="rule", formula="asets > 1")
        with pytest.raises(AttributeError_, match="unknown calculator"):
            define_attribute(session, "bad", name="Bad", value_type="number", computation="calculator",
                             formula="nope")
        with pytest.raises(AttributeError_, match="unknown value type"):
            define_attribute(session, "bad", name="Bad", value_type="float", computation="input")


def test_cyclic_rule_attributes_are_refused(seeded: Database) -> None:
    with pytest.raises(AttributeError_, match="cycle"), seeded.session() as session:
        define_attribute(session, "x1", name="x1", value_type="bool", computation="rule", formula="assets > 1")
        define_attribute(session, "x2", name="x2", value_type="bool", computation="rule", formula="x1")
        define_attribute(session, "x1", name="x1", value_type="bool", computation="rule", formula="x2")


def test_history_gives_past_profiles(crm: Database) -> None:
    past = datetime.now(UTC)
    with crm.session() as session:
        define_attribute(session, "nickname", name="Nickname", value_type="text", computation="input")
        old_class = {line.key: line.value for line in profile_at(session, 3)}["risk_class"]
        new_class = "C1" if old_class != "C1" else "C5"
        assert set_value(session, 3, "risk_class", new_class)
        assert not set_value(session, 3, "risk_class", new_class)  # unchanged: no new row
        set_value(session, 3, "nickname", "老王")
        now_profile = {line.key: line.value for line in profile_at(session, 3)}
        then_profile = {line.key: line.value for line in profile_at(session, 3, past)}
        assert now_profile["risk_class"] == new_class and then_profile["risk_class"] == old_class
        assert now_profile["nickname"] == "老王" and "nickname" not in then_profile
        history = session.scalar(select(func.count()).select_from(AttributeValue).where(
            AttributeValue.investor_id == 3, AttributeValue.attribute_key == "risk_class"))
        assert history == 2
        with pytest.raises(AttributeError_):
            set_value(session, 3, "no_such_key", 1)


@pytest.mark.parametrize(("value", "value_type", "expected"), [
    (1234.5, "money", ("1234.50", 1234.5)), (0.1 + 0.2, "money", ("0.30", 0.3)), (None, "money", (None, None)),
    (4.0, "level", ("C4", 4.0)), ("C2", "level", ("C2", 2.0)), (True, "bool", ("true", 1.0)),
    (2.6, "integer", ("3", 3.0)), (float("nan"), "number", (None, None)), ("zh", "text", ("zh", None)),
])
def test_canonical_encoding(value: object, value_type: str, expected: tuple[object, object]) -> None:
    assert encode(value, value_type) == expected


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9), st.just(float("nan")), st.integers(-10**6, 10**6)),
                       min_size=1, max_size=20),
       value_type=st.sampled_from(["money", "number", "integer"]))
def test_vectorised_encoding_equals_scalar(values: list[object], value_type: str) -> None:
    column = pd.Series(values, dtype=object)
    assert encode_column(column, value_type).tolist() == [encode(v, value_type)[0] for v in values]


def test_vectorised_encoding_of_levels_and_flags() -> None:
    assert encode_column(pd.Series([1.0, None, 5.0]), "level").tolist() == ["C1", None, "C5"]
    assert encode_column(pd.Series(["C2", None], dtype=object), "level").tolist() == ["C2", None]
    assert encode_column(pd.Series([True, False, None], dtype=object), "bool").tolist() == ["true", "false", None]
