"""Finding investors: by keyword (full text: FTS5 on SQLite, tsvector on PostgreSQL) and by field.

Documents and queries are normalised the same way: lower case, and each CJK character a token of its
own (neither FTS5's unicode61 nor PostgreSQL's 'simple' configuration segment Chinese), so a Chinese name
is found as a phrase of characters.
"""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from crm_core import summary
from crm_core.idsets import rows_among
from crm_core.models import (
    AttributeValue,
    Complaint,
    Investor,
    InvestorAccount,
    InvestorContact,
    InvestorDetail,
    InvestorPhone,
    InvestorSearch,
    SegmentMembership,
)
from crm_core.phones import normalize_number

_CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")
_WORD = re.compile(r"[\w]+", re.UNICODE)


class SearchError(ValueError):
    """A search that cannot run (empty query, unknown field)."""


def normalise(value: str) -> str:
    return " ".join(_WORD.findall(_CJK.sub(r" \1 ", value.lower())))


def reindex(session: Session, ids: list[int] | None = None, chunk: int = 20_000) -> int:
    """Rebuild the search documents of these investors (all when None)."""
    if ids is None:
        ids = list(session.scalars(select(Investor.id).order_by(Investor.id)))
    for start in range(0, len(ids), chunk):
        _reindex_chunk(session, ids[start:start + chunk])
    return len(ids)


def _reindex_chunk(session: Session, ids: list[int]) -> None:
    parts: dict[int, list[str]] = defaultdict(list)
    queries = [
        (select(Investor.id, Investor.account_number, Investor.name), Investor.id),
        (select(InvestorPhone.investor_id, InvestorPhone.number), InvestorPhone.investor_id),
        (select(InvestorDetail.investor_id, InvestorDetail.email, InvestorDetail.city, InvestorDetail.address,
                InvestorDetail.notes), InvestorDetail.investor_id),
        (select(InvestorContact.investor_id, InvestorContact.value), InvestorContact.investor_id),
        (select(InvestorAccount.investor_id, InvestorAccount.account_number), InvestorAccount.investor_id),
        (select(Complaint.investor_id, Complaint.category, Complaint.summary), Complaint.investor_id),
    ]
    for query, column in queries:
        for row in rows_among(session, query, column, ids):
            investor_id, *values = tuple(row)
            parts[int(investor_id)].extend(str(value) for value in values if value)
    wanted = set(ids)
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        session.execute(delete(InvestorSearch).where(InvestorSearch.investor_id.in_(ordered[start:start + 500])))
    rows = [{"investor_id": i, "document": normalise(" ".join(parts[i]))} for i in sorted(parts) if i in wanted]
    if rows:
        session.execute(insert(InvestorSearch), rows)


def keyword_search(session: Session, query: str, limit: int = 20) -> list[int]:
    """Investors whose document holds every word of the query (CJK runs as phrases)."""
    groups = [normalise(word).split() for word in query.split()]
    groups = [g for g in groups if g]
    if not groups:
        raise SearchError("empty search")
    if session.get_bind().dialect.name == "sqlite":
        match = " AND ".join('"' + " ".join(group) + '"' for group in groups)
        sql = text("SELECT rowid FROM investor_search_fts WHERE investor_search_fts MATCH :q "
                   "ORDER BY rowid LIMIT :n")
    else:
        match = " & ".join("(" + " <-> ".join(group) + ")" for group in groups)
        sql = text("SELECT investor_id FROM investor_search WHERE to_tsvector('simple', document) "
                   "@@ to_tsquery('simple', :q) ORDER BY investor_id LIMIT :n")
    return [int(row[0]) for row in session.execute(sql, {"q": match, "n": limit})]


FIELDS = {"account", "name", "phone", "city", "email", "segment", "language", "risk_class"}


def field_search(session: Session, field: str, value: str, limit: int = 20) -> list[int]:
    """Investors by one field: a column, the segment (anywhere on the path) or any attribute's value.
    `risk_class` is the class suitability decides on (crm_core.summary), not the back office's column."""
    query = _field_query(field, value)
    if query is None:
        query = (select(AttributeValue.investor_id)
                 .where(AttributeValue.attribute_key == field, AttributeValue.value == value,
                        AttributeValue.valid_to.is_(None)))
    return [int(i) for i in session.scalars(query.order_by(query.selected_columns[0]).limit(limit))]


def _field_query(field: str, value: str):  # type: ignore[no-untyped-def]
    if field == "account":
        return select(Investor.id).where(Investor.account_number == "".join(c for c in value if c.isdigit()))
    if field == "name":
        return select(Investor.id).where(Investor.name.contains(value, autoescape=True))
    if field == "phone":
        return select(InvestorPhone.investor_id).where(InvestorPhone.number == normalize_number(value))
    if field in ("city", "email"):
        return select(InvestorDetail.investor_id).where(getattr(InvestorDetail, field) == value)
    if field == "segment":
        return select(SegmentMembership.investor_id).where(
            SegmentMembership.valid_to.is_(None),
            (SegmentMembership.segment_code == value) | SegmentMembership.path.like(f"%{value}/%"))
    if field == "language":
        return select(Investor.id).where(Investor.language == value)
    if field == "risk_class":
        try:
            return summary.investors_in_risk_class(value)
        except ValueError as error:
            raise SearchError(str(error)) from None
    return None
