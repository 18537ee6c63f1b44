"""Reference data a fresh CRM needs: attribute definitions, staff roles, the tree, products, rules."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm_core.attributes.definitions import seed_definitions
from crm_core.matching.rules import seed_rules
from crm_core.products import seed_products
from crm_core.segments.service import seed_tree
from crm_core.staff import seed_roles


def seed_reference_data(session: Session) -> dict[str, int]:
    """Insert whatever default is missing; safe to run again."""
    return {
        "attributes": seed_definitions(session),
        "roles": seed_roles(session),
        "segments": seed_tree(session),
        "products": seed_products(session),
        "rules": seed_rules(session),
    }
