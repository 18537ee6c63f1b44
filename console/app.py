"""build_app: the console's aiohttp application (JSON API, pages, WebSocket), self-contained.

The service builds it with the database, its TelephonyPort and the LiveEvents it publishes to, and
serves it (see console/README.md). Database work runs in the app's own ThreadPoolExecutor.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web

from console import (
    pages,
    pages_quality,
    pages_reports,
    routes_auth,
    routes_calls,
    routes_chats,
    routes_complaints,
    routes_docs,
    routes_quality,
    routes_supervisor,
    ws,
)
from console.auth import session_middleware
from console.context import CONTEXT, ConsoleContext
from console.errors import error_middleware, security_headers
from console.ports import LiveEvents, ReportSource, TelephonyPort
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import Broker
from crm_core.web_sessions import LoginPolicy, purge_stale
from webapi.lifecycle import run_alongside, shut_down_with

logger = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 3600.0


def build_app(db: Database, telephony: TelephonyPort, events: LiveEvents, *, session_minutes: int = 480,
              max_failed_logins: int = 5, lockout_minutes: int = 15, wrap_up_seconds: int = 30,
              db_threads: int = 8, broker: Broker | None = None, notify_policy: NotifyPolicy | None = None,
              notify_senders: frozenset[str] = frozenset(), recording_dirs: tuple[Path, ...] = (),
              pdf_maker: Callable[[str], bytes] | None = None, reports: ReportSource | None = None,
              complaint_rules: ComplaintRules | None = None) -> web.Application:
    """`notify_policy`: the outbox's (quiet hours) for the desk's replies; `notify_senders`: the channels the
    service sends on (the supervisors' notification health says which wait for want of one); `recording_dirs`:
    the folders holding call recordings (Asterisk's spool, then the state folder's copies); `pdf_maker`: HTML to
    PDF for the printable reports; `reports`: the contact-centre reports of the report pages; `complaint_rules`:
    complaints' deadlines and calendar (default: the built-in policy, no holidays)."""
    app = web.Application(middlewares=[security_headers, error_middleware, session_middleware],
                          client_max_size=256 * 1024)
    executor = ThreadPoolExecutor(max_workers=db_threads, thread_name_prefix="console-db")
    policy = LoginPolicy(session_minutes=session_minutes, max_failed_logins=max_failed_logins,
                         lockout_minutes=lockout_minutes)
    notify_policy = notify_policy or NotifyPolicy()
    app[CONTEXT] = ConsoleContext(db=db, telephony=telephony, events=events, policy=policy, executor=executor,
                                  wrap_up_seconds=wrap_up_seconds, broker=broker, notify_policy=notify_policy,
                                  notify_senders=notify_senders,
                                  recording_dirs=recording_dirs, pdf_maker=pdf_maker,
                                  reports=reports,
                                  complaint_rules=complaint_rules or ComplaintRules(notify=notify_policy))
    for module in (routes_auth, routes_calls, routes_chats, routes_complaints, routes_supervisor, routes_quality,
                   routes_docs, ws, pages, pages_quality, pages_reports):
        app.add_routes(module.routes)
    app.router.add_static("/static", pages.STATIC)
    run_alongside(app, "console-purge", lambda: _purge_forever(app[CONTEXT]))
    app.on_shutdown.append(ws.close_sockets)
    shut_down_with(app, executor)
    return app


async def _purge_forever(ctx: ConsoleContext) -> None:
    """Expired sessions and spent login locks would otherwise pile up for ever: purged at start, then hourly."""
    while True:
        try:
            sessions, locks = await ctx.in_session(purge_stale)
            if sessions or locks:
                logger.info("purged %d ended web sessions and %d spent login locks", sessions, locks)
        except Exception:  # a dead database now must not stop the purging later
            logger.exception("purging web sessions failed")
        await asyncio.sleep(PURGE_EVERY_SECONDS)
