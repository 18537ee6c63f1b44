"""API errors as JSON, and the security headers of every response.

A minimal copy of console/errors.py's two middlewares (the portal may import crm_core only, and a shared web
module in crm_core would put web code in the domain): expected errors carry their status; anything else is
a logged 500, which the fuzz test looks for.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from crm_core.trading import TradingError

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
NOT_FOUND = "no such account, or not yours"


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def error_json(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return error_json(error.status, error.message, **error.extra)
    except TradingError as error:  # a rule the order broke, raised in the executor
        return error_json(422, error.message, code=error.code.value)
    except web.HTTPException as error:
        if not request.path.startswith("/api") or error.status < 400:
            raise
        return error_json(error.status, error.reason)
    except Exception:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        if request.path.startswith("/api"):
            return error_json(500, "internal error")
        return web.Response(status=500, text="internal error")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
    if request.path.startswith("/api") or request.path.startswith("/home"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
