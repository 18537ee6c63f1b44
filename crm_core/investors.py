"""Finding investors: by the number they call from, by their account number."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.models import Investor, InvestorPhone
from crm_core.phones import normalize_number


def find_by_phone(session: Session, number: str) -> Investor | None:
    """The investor registered with this number; None if unknown or if several share it."""
    digits = normalize_number(number)
    if not digits:
        return None
    rows = session.scalars(
        select(Investor).join(InvestorPhone).where(InvestorPhone.number == digits).limit(2)
    ).all()
    return rows[0] if len(rows) == 1 else None


def find_by_phones(session: Session, numbers: Iterable[str]) -> dict[str, Investor]:
    """find_by_phone for several numbers in one query: each number (as given) that names one investor."""
    digits = {number: normalize_number(number) for number in numbers}
    rows = session.execute(select(InvestorPhone.number, Investor).join(Investor)
                           .where(InvestorPhone.number.in_({d for d in digits.values() if d}))).all()
    found: dict[str, list[Investor]] = {}
    for number, investor in rows:
        found.setdefault(number, []).append(investor)
    return {number: found[d][0] for number, d in digits.items() if len(found.get(d, ())) == 1}


def find_by_account(session: Session, account_number: str) -> Investor | None:
    digits = "".join(ch for ch in account_number if ch.isdigit())
    if not digits:
        return None
    return session.scalars(select(Investor).where(Investor.account_number == digits)).one_or_none()
