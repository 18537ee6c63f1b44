"""build_app: the console's aiohttp application (JSON API, pages, WebSocket), self-contained.

The service builds it with the database, its TelephonyPort and the LiveEvents it publishes to, and
serves it (see console/README.md). Database work runs in the app's own ThreadPoolExecutor.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from console import pages, routes_auth, routes_calls, routes_docs, routes_supervisor, ws
from console.auth import session_middleware
from console.context import CONTEXT, ConsoleContext
from console.errors import error_middleware, security_headers
from console.ports import LiveEvents, TelephonyPort
from crm_core.db import Database
from crm_core.web_sessions import LoginPolicy


def build_app(db: Database, telephony: TelephonyPort, events: LiveEvents, *, session_minutes: int = 480,
              max_failed_logins: int = 5, lockout_minutes: int = 15, wrap_up_seconds: int = 30,
              db_threads: int = 8) -> web.Application:
    app = web.Application(middlewares=[security_headers, error_middleware, session_middleware],
                          client_max_size=256 * 1024)
    executor = ThreadPoolExecutor(max_workers=db_threads, thread_name_prefix="console-db")
    policy = LoginPolicy(session_minutes=session_minutes, max_failed_logins=max_failed_logins,
                         lockout_minutes=lockout_minutes)
    app[CONTEXT] = ConsoleContext(db=db, telephony=telephony, events=events, policy=policy, executor=executor,
                                  wrap_up_seconds=wrap_up_seconds)
    for module in (routes_auth, routes_calls, routes_supervisor, routes_docs, ws, pages):
        app.add_routes(module.routes)
    app.router.add_static("/static", pages.STATIC)
    app.on_shutdown.append(ws.close_sockets)
    app.on_cleanup.append(_stop_executor)
    return app


async def _stop_executor(app: web.Application) -> None:
    app[CONTEXT].executor.shutdown(wait=True)
