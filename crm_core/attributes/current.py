"""Current attribute values as rules see them, read without pandas: one investor's for a call's routing, an
order's suitability and `crm explain` (crm_core.matching.investor), on the path of every call; the rows under
the frames of many investors (crm_core.attributes.values.load_frame), which decode them the same way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.attributes.definitions import current_definitions
from crm_core.idsets import rows_among
from crm_core.models import AttributeValue

NUMERIC = ("money", "number", "integer")


def value_types(session: Session) -> dict[str, str]:
    """Each current attribute's value type, by key."""
    return {d.key: d.value_type for d in current_definitions(session)}


def current_rows(session: Session, ids: list[int] | None, keys: list[str] | None) -> list[Any]:
    """(id, investor_id, attribute_key, value) of the current values of these investors (all when None) and
    attributes (all when None)."""
    query = select(AttributeValue.id, AttributeValue.investor_id, AttributeValue.attribute_key,
                   AttributeValue.value).where(AttributeValue.valid_to.is_(None))
    if keys is not None:
        query = query.where(AttributeValue.attribute_key.in_(keys))
    if ids is None:
        return list(session.connection().execute(query).fetchall())
    wanted = set(ids)
    return [row for row in rows_among(session, query, AttributeValue.investor_id, ids) if row.investor_id in wanted]


def rule_value(text: str | None, value_type: str) -> Any:
    """The stored text as rules see it: a float for numbers and money, a level's rank as a float ('C3' -> 3.0), a
    bool, the text; None when missing or unreadable (as load_frame's columns: NaN there)."""
    if text is None:
        return None
    if value_type in NUMERIC or value_type == "level":
        try:
            return float(text[1:] if value_type == "level" else text)
        except ValueError:
            return None
    if value_type == "bool":
        return text == "true"
    return text


def current_values(session: Session, investor_id: int, keys: list[str] | None = None) -> dict[str, Any]:
    """One investor's current values as rules see them, by key: the attributes `keys` names (all when None), each
    present (None when the investor has none)."""
    types = value_types(session)
    stored = {row.attribute_key: row.value for row in current_rows(session, [investor_id], keys)}
    return {key: rule_value(stored.get(key), types.get(key, "text"))
            for key in (keys if keys is not None else sorted(types))}
