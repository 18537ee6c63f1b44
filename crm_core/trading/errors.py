"""Why an order, a cancel or a query was refused: a machine-readable code and a sentence to speak."""

from __future__ import annotations

from enum import StrEnum


class RejectReason(StrEnum):
    UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"
    UNKNOWN_SECURITY = "UNKNOWN_SECURITY"
    BAD_SIDE = "BAD_SIDE"
    BAD_PRICE = "BAD_PRICE"
    PRICE_TICK = "PRICE_TICK"
    PRICE_LIMIT = "PRICE_LIMIT"
    BAD_QUANTITY = "BAD_QUANTITY"
    BOARD_LOT = "BOARD_LOT"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    INSUFFICIENT_SHARES = "INSUFFICIENT_SHARES"
    T_PLUS_ONE = "T_PLUS_ONE"
    OUTSIDE_SESSION = "OUTSIDE_SESSION"
    SUITABILITY_REFUSED = "SUITABILITY_REFUSED"
    NEEDS_DISCLOSURE = "NEEDS_DISCLOSURE"
    BAD_DISCLOSURE = "BAD_DISCLOSURE"
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND"
    NOT_CANCELLABLE = "NOT_CANCELLABLE"
    EXPIRED = "EXPIRED"


MESSAGES: dict[RejectReason, str] = {
    RejectReason.UNKNOWN_ACCOUNT: "no such trading account",
    RejectReason.UNKNOWN_SECURITY: "unknown security code",
    RejectReason.BAD_SIDE: "an order is either buy or sell",
    RejectReason.BAD_PRICE: "the price must be a positive amount",
    RejectReason.PRICE_TICK: "the price must be a multiple of 0.01 yuan",
    RejectReason.PRICE_LIMIT: "the price is beyond today's price limits",
    RejectReason.BAD_QUANTITY: "the quantity must be a positive whole number of shares",
    RejectReason.BOARD_LOT: "buy quantities must be whole board lots of 100 shares",
    RejectReason.INSUFFICIENT_FUNDS: "insufficient available funds",
    RejectReason.INSUFFICIENT_SHARES: "you do not hold enough shares",
    RejectReason.T_PLUS_ONE: "shares bought today can only be sold from the next trading day",
    RejectReason.OUTSIDE_SESSION: "the market is closed: orders are taken 09:30-11:30 and 13:00-15:00 on trading days",
    RejectReason.SUITABILITY_REFUSED: "this product is not suitable for your risk tolerance",
    RejectReason.NEEDS_DISCLOSURE: (
        "this product exceeds your risk tolerance: the risk disclosure must be accepted first"),
    RejectReason.BAD_DISCLOSURE: "the risk disclosure does not match this investor and product",
    RejectReason.ORDER_NOT_FOUND: "no such order on this account",
    RejectReason.NOT_CANCELLABLE: "the order is no longer open",
    RejectReason.EXPIRED: "not filled by the close of its trading day",
}


class TradingError(Exception):
    """Base of every refusal: `code` for the IVR's prompt table, `message` to speak or log."""

    def __init__(self, code: RejectReason, message: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)


class OrderRejected(TradingError):
    """An order broke a rule (validation before confirmation, or a persisted rejection)."""


class CancelRejected(TradingError):
    """A cancel could not be done."""


class UnknownAccount(TradingError, LookupError):
    def __init__(self, account_number: str) -> None:
        super().__init__(RejectReason.UNKNOWN_ACCOUNT, f"no trading account {account_number!r}")
