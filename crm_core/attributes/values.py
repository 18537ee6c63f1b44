"""Attribute values: canonical encoding, the current frame of many investors, history, profiles.

A value is stored as canonical text (money as a 2-decimal Decimal string, levels as 'C3', booleans as
'true'/'false') plus a float copy for range search. Rules see numbers as floats and levels as ranks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from crm_core.attributes.current import current_rows, rule_value, value_types
from crm_core.attributes.definitions import AttributeError_, current_definitions
from crm_core.models import AttributeValue
from crm_core.models.base import utcnow

_BATCH = 500


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def encode(value: Any, value_type: str) -> tuple[str | None, float | None]:
    """(canonical text, float copy) of a frame value; (None, None) when missing."""
    if _is_missing(value):
        return None, None
    if value_type == "money":
        cents = round(float(value) * 100)  # same arithmetic as the vectorised encode_column
        return str((Decimal(cents) / 100).quantize(Decimal("0.01"))), cents / 100
    if value_type == "level":
        rank = int(value) if not isinstance(value, str) else int(value[1:])
        return f"C{rank}", float(rank)
    if value_type == "bool":
        flag = value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
        return ("true" if flag else "false"), float(flag)
    if value_type == "integer":
        return str(int(round(float(value)))), float(int(round(float(value))))
    if value_type == "number":
        number = float(value)
        return format(number, ".10g"), number
    return str(value), None


def decode_display(text: str | None, value_type: str) -> Any:
    """The value people see: Decimal for money, 'C3' for levels."""
    if text is None:
        return None
    if value_type == "money":
        return Decimal(text)
    if value_type == "integer":
        return int(text)
    if value_type == "number":
        return float(text)
    if value_type == "bool":
        return text == "true"
    return text


def load_frame(session: Session, ids: list[int] | None = None, keys: list[str] | None = None) -> pd.DataFrame:
    """Current values as rules see them: index investor id, one column per attribute key."""
    types = value_types(session)
    rows = current_rows(session, ids, keys)
    long = pd.DataFrame([(r.investor_id, r.attribute_key, r.value) for r in rows],
                        columns=["investor_id", "key", "value"])
    columns = keys if keys is not None else sorted(types)
    if long.empty:
        frame = pd.DataFrame(index=pd.Index(ids or [], name="investor_id"), columns=columns, dtype=object)
        return frame
    wide = long.pivot(index="investor_id", columns="key", values="value")
    frame = pd.DataFrame(index=wide.index if ids is None else pd.Index(ids, name="investor_id"))
    for key in columns:
        column = wide[key].reindex(frame.index) if key in wide.columns else pd.Series(None, index=frame.index)
        frame[key] = _decode_column(column, types.get(key, "text"))
    return frame


def _decode_column(column: pd.Series, value_type: str) -> pd.Series:
    if value_type in ("money", "number", "integer"):
        return pd.to_numeric(column, errors="coerce").astype(float)
    if value_type == "level":
        return pd.to_numeric(column.str[1:], errors="coerce").astype(float)
    decoded = column.map(lambda text: rule_value(None if _is_missing(text) else text, value_type))
    return decoded.astype(object)


def encode_column(column: pd.Series, value_type: str) -> np.ndarray:
    """Vectorised `encode` (text only): the same canonical strings, None where missing."""
    values = column.to_numpy(dtype=object)
    missing = pd.isna(column).to_numpy()
    out = np.full(len(values), None, dtype=object)
    present = ~missing
    if not present.any():
        return out
    if value_type == "text":
        out[present] = [str(v) for v in values[present]]
    elif value_type == "bool":
        flags = np.array([v if isinstance(v, bool | np.bool_) else str(v).lower() in ("true", "1", "yes")
                          for v in values[present]], dtype=bool)
        out[present] = np.where(flags, "true", "false").tolist()
    elif value_type == "level" and isinstance(values[present][0], str):
        out[present] = [encode(v, "level")[0] for v in values[present]]
    else:
        numbers = np.asarray(values[present], dtype=float)
        if value_type == "money":
            out[present] = np.char.mod("%.2f", np.round(numbers * 100) / 100 + 0.0).tolist()
        elif value_type == "level":
            out[present] = np.char.add("C", np.char.mod("%d", np.round(numbers).astype(np.int64))).tolist()
        elif value_type == "integer":
            out[present] = np.char.mod("%d", np.round(numbers).astype(np.int64)).tolist()
        else:
            out[present] = np.char.mod("%.10g", numbers).tolist()
    return out


def _number_column(texts: pd.Series, value_type: str) -> pd.Series:
    if value_type in ("money", "number", "integer"):
        return pd.to_numeric(texts, errors="coerce")
    if value_type == "level":
        return pd.to_numeric(texts.str[1:], errors="coerce")
    if value_type == "bool":
        return texts.map({"true": 1.0, "false": 0.0})
    return pd.Series(np.nan, index=texts.index)


@dataclass
class WriteResult:
    changed: int
    investor_ids: frozenset[int] = frozenset()


def write_frame(
    session: Session, frame: pd.DataFrame, types: dict[str, str], *, source: str, now: datetime | None = None,
) -> WriteResult:
    """Store the frame's values; only changed values close the old row and add a new one."""
    now = now or utcnow()
    ids = np.asarray(frame.index, dtype=np.int64)
    keys = list(frame.columns)
    if not keys or not len(ids):
        return WriteResult(0)
    rows = current_rows(session, [int(i) for i in ids], keys)
    current = pd.DataFrame([tuple(r) for r in rows], columns=["id", "investor_id", "attribute_key", "old"])
    new = pd.DataFrame({
        "investor_id": np.tile(ids, len(keys)),
        "attribute_key": np.repeat(np.array(keys, dtype=object), len(ids)),
        "value": np.concatenate([encode_column(frame[key], types[key]) for key in keys]),
    })
    merged = new.merge(current, on=["investor_id", "attribute_key"], how="left")
    same = merged["value"].fillna("\0").astype(str) == merged["old"].fillna("\0").astype(str)
    changed = merged[~same.to_numpy()]
    if changed.empty:
        return WriteResult(0)
    _close(session, [int(i) for i in changed["id"].dropna()], now)
    numbers = pd.Series(np.nan, index=changed.index)
    for key, part in changed.groupby("attribute_key"):
        numbers[part.index] = _number_column(part["value"], types[str(key)])
    records = [
        {"investor_id": int(i), "attribute_key": k, "value": v if isinstance(v, str) else None,
         "number": None if n != n else float(n), "source": source, "valid_from": now, "valid_to": None}
        for i, k, v, n in zip(changed["investor_id"], changed["attribute_key"], changed["value"], numbers,
                              strict=True)
    ]
    for start in range(0, len(records), 20_000):
        session.execute(insert(AttributeValue), records[start : start + 20_000])
    return WriteResult(len(records), frozenset(int(i) for i in changed["investor_id"]))


def _close(session: Session, row_ids: list[int], now: datetime) -> None:
    for start in range(0, len(row_ids), _BATCH):
        batch = row_ids[start : start + _BATCH]
        session.execute(update(AttributeValue).where(AttributeValue.id.in_(batch)).values(valid_to=now))


def set_value(session: Session, investor_id: int, key: str, value: Any, *, source: str = "manual",
              now: datetime | None = None) -> bool:
    """Set one value (an 'input' attribute, or a correction); returns whether it changed."""
    types = value_types(session)
    if key not in types:
        raise AttributeError_(f"unknown attribute {key!r}")
    frame = pd.DataFrame({key: [value]}, index=pd.Index([investor_id], name="investor_id"), dtype=object)
    return write_frame(session, frame, types, source=source, now=now).changed > 0


@dataclass(frozen=True)
class ProfileLine:
    key: str
    name: str
    value: Any
    unit: str
    since: datetime


def profile_at(session: Session, investor_id: int, at: datetime | None = None) -> list[ProfileLine]:
    """The investor's attributes as they were at `at` (now when None)."""
    definitions = {d.key: d for d in current_definitions(session)}
    query = select(AttributeValue).where(AttributeValue.investor_id == investor_id)
    if at is None:
        query = query.where(AttributeValue.valid_to.is_(None))
    else:
        query = query.where(
            AttributeValue.valid_from <= at,
            or_(AttributeValue.valid_to.is_(None), and_(AttributeValue.valid_to > at)),
        )
    lines = []
    for row in session.scalars(query.order_by(AttributeValue.attribute_key)):
        definition = definitions.get(row.attribute_key)
        value_type = definition.value_type if definition else "text"
        lines.append(ProfileLine(row.attribute_key, definition.name if definition else row.attribute_key,
                                 decode_display(row.value, value_type), definition.unit if definition else "",
                                 row.valid_from))
    return lines
