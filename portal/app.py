"""build_app: the clients' web self-service (aiohttp: JSON API, pages), a separate app from the staff console.

The service builds it with the database and its broker (the phone's market and rules) and serves it on its own
port (hotline/service.py). Database work runs in the app's own ThreadPoolExecutor.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from crm_core import client_sessions
from crm_core.client_sessions import PortalPolicy
from crm_core.complaints.rules import ComplaintRules
from crm_core.db import Database
from crm_core.notifications.rules import NotifyPolicy
from crm_core.trading import Broker
from portal import (
    pages,
    routes_accounts,
    routes_auth,
    routes_callbacks,
    routes_chats,
    routes_complaints,
    routes_docs,
    routes_notifications,
    routes_orders,
    routes_survey,
)
from portal.auth import session_middleware
from portal.context import CONTEXT, PortalContext
from portal.errors import error_middleware, security_headers
from portal.ratelimit import RateLimiter
from webapi.lifecycle import run_alongside, shut_down_with

logger = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 3600.0


def build_app(db: Database, broker: Broker, *, policy: PortalPolicy | None = None,
              limiter: RateLimiter | None = None, notify_policy: NotifyPolicy | None = None,
              complaint_rules: ComplaintRules | None = None, db_threads: int = 4) -> web.Application:
    """`policy`: session length and the phone's lock-out (`AuthConfig`); `limiter`: login attempts per address
    and per fund account; `notify_policy`: the outbox's (the time zone reminders are given in);
    `complaint_rules`: `[complaints]` (deadlines, calendar; by default with `notify_policy`)."""
    app = web.Application(middlewares=[security_headers, error_middleware, session_middleware],
                          client_max_size=64 * 1024)
    executor = ThreadPoolExecutor(max_workers=db_threads, thread_name_prefix="portal-db")
    notify_policy = notify_policy or NotifyPolicy()
    app[CONTEXT] = PortalContext(db=db, broker=broker, policy=policy or PortalPolicy(), executor=executor,
                                 limiter=limiter or RateLimiter(), notify_policy=notify_policy,
                                 complaint_rules=complaint_rules or ComplaintRules(notify=notify_policy))
    for module in (routes_auth, routes_accounts, routes_orders, routes_notifications, routes_callbacks,
                   routes_complaints, routes_chats, routes_docs, routes_survey, pages):
        app.add_routes(module.routes)
    app.router.add_static("/static", pages.STATIC)
    run_alongside(app, "portal-purge", lambda: _purge_forever(app[CONTEXT]))
    shut_down_with(app, executor)
    return app


async def _purge_forever(ctx: PortalContext) -> None:
    """Ended portal sessions would otherwise pile up for ever: purged at start, then hourly."""
    while True:
        try:
            purged = await ctx.in_session(client_sessions.purge_stale, ctx.clock())
            if purged:
                logger.info("purged %d ended portal sessions", purged)
        except Exception:  # a dead database now must not stop the purging later
            logger.exception("purging portal sessions failed")
        await asyncio.sleep(PURGE_EVERY_SECONDS)
