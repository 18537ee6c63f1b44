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
from crm_core.notifications.outbox import Outgoing, apply_early_receipts, claim, failed, recover, sent
from crm_core.notifications.rules import NotifyPolicy
from crm_core.notifications.sending import SendFailed, Sent

logger = logging.getLogger(__name__)
T = TypeVar("T")
Sender = Callable[[Outgoing], Awaitable[Sent]]


class RunsInSession(Protocol):
    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


# Sends under way at once per channel: a voice call lasts a minute, an e-mail a moment.
DEFAULT_CONCURRENCY = {"email": 10, "sms": 10, "voice": 4, "fax": 2}


class Dispatcher:
    def __init__(self, db: RunsInSession, senders: Mapping[str, Sender], policy: NotifyPolicy, *,
                 every_seconds: float = 1.0, batch: int = 20, clock: Callable[[], datetime] = utcnow,
                 concurrency: Mapping[str, int] | None = None) -> None:
        self.db = db
        self.senders = dict(senders)
        self.policy = policy
        self.every_seconds = every_seconds
        self.batch = batch
        self.clock = clock
        self.concurrency = {**DEFAULT_CONCURRENCY, **(concurrency or {})}
        self._sending: dict[str, set[asyncio.Task[None]]] = {channel: set() for channel in self.senders}
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look at the outbox now (something was queued, or a send finished) rather than at the next tick."""
        self._wake.set()

    async def run_forever(self) -> None:
        left = await self.db.run(recover, self.clock())
        if left:
            logger.warning("%d notification(s) were being sent when the service stopped: marked unknown", left)
        try:
            while True:
                self._wake.clear()
                try:
                    await self.start_due()
                except Exception:  # a dead database: try again at the next tick
                    logger.exception("notification dispatch failed; retrying")
                try:
                    await asyncio.wait_for(self._wake.wait(), self.every_seconds)
                except TimeoutError:
                    pass
        finally:  # stopping: a send cut short stays `sending`, which the next start makes `unknown`
            for task in [t for tasks in self._sending.values() for t in tasks]:
                task.cancel()

    async def start_due(self) -> int:
        """Apply receipts that came early; then, on each channel with room, claim what is due and start
        sending each message in a task of its own (a minute-long voice call never holds back an e-mail).
        Returns how many sends were started."""
        await self.db.run(apply_early_receipts, self.clock(), self.policy)
        started = 0
        for channel, tasks in self._sending.items():
            room = min(self.concurrency.get(channel, 1) - len(tasks), self.batch)
            if room <= 0:
                continue
            for outgoing in await self.db.run(claim, self.clock(), {channel}, room):
                task = asyncio.create_task(self._send(outgoing))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                task.add_done_callback(lambda _: self.wake())
                started += 1
        return started

    async def run_once(self) -> int:
        """`start_due`, then wait until those sends are done (tests, one-shot use); returns how many."""
        started = await self.start_due()
        await asyncio.gather(*(t for tasks in self._sending.values() for t in list(tasks)))
        return started

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
