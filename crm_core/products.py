"""Products as data: securities with risk levels R1-R5 and information products."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.models import Product
from crm_core.models.base import utcnow

RISK_LEVELS = {f"R{rank}": rank for rank in range(1, 6)}
KINDS = {"security", "information"}

# code, name, kind, type, risk level, horizon, minimum investor class
DEFAULT_PRODUCTS: list[tuple[str, str, str, str, str, str, str]] = [
    ("MMF01", "Money-market fund", "security", "fund", "R1", "short", "ordinary"),
    ("BOND02", "Government bond fund", "security", "fund", "R2", "medium", "ordinary"),
    ("MIX03", "Balanced mixed fund", "security", "fund", "R3", "medium", "ordinary"),
    ("STK04", "A-share equity", "security", "stock", "R4", "long", "ordinary"),
    ("OPT05", "Listed options", "security", "option", "R5", "short", "ordinary"),
    ("PRV05", "Private equity fund", "security", "private_fund", "R5", "long", "professional"),
    ("NEWS1", "Daily market newsletter", "information", "newsletter", "R1", "short", "ordinary"),
    ("RSCH2", "Equity research reports", "information", "report", "R1", "medium", "ordinary"),
    ("DERIV3", "Derivatives strategy briefing", "information", "briefing", "R1", "short", "ordinary"),
]


class ProductError(ValueError):
    """A product that cannot be stored (unknown risk level, kind, class)."""


def seed_products(session: Session) -> int:
    if session.scalar(select(func.count()).select_from(Product)):
        return 0
    for code, name, kind, product_type, risk, horizon, minimum in DEFAULT_PRODUCTS:
        session.add(Product(code=code, name=name, kind=kind, product_type=product_type, risk_level=risk,
                            horizon=horizon, min_investor_class=minimum, attributes={}))
    session.flush()
    return len(DEFAULT_PRODUCTS)


def save_product(session: Session, code: str, **fields: Any) -> Product:
    """Create or change a product; the caller re-matches suitability for it (see crm_core.rematch)."""
    if "risk_level" in fields and fields["risk_level"] not in RISK_LEVELS:
        raise ProductError(f"risk level must be one of {sorted(RISK_LEVELS)}, not {fields['risk_level']!r}")
    if "kind" in fields and fields["kind"] not in KINDS:
        raise ProductError(f"kind must be one of {sorted(KINDS)}, not {fields['kind']!r}")
    if fields.get("min_investor_class", "ordinary") not in ("ordinary", "professional"):
        raise ProductError("min_investor_class must be 'ordinary' or 'professional'")
    product = session.scalars(select(Product).where(Product.code == code)).one_or_none()
    if product is None:
        product = Product(code=code, attributes={}, **fields)
        session.add(product)
    else:
        for name, value in fields.items():
            setattr(product, name, value)
        product.updated_at = utcnow()
    session.flush()
    return product


def active_products(session: Session) -> list[Product]:
    return list(session.scalars(select(Product).where(Product.active).order_by(Product.code)))


def product_context(product: Product) -> dict[str, Any]:
    """What rules see of a product: product.code, product.risk_level (rank), ... and its attributes."""
    context: dict[str, Any] = {f"product.{key}": value for key, value in (product.attributes or {}).items()}
    context.update({
        "product.code": product.code, "product.kind": product.kind, "product.type": product.product_type,
        "product.risk_level": RISK_LEVELS[product.risk_level], "product.horizon": product.horizon,
        "product.min_investor_class": product.min_investor_class,
    })
    return context
