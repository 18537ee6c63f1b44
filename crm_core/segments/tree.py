"""The classification tree in memory, and classifying a frame of investors down it (vectorised).

From the root, an investor goes to the first child (in `position` order) whose rule holds, and so on
down; it stops at a node none of whose children take it. So each investor has exactly one path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crm_core.expr import Node, compile_rule
from crm_core.expr.frame import evaluate_frame


class TreeError(ValueError):
    """A tree that is not one: no root, two roots, a cycle, an unknown parent."""


@dataclass
class TreeNode:
    code: str
    parent: str | None
    rule: str
    position: int
    children: list[TreeNode] = field(default_factory=list)
    compiled: Node | None = None
    path: str = ""


@dataclass
class Tree:
    root: TreeNode
    nodes: dict[str, TreeNode]

    @classmethod
    def build(cls, rows: list[tuple[str, str | None, str, int]]) -> Tree:
        """From (code, parent code, rule, position) rows; validates shape and every rule."""
        nodes = {code: TreeNode(code, parent, rule, position) for code, parent, rule, position in rows}
        roots = [node for node in nodes.values() if node.parent is None]
        if len(roots) != 1:
            raise TreeError(f"the tree needs exactly one root, found {len(roots)}")
        for node in nodes.values():
            node.compiled = compile_rule(node.rule)
            if node.parent is not None:
                if node.parent not in nodes:
                    raise TreeError(f"segment {node.code!r} has unknown parent {node.parent!r}")
                nodes[node.parent].children.append(node)
        for node in nodes.values():
            node.children.sort(key=lambda child: (child.position, child.code))
        _set_paths(roots[0], "", set())
        if any(not node.path for node in nodes.values()):
            raise TreeError("the tree has a cycle: some segments are not reachable from the root")
        return cls(roots[0], nodes)

    def subtree_codes(self, code: str) -> set[str]:
        found = {code}
        for child in self.nodes[code].children:
            found |= self.subtree_codes(child.code)
        return found


def _set_paths(node: TreeNode, prefix: str, seen: set[str]) -> None:
    if node.code in seen:
        raise TreeError(f"cycle through segment {node.code!r}")
    seen.add(node.code)
    node.path = f"{prefix}/{node.code}" if prefix else node.code
    for child in node.children:
        _set_paths(child, node.path, seen)


def classify(tree: Tree, frame: pd.DataFrame) -> pd.Series:
    """The path of every investor of the frame (index kept), e.g. 'all/retail/active'."""
    paths = np.full(len(frame), tree.root.path, dtype=object)
    _descend(tree.root, frame, np.arange(len(frame)), paths)
    return pd.Series(paths, index=frame.index, dtype=object)


def _descend(node: TreeNode, frame: pd.DataFrame, rows: np.ndarray, paths: np.ndarray) -> None:
    remaining = rows
    for child in node.children:
        if remaining.size == 0:
            return
        assert child.compiled is not None
        hit = evaluate_frame(child.compiled, frame.iloc[remaining]).to_numpy(dtype=bool)
        taken = remaining[hit]
        if taken.size:
            paths[taken] = child.path
            _descend(child, frame, taken, paths)
        remaining = remaining[~hit]


def leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]
