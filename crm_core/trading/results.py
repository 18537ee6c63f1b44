"""What the trading services hand back to the IVR: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from crm_core.models import OrderCancel, OrderStatus, TradingFill, TradingOrder
from crm_core.trading.errors import CancelRejected, OrderRejected, RejectReason


@dataclass(frozen=True)
class OrderResult:
    order_id: int
    request_id: str
    status: OrderStatus
    security_code: str
    side: str
    price: Decimal
    quantity: int
    filled_quantity: int
    frozen_cents: int
    trade_date: date
    code: RejectReason | None  # set when rejected
    message: str
    repeated: bool  # True when this request id had been seen: the original outcome, nothing new done

    @property
    def accepted(self) -> bool:
        return self.status is not OrderStatus.REJECTED

    def raise_if_rejected(self) -> OrderResult:
        if self.code is not None:
            raise OrderRejected(self.code, self.message)
        return self

    @classmethod
    def of(cls, order: TradingOrder, *, repeated: bool) -> OrderResult:
        status = OrderStatus(order.status)
        return cls(order_id=order.id, request_id=order.request_id, status=status,
                   security_code=order.security_code, side=order.side, price=Decimal(order.price_cents) / 100,
                   quantity=order.quantity, filled_quantity=order.filled_quantity, frozen_cents=order.frozen_cents,
                   trade_date=order.trade_date,
                   code=RejectReason(order.reject_code) if order.reject_code else None,
                   message=order.reason or status.value, repeated=repeated)


@dataclass(frozen=True)
class CancelResult:
    order_id: int
    request_id: str
    cancelled: bool
    code: RejectReason | None
    message: str
    repeated: bool

    def raise_if_rejected(self) -> CancelResult:
        if self.code is not None:
            raise CancelRejected(self.code, self.message)
        return self

    @classmethod
    def of(cls, row: OrderCancel, *, repeated: bool) -> CancelResult:
        return cls(order_id=row.order_id, request_id=row.request_id, cancelled=row.outcome == "cancelled",
                   code=RejectReason(row.reject_code) if row.reject_code else None,
                   message=row.reason or row.outcome, repeated=repeated)


@dataclass(frozen=True)
class OrderView:
    order_id: int
    security_code: str
    side: str
    price: Decimal
    quantity: int
    filled_quantity: int
    status: OrderStatus
    created_at: datetime

    @classmethod
    def of(cls, order: TradingOrder) -> OrderView:
        return cls(order.id, order.security_code, order.side, Decimal(order.price_cents) / 100, order.quantity,
                   order.filled_quantity, OrderStatus(order.status), order.created_at)


@dataclass(frozen=True)
class FillView:
    fill_id: int
    order_id: int
    security_code: str
    side: str
    price: Decimal
    quantity: int
    amount_cents: int
    fee_cents: int
    filled_at: datetime

    @classmethod
    def of(cls, fill: TradingFill) -> FillView:
        return cls(fill.id, fill.order_id, fill.security_code, fill.side, Decimal(fill.price_cents) / 100,
                   fill.quantity, fill.amount_cents, fill.fee_cents, fill.filled_at)


@dataclass(frozen=True)
class OrderPreview:
    """What the IVR reads back before the caller confirms."""

    security_code: str
    name_zh: str
    name_en: str
    side: str
    price: Decimal
    quantity: int
    amount_cents: int
    hold_cents: int  # buys: what will be frozen, fees included; sells: 0
    disclosure_id: int | None
