"""Classification: a tree of segments of any depth, each node a rule over attributes."""

from crm_core.segments.service import (
    add_segment,
    change_rule,
    current_paths,
    load_tree,
    move_segment,
    remove_segment,
    seed_tree,
    touched_investors,
    write_paths,
)
from crm_core.segments.tree import Tree, TreeError, classify, leaf

__all__ = [
    "Tree", "TreeError", "add_segment", "change_rule", "classify", "current_paths", "leaf", "load_tree",
    "move_segment", "remove_segment", "seed_tree", "touched_investors", "write_paths",
]
