"""The console's errors as JSON (webapi.errors): its own exceptions mapped to their status; anything else is a
logged 500 (a real bug). And its security headers (the live board's WebSocket allowed)."""

from __future__ import annotations

from typing import Any

from console.ports import TelephonyError
from webapi.errors import error_json, json_errors
from webapi.errors import security_headers as headers_with

KNOWN: list[tuple[type[Exception], Any]] = [
    (LookupError, lambda error: error_json(404, str(error).strip("'"))),  # desk.NotFound, raised in the executor
    (PermissionError, lambda _error: error_json(403, "forbidden: this call is not yours")),  # CallNotVisible
    (TelephonyError, lambda error: error_json(409, str(error), code=error.code)),
]

error_middleware = json_errors(KNOWN)
security_headers = headers_with(
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'")
