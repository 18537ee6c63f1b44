"""API errors as JSON, and the security headers of every response.

Expected errors carry their status (ApiError, or an app's own exceptions through the `known` mapping each app
gives `json_errors`); anything else is a logged 500, which the apps' fuzz tests look for.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Known = Sequence[tuple[type[Exception], Callable[[Any], web.Response]]]  # an app's exceptions and their answers


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def error_json(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def json_errors(known: Known = ()) -> Middleware:
    """The middleware answering an API request's failure as JSON: ApiError with its status, each of `known`
    by its function (in order: the first whose type matches), an HTTP error of aiohttp's as itself (405 with
    the allowed methods), anything else as a logged 500."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return error_json(error.status, error.message, **error.extra)
        except web.HTTPException as error:
            if not request.path.startswith("/api") or error.status < 400:
                raise
            return error_json(error.status, error.reason,
                              **({"allow": error.headers.get("Allow")} if error.status == 405 else {}))
        except Exception as error:
            for kind, answer in known:
                if isinstance(error, kind):
                    return answer(error)
            logger.exception("unexpected error on %s %s", request.method, request.path)
            if request.path.startswith("/api"):
                return error_json(500, "internal error")
            return web.Response(status=500, text="internal error")

    return middleware


def security_headers(content_security_policy: str, no_store: tuple[str, ...] = ("/api",)) -> Middleware:
    """The middleware adding the headers every page and answer carries; `no_store`: the path prefixes never
    cached (answers with a client's or a call's data)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", content_security_policy)
        if request.path.startswith(no_store):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return middleware
