"""What every portal handler needs, built once by `build_app` and stored on the application under one key."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core.client_sessions import PortalPolicy
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import Broker
from portal.ratelimit import RateLimiter

T = TypeVar("T")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class PortalContext:
    db: Database
    broker: Broker  # the service's broker: the same market and rules as the phone
    policy: PortalPolicy
    executor: ThreadPoolExecutor
    limiter: RateLimiter = field(default_factory=RateLimiter)
    notify_policy: NotifyPolicy = field(default_factory=NotifyPolicy)  # the time zone reminders are set in
    complaint_rules: ComplaintRules = field(default_factory=ComplaintRules)  # deadlines, the outbox's policy
    clock: Callable[[], datetime] = _utcnow
    monotonic: Callable[[], float] = time.monotonic

    async def in_session(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `work(session, *args, **kwargs)` in the executor, in one transaction (commit on success)."""
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, functools.partial(self._run, work, *args, **kwargs))

    def _run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        session: Session
        with self.db.session() as session:
            return work(session, *args, **kwargs)


CONTEXT: web.AppKey[PortalContext] = web.AppKey("portal_context", PortalContext)


def context_of(request: web.Request) -> PortalContext:
    return request.app[CONTEXT]
