"""API errors as JSON: expected ones carry their status; anything else is a logged 500 (a real bug)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from console.ports import TelephonyError

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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
    except LookupError as error:  # desk.NotFound and the like, raised in the executor
        return error_json(404, str(error).strip("'"))
    except PermissionError:  # screen_pop.CallNotVisible
        return error_json(403, "forbidden: this call is not yours")
    except TelephonyError as error:
        return error_json(409, str(error), code=error.code)
    except web.HTTPException as error:
        if not request.path.startswith("/api") or error.status < 400:
            raise
        return error_json(error.status, error.reason, **({"allow": error.headers.get("Allow")}
                                                        if error.status == 405 else {}))
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
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'")
    if request.path.startswith("/api"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
