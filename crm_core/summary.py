"""One investor summary that every reader shares: the agent's screen-pop, the IVR's trading queries, search.

    risk_class(session, investor_id) -> RiskClass          # as suitability sees it, the declared one beside it
    account_summary(session, account_number, *, now, broker=None) -> AccountSummary
    investor_summary(session, investor_id, *, now, broker=None) -> InvestorSummary

Risk class: suitability decides on the investor's current `risk_class` attribute (computed from the latest
questionnaire, or from the back office's declared class when there is none), not on the back-office
column `investors.risk_class`; an investor without the attribute has no valid assessment and is refused.
Holdings, funds, open orders and today's fills are the trading book (`trading_positions`, `trading_accounts`,
`trading_orders`, `trading_fills`), read through crm_core.trading's queries, valued by the broker's quotes.
The back office's end-of-day `positions` are the calculators' input, not what a client can trade.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from crm_core import trading
from crm_core.models import AttributeValue, Investor, TradingAccount
from crm_core.trading import Broker, FillView, Funds, OrderView, PositionView
from crm_core.trading.accounts import get_account

RISK_CLASS = "risk_class"  # the attribute suitability reads (crm_core.matching.suitability.floor_one)
RISK_CLASSES = ("C1", "C2", "C3", "C4", "C5")


class UnknownInvestor(LookupError):
    pass


@dataclass(frozen=True)
class RiskClass:
    effective: str | None  # what suitability decides on; None: no valid assessment, every product refused
    declared: str  # the back office's column

    @property
    def differs(self) -> bool:
        return self.effective != self.declared

    @property
    def label(self) -> str:
        """'C3', 'C2 (declared C4)', 'none on file (declared C3)'."""
        shown = self.effective or "none on file"
        return f"{shown} (declared {self.declared})" if self.differs else shown


@dataclass(frozen=True)
class AccountSummary:
    account_number: str
    status: str
    funds: Funds
    holdings: tuple[PositionView, ...]  # quantity, sellable today (T+1), latest price, market value
    open_orders: tuple[OrderView, ...]
    fills_today: tuple[FillView, ...]


@dataclass(frozen=True)
class InvestorSummary:
    investor_id: int
    risk: RiskClass
    accounts: tuple[AccountSummary, ...]  # the investor's trading accounts, by account number


def parse_risk_class(text: str) -> str:
    """'c4' -> 'C4'; ValueError for anything but C1..C5."""
    value = text.strip().upper()
    if value not in RISK_CLASSES:
        raise ValueError(f"risk class must be one of {', '.join(RISK_CLASSES)}, not {text!r}")
    return value


def _current_risk_class() -> Select[int, str | None]:
    return select(AttributeValue.investor_id, AttributeValue.value).where(
        AttributeValue.attribute_key == RISK_CLASS, AttributeValue.valid_to.is_(None))


def investors_in_risk_class(value: str) -> Select[int]:
    """Ids of the investors whose risk class, as suitability sees it, is `value` (C1..C5)."""
    return select(AttributeValue.investor_id).where(
        AttributeValue.attribute_key == RISK_CLASS, AttributeValue.valid_to.is_(None),
        AttributeValue.value == parse_risk_class(value))


def risk_classes(session: Session, investor_ids: Iterable[int]) -> dict[int, RiskClass]:
    """The risk class of each of these investors (unknown ids are left out)."""
    ids = sorted(set(investor_ids))
    found: dict[int, RiskClass] = {}
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        current = session.execute(_current_risk_class().where(AttributeValue.investor_id.in_(batch)))
        effective = {investor_id: value for investor_id, value in current}
        for investor_id, declared in session.execute(select(Investor.id, Investor.risk_class)
                                                     .where(Investor.id.in_(batch))):
            found[investor_id] = RiskClass(effective=effective.get(investor_id), declared=declared)
    return found


def risk_class(session: Session, investor_id: int) -> RiskClass:
    found = risk_classes(session, [investor_id]).get(investor_id)
    if found is None:
        raise UnknownInvestor(f"no investor {investor_id}")
    return found


def account_summary(session: Session, account_number: str, *, now: datetime,
                    broker: Broker | None = None) -> AccountSummary:
    """Funds, holdings, open orders and today's fills of one trading account; UnknownAccount if none."""
    account = get_account(session, account_number)
    return AccountSummary(
        account_number=account.account_number, status=account.status,
        funds=trading.funds(session, account_number, broker=broker),
        holdings=tuple(trading.positions(session, account_number, now=now, broker=broker)),
        open_orders=tuple(trading.open_orders(session, account_number)),
        fills_today=tuple(trading.todays_fills(session, account_number, now=now)),
    )


def investor_summary(session: Session, investor_id: int, *, now: datetime,
                     broker: Broker | None = None) -> InvestorSummary:
    risk = risk_class(session, investor_id)
    numbers = session.scalars(select(TradingAccount.account_number).where(TradingAccount.investor_id == investor_id)
                              .order_by(TradingAccount.account_number)).all()
    return InvestorSummary(
        investor_id=investor_id, risk=risk,
        accounts=tuple(account_summary(session, number, now=now, broker=broker) for number in numbers),
    )
