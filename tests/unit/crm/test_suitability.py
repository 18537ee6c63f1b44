"""Suitability: a C2 investor is never allowed an R4 product, whatever the rules say; check() and
disclosures on real databases."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crm_core import suitability
from crm_core.attributes.values import set_value
from crm_core.db import Database
from crm_core.matching.rules import save_rule
from crm_core.matching.suitability import decide_one, decide_product
from crm_core.models import Investor, MatchingRule, Product
from crm_core.suitability import Outcome

CONDITIONS = ["true", "false", "investor.risk_class >= C1", "product.risk_level >= R4", "investor.vip",
              "investor.assets > 1000", "investor.risk_class == null", "not investor.vip"]


def product(level: str, minimum: str = "ordinary", kind: str = "security") -> Product:
    return Product(code=f"P{level}", name="p", kind=kind, product_type="stock", risk_level=level,
                   horizon="long", min_investor_class=minimum, attributes={})


rules = st.lists(
    st.builds(lambda i, c, o: MatchingRule(kind="suitability", code=f"R{i}", version=1, priority=i,
                                           condition=c, outcome=o, params={}, reason="r"),
              st.integers(0, 50), st.sampled_from(CONDITIONS), st.sampled_from(["allow", "disclose", "refuse"])),
    max_size=5,
)
contexts = st.fixed_dictionaries({
    "investor.vip": st.booleans(), "investor.assets": st.one_of(st.none(), st.floats(0, 1e7)),
    "investor.investor_class": st.sampled_from(["ordinary", "professional"]),
})


@settings(max_examples=200, deadline=None)
@given(rules=rules, env=contexts, level=st.sampled_from(["R4", "R5"]), minimum=st.sampled_from(
    ["ordinary", "professional"]))
def test_c2_never_allowed_r4_or_above(rules, env, level, minimum) -> None:  # type: ignore[no-untyped-def]
    ordered = sorted(rules, key=lambda r: r.priority)
    env = {**env, "investor.risk_class": 2}
    assert decide_one(env, product(level, minimum), ordered).outcome == "refuse"
    frame = pd.DataFrame([env], index=[1])
    assert decide_product(frame, product(level, minimum), ordered)["outcome"].tolist() == ["refuse"]


@settings(max_examples=100, deadline=None)
@given(rules=rules, env=contexts, rank=st.one_of(st.none(), st.integers(1, 5)),
       level=st.sampled_from(["R1", "R2", "R3", "R4", "R5"]))
def test_vectorised_and_single_decisions_agree(rules, env, rank, level) -> None:  # type: ignore[no-untyped-def]
    ordered = sorted(rules, key=lambda r: r.priority)
    env = {**env, "investor.risk_class": rank}
    single = decide_one(env, product(level), ordered)
    row = decide_product(pd.DataFrame([env], index=[7]).astype({"investor.risk_class": float}), product(level),
                         ordered).iloc[0]
    assert (row["outcome"], row["rule_code"]) == (single.outcome, single.decided_by)


def _investor_with(session, risk: str, age_band: str = "35-44") -> int:  # type: ignore[no-untyped-def]
    investor_id = session.scalars(select(Investor.id).order_by(Investor.id)).first()
    set_value(session, investor_id, "risk_class", risk)
    set_value(session, investor_id, "age_band", age_band)
    set_value(session, investor_id, "investor_class", "ordinary")
    set_value(session, investor_id, "experience_years", 5)
    return investor_id


def test_check_allows_discloses_and_refuses(crm: Database) -> None:
    with crm.session() as session:
        investor_id = _investor_with(session, "C3")
        assert suitability.check(session, investor_id, "MIX03").outcome is Outcome.ALLOWED
        refused = suitability.check(session, investor_id, "OPT05")
        assert refused.outcome is Outcome.REFUSED and refused.rule_code == "FLOOR:RISK"
        needs = suitability.check(session, investor_id, "STK04")
        assert needs.outcome is Outcome.NEEDS_DISCLOSURE
        assert suitability.check(session, investor_id, "PRV05").rule_code == "FLOOR:CLASS"
        suitability.record_disclosure(session, investor_id, "STK04")
        after = suitability.check(session, investor_id, "STK04")
        assert after.allowed and after.disclosure_id is not None
        with pytest.raises(suitability.UnknownError):
            suitability.record_disclosure(session, investor_id, "OPT05")
        with pytest.raises(suitability.UnknownError):
            suitability.check(session, investor_id, "NOPE")


def test_rules_tighten_but_never_loosen(crm: Database) -> None:
    with crm.session() as session:
        investor_id = _investor_with(session, "C5", age_band="65+")
        decision = suitability.check(session, investor_id, "STK04")
        assert decision.outcome is Outcome.NEEDS_DISCLOSURE and decision.rule_code == "SUIT-SENIOR-HIGH-RISK"
        save_rule(session, "suitability", "ALLOW-ALL", condition="true", outcome="allow", priority=0)
        set_value(session, investor_id, "risk_class", "C2")
        loosened = suitability.check(session, investor_id, "STK04")
        assert loosened.outcome is Outcome.REFUSED and loosened.rule_code == "FLOOR:RISK"


def test_small_and_large_batches_decide_alike() -> None:
    import random

    from crm_core.matching.recommendations import recommend
    from crm_core.matching.suitability import SMALL, decide

    rng = random.Random(5)
    frame = pd.DataFrame([{
        "investor.risk_class": rng.choice([None, 1.0, 2.0, 3.0, 4.0, 5.0]), "investor.vip": rng.random() < 0.3,
        "investor.assets": rng.choice([None, 10.0, 5_000.0]), "investor.investor_class": rng.choice(
            ["ordinary", "professional"]),
    } for _ in range(SMALL * 3)], index=range(1, SMALL * 3 + 1)).astype({"investor.risk_class": float})
    products = [product(level, minimum) for level in ("R1", "R3", "R5") for minimum in ("ordinary", "professional")]
    for index, item in enumerate(products):
        item.code = f"P{index}"
    rules = [MatchingRule(kind="suitability", code="A", version=2, priority=1, condition="investor.vip",
                          outcome="disclose", params={}, reason=""),
             MatchingRule(kind="suitability", code="B", version=1, priority=2, condition="investor.assets > 100",
                          outcome="allow", params={}, reason="")]
    large = decide(frame, products, rules)
    small = pd.concat([decide(frame.iloc[i:i + SMALL], products, rules) for i in range(0, len(frame), SMALL)])
    key = ["investor_id", "target"]
    assert large.sort_values(key).to_numpy().tolist() == small.sort_values(key).to_numpy().tolist()
    recs = [MatchingRule(kind="recommendation", code="R", version=1, priority=1,
                         condition="investor.assets >= 10 and product.risk_level <= R3", outcome="recommend",
                         params={}, reason="")]
    big = recommend(frame, products, recs, large)
    pieces = pd.concat([recommend(frame.iloc[i:i + SMALL], products, recs, large)
                        for i in range(0, len(frame), SMALL)])
    assert len(big) > 0
    assert big.sort_values(key).to_numpy().tolist() == pieces.sort_values(key).to_numpy().tolist()
