"""Classification: every investor on exactly one path, consistent with the rules; tree errors."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.expr import evaluate, parse, truthy
from crm_core.segments.tree import Tree, TreeError, classify

RULES = ["true", "a > 2", "a <= 2", "b == 'x'", "b != 'x'", "a + 1 >= 4 and b == 'y'", "not (a > 0)",
         "a == null", "c", "a in [1, 3, 5]"]


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str | None, str, int]]:
    size = draw(st.integers(1, 12))
    rows: list[tuple[str, str | None, str, int]] = [("n0", None, "true", 0)]
    for index in range(1, size):
        parent = f"n{draw(st.integers(0, index - 1))}"
        rows.append((f"n{index}", parent, draw(st.sampled_from(RULES)), draw(st.integers(0, 3))))
    return rows


investors = st.lists(
    st.fixed_dictionaries({"a": st.one_of(st.none(), st.integers(-1, 6)), "b": st.sampled_from(["x", "y", None]),
                           "c": st.booleans()}),
    min_size=1, max_size=25,
)


def holds(rule: str, row: dict[str, object]) -> bool:
    return truthy(evaluate(parse(rule), row))


@settings(max_examples=150, deadline=None)
@given(rows=trees(), people=investors)
def test_every_investor_sits_on_exactly_one_consistent_path(rows, people) -> None:  # type: ignore[no-untyped-def]
    tree = Tree.build(rows)
    frame = pd.DataFrame(people).astype({"a": float})
    paths = classify(tree, frame)
    assert len(paths) == len(people) and paths.notna().all()
    for index, path in paths.items():
        row = {k: (None if pd.isna(v) else v) for k, v in frame.loc[index].to_dict().items()}
        codes = path.split("/")
        assert codes[0] == tree.root.code
        for parent, child in zip(codes, codes[1:], strict=False):
            node = tree.nodes[parent]
            siblings = [c.code for c in node.children]
            assert child in siblings and holds(tree.nodes[child].rule, row)
            for earlier in siblings[: siblings.index(child)]:
                assert not holds(tree.nodes[earlier].rule, row)  # the first matching child takes it
        last = tree.nodes[codes[-1]]
        assert not any(holds(c.rule, row) for c in last.children)  # it went as deep as it could


@settings(max_examples=60, deadline=None)
@given(rows=trees(), people=investors, data=st.data())
def test_classifying_a_subset_equals_classifying_all(rows, people, data) -> None:  # type: ignore[no-untyped-def]
    tree = Tree.build(rows)
    frame = pd.DataFrame(people).astype({"a": float})
    subset = data.draw(st.lists(st.sampled_from(list(frame.index)), unique=True, min_size=1))
    assert classify(tree, frame.loc[subset]).to_dict() == classify(tree, frame).loc[subset].to_dict()


def test_tree_errors() -> None:
    with pytest.raises(TreeError, match="exactly one root"):
        Tree.build([("a", None, "true", 0), ("b", None, "true", 0)])
    with pytest.raises(TreeError, match="unknown parent"):
        Tree.build([("a", None, "true", 0), ("b", "zz", "true", 0)])
    with pytest.raises(TreeError, match="cycle|exactly one root"):
        Tree.build([("a", None, "true", 0), ("b", "c", "true", 0), ("c", "b", "true", 0)])
