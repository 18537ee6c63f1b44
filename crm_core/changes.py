"""One call per change of a party, which stores the change and re-matches what it touches.

This is the entry point for people and processes that change things (console, CLI, imports): the
relationships are maintained again automatically, and each re-match is logged with its cause.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crm_core import rematch
from crm_core.attributes.definitions import AttributeError_, current_definitions, define_attribute
from crm_core.attributes.values import set_value
from crm_core.matching.rules import retire_rule, save_rule
from crm_core.products import save_product
from crm_core.rematch import Report
from crm_core.segments.service import add_segment, change_rule, move_segment, remove_segment
from crm_core.staff import grant_role, revoke_role, set_profile


def set_attribute(session: Session, investor_id: int, key: str, value: Any, *, by: str = "manual") -> Report:
    """An 'input' attribute of one investor; the rule attributes, path and matches follow.

    Computed attributes are not set by hand: change their source data and call investor_data_changed.
    """
    definition = {d.key: d for d in current_definitions(session)}.get(key)
    if definition is None or definition.computation != "input":
        raise AttributeError_(f"{key!r} is not an input attribute; change the data it is computed from")
    if not set_value(session, investor_id, key, value, source=by):
        return Report()
    return rematch.rematch_investors(session, [investor_id], f"attribute {key} set by {by}")


def redefine_attribute(session: Session, key: str, **fields: Any) -> Report:
    """Add or change an attribute definition; a rule attribute is evaluated for everyone at once."""
    define_attribute(session, key, **fields)
    return rematch.after_definition_change(session, key)


def investor_data_changed(session: Session, investor_ids: list[int], cause: str) -> Report:
    """Trades, valuations, questionnaires, details changed: recompute attributes, path and matches."""
    return rematch.rematch_investors(session, investor_ids, cause)


def edit_rule(session: Session, kind: str, code: str, **fields: Any) -> Report:
    previous, rule = save_rule(session, kind, code, **fields)
    return rematch.after_rule_change(session, previous, rule)


def drop_rule(session: Session, kind: str, code: str) -> Report:
    rule = retire_rule(session, kind, code)
    return rematch.after_rule_change(session, rule, rule, f"rule {kind}:{code} retired")


def add_node(session: Session, code: str, name: str, parent: str, rule: str, position: int = 0) -> Report:
    return rematch.after_tree_change(session, add_segment(session, code, name, parent, rule, position),
                                     f"segment {code} added under {parent}")


def edit_node_rule(session: Session, code: str, rule: str) -> Report:
    return rematch.after_tree_change(session, change_rule(session, code, rule), f"segment {code} rule changed")


def move_node(session: Session, code: str, new_parent: str, position: int = 0) -> Report:
    return rematch.after_tree_change(session, move_segment(session, code, new_parent, position),
                                     f"segment {code} moved under {new_parent}")


def remove_node(session: Session, code: str) -> Report:
    return rematch.after_tree_change(session, remove_segment(session, code), f"segment {code} removed")


def edit_product(session: Session, code: str, **fields: Any) -> Report:
    save_product(session, code, **fields)
    return rematch.after_product_change(session, code)


def edit_staff(session: Session, agent_id: int, *, grant: str | None = None, revoke: str | None = None,
               **profile: Any) -> Report:
    """Roles or profile (capacity, licences, hired_on, accepting) of a staff member changed."""
    if grant:
        grant_role(session, agent_id, grant)
    if revoke:
        revoke_role(session, agent_id, revoke)
    if profile:
        set_profile(session, agent_id, **profile)
    return rematch.after_staff_change(session, agent_id)
