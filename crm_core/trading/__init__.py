"""Phone-order trading (电话委托): accounts and trading passwords, orders under A-share rules, fills,
positions and funds, behind the `Broker` adapter (built-in `BuiltinBroker`). See README.md."""

from crm_core.trading.auth import (
                                   LoginOutcome,
                                   LoginResult,
                                   PasswordChange,
                                   PasswordChangeResult,
                                   authenticate,
                                   change_password,
)
from crm_core.trading.broker import Broker, Funds, PositionView
from crm_core.trading.builtin import BuiltinBroker
from crm_core.trading.config import AuthConfig, OffHours, TradingConfig
from crm_core.trading.errors import CancelRejected, OrderRejected, RejectReason, TradingError, UnknownAccount
from crm_core.trading.market import FixedFeed, MarketData, Quote, SimulatedFeed
from crm_core.trading.orders import (
                                   cancel_order,
                                   funds,
                                   match_orders,
                                   open_orders,
                                   place_order,
                                   positions,
                                   quote,
                                   todays_fills,
                                   validate_order,
)
from crm_core.trading.results import CancelResult, FillView, OrderPreview, OrderResult, OrderView
from crm_core.trading.securities import Security, ensure_products, load_securities

__all__ = [
    "AuthConfig", "Broker", "BuiltinBroker", "CancelRejected", "CancelResult", "FillView", "FixedFeed", "Funds",
    "LoginOutcome", "LoginResult", "MarketData", "OffHours", "OrderPreview", "OrderRejected", "OrderResult",
    "OrderView", "PasswordChange", "PasswordChangeResult", "PositionView", "Quote", "RejectReason", "Security",
    "SimulatedFeed", "TradingConfig", "TradingError", "UnknownAccount", "authenticate", "cancel_order",
    "change_password", "ensure_products", "funds", "load_securities", "match_orders", "open_orders", "place_order",
    "positions", "quote", "todays_fills", "validate_order",
]
