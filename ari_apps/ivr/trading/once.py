"""Exactly once across repeats and restarts: a confirmation is written down before it is carried out.

When the caller confirms, the call gets a `trade_confirmed` event naming the action, its parameters and
its request id (call id + the confirmation's number in the call). The action then runs with that request
id, which crm_core makes idempotent, and a `trade_reported` event follows the answer. If the service
dies in between, the recovered call finds the confirmation without a report and finishes it with the
same request id: the order is placed once, never twice, and the caller hears how it went.

Transfers are the exception that cannot be finished: the bank password is not kept anywhere, so an
unreported transfer is looked up and either reported or declared not done (no money moved).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from crm_core import calls

if TYPE_CHECKING:
    from ari_apps.ivr.trading.desk import TradingDesk

CONFIRMED, REPORTED = "trade_confirmed", "trade_reported"
R = TypeVar("R")


async def carry_out(desk: TradingDesk, action: str, params: dict[str, Any],
                    do: Callable[[str], Awaitable[R]]) -> R:
    """Write the confirmation down (raises if the database cannot), then `do(request_id)`."""
    request_id = await desk.db.run(_confirm, desk.call.call_id, action, params)
    return await do(request_id)


async def reported(desk: TradingDesk, request_id: str, outcome: str) -> None:
    await desk.call.note(REPORTED, request_id=request_id, outcome=outcome)


def _confirm(session: Session, call_id: str, action: str, params: dict[str, Any]) -> str:
    step = 1 + sum(1 for e in calls.events_of(session, call_id) if e.kind == CONFIRMED)
    request_id = f"{call_id}:{step}"
    calls.record_event(session, call_id, CONFIRMED, request_id=request_id, action=action, **params)
    return request_id


def pending(session: Session, call_id: str) -> dict[str, Any] | None:
    """The last confirmation of the call that was not reported to the caller, if any."""
    events = calls.events_of(session, call_id)
    done = {e.detail.get("request_id") for e in events if e.kind == REPORTED}
    for event in reversed(events):
        if event.kind == CONFIRMED:
            return None if event.detail.get("request_id") in done else dict(event.detail)
    return None
