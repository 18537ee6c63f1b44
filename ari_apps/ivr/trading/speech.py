"""Playing key sequences (sounds.phrases) to the caller in their language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ari_apps.media import play_and_wait
from crm_core.trading import Quote
from sounds import phrases
from sounds.say import number_prompts

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk


def media(desk: TradingDesk, keys: list[str]) -> list[str]:
    return [desk.call.deps.prompts.uri(key, desk.call.language) for key in keys]


async def say(desk: TradingDesk, keys: list[str]) -> None:
    await play_and_wait(desk.call, media(desk, keys))


def number(desk: TradingDesk, n: int) -> list[str]:
    return number_prompts(n, desk.call.language)


def yuan(desk: TradingDesk, cents: int) -> list[str]:
    return phrases.yuan_keys(cents, desk.call.language)


def shares(desk: TradingDesk, quantity: int) -> list[str]:
    return phrases.shares_keys(quantity, desk.call.language)


def security(desk: TradingDesk, code: str) -> list[str]:
    return phrases.security_keys(code, desk.call.language, named=code in desk.services.named_securities)


def reason(code: object) -> str:
    """The prompt explaining a domain refusal code (RejectReason, TransferReason)."""
    return f"reason/{str(code).lower()}" if code else "reason/unknown"


def quote(desk: TradingDesk, found: Quote) -> list[str]:
    """<name>, latest price X yuan, today's range from L to H yuan."""
    return [*security(desk, found.code), "word/latest_price", *yuan(desk, found.last_cents), "trade_limits",
            *yuan(desk, found.limit_down_cents), "word/to", *yuan(desk, found.limit_up_cents)]
