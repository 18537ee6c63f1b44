"""What every handler needs, built once by `build_app` and stored on the application under one key."""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from console.ports import LiveEvents, ReportSource, TelephonyPort
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import Broker
from crm_core.web_sessions import LoginPolicy

T = TypeVar("T")


@dataclass
class ConsoleContext:
    db: Database
    telephony: TelephonyPort
    events: LiveEvents
    policy: LoginPolicy
    executor: ThreadPoolExecutor
    wrap_up_seconds: int = 30
    broker: Broker | None = None  # prices holdings in the screen-pop; None: the built-in simulated market
    notify_policy: NotifyPolicy = field(default_factory=NotifyPolicy)  # quiet hours of the desk's replies
    notify_senders: frozenset[str] = frozenset()  # the channels the service has a sender for
    recording_dirs: tuple[Path, ...] = ()  # where call recordings' files are looked for, in order
    pdf_maker: Callable[[str], bytes] | None = None  # HTML to PDF (the service's WeasyPrint); None: no PDF links
    reports: ReportSource | None = None  # the contact-centre reports; None: no report pages
    complaint_rules: ComplaintRules = field(default_factory=ComplaintRules)  # deadlines, calendar, escalation
    sockets: weakref.WeakSet[web.WebSocketResponse] = field(default_factory=weakref.WeakSet)
    sockets_by_session: dict[str, set[web.WebSocketResponse]] = field(default_factory=dict)  # token digest

    async def in_session(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `work(session, *args, **kwargs)` in the executor, in one transaction (commit on success)."""
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, functools.partial(self._run, work, *args, **kwargs))

    def _run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        session: Session
        with self.db.session() as session:
            return work(session, *args, **kwargs)


CONTEXT: web.AppKey[ConsoleContext] = web.AppKey("console_context", ConsoleContext)


def context_of(request: web.Request) -> ConsoleContext:
    return request.app[CONTEXT]
