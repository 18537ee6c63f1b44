"""The loop that sends what the outbox says is due: claims a batch, hands each message to its channel's
sender, and writes the outcome back (sent, retry, fall back, give up). Senders are given by the wiring:
gateways' e-mail and SMS, ari_apps/notify's voice and fax. A status that cannot be written after a send
leaves the row `sending`, which the next start turns into `unknown`: a message is never sent twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from crm_core.models.base import utcnow
from crm_core.notifications import NotifyPolicy, Outgoing, claim, failed, recover, sent
from crm_core.notifications.outbox import apply_early_receipts
from gateways.results import SendFailed, Sent

logger = logging.getLogger(__name__)
T = TypeVar("T")
Sender = Callable[[Outgoing], Awaitable[Sent]]


class RunsInSession(Protocol):
    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


class Dispatcher:
    def __init__(self, db: RunsInSession, senders: Mapping[str, Sender], policy: NotifyPolicy, *,
                 every_seconds: float = 1.0, batch: int = 20, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.senders = dict(senders)
        self.policy = policy
        self.every_seconds = every_seconds
        self.batch = batch
        self.clock = clock
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look at the outbox now (something was queued) rather than at the next tick."""
        self._wake.set()

    async def run_forever(self) -> None:
        left = await self.db.run(recover, self.clock())
        if left:
            logger.warning("%d notification(s) were being sent when the service stopped: marked unknown", left)
        while True:
            try:
                while await self.run_once() == self.batch:
                    pass
            except Exception:  # a dead database: try again at the next tick
                logger.exception("notification dispatch failed; retrying")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.every_seconds)
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        """Apply receipts that came early, then send every due message of one batch; returns how many were
        claimed."""
        await self.db.run(apply_early_receipts, self.clock(), self.policy)
        due = await self.db.run(claim, self.clock(), set(self.senders), self.batch)
        await asyncio.gather(*(self._send(outgoing) for outgoing in due))
        return len(due)

    async def _send(self, outgoing: Outgoing) -> None:
        try:
            result = await self.senders[outgoing.channel](outgoing)
        except SendFailed as exc:
            logger.info("notification %s by %s not sent: %s", outgoing.key, outgoing.channel, exc)
            await self.db.run(failed, outgoing.id, str(exc), self.clock(), self.policy, permanent=exc.permanent)
            return
        except Exception as exc:  # a sender's bug must not stop the others: a temporary failure
            logger.exception("notification %s: %s sender failed", outgoing.key, outgoing.channel)
            await self.db.run(failed, outgoing.id, f"{type(exc).__name__}: {exc}", self.clock(), self.policy)
            return
        await self.db.run(sent, outgoing.id, self.clock(), provider_id=result.provider_id, delivered=result.delivered,
                          detail=result.detail)
