"""The portal's errors as JSON (webapi.errors): a trading rule an order broke is a 422 with its code; anything
else unexpected is a logged 500, which the fuzz test looks for. And its security headers (forms post to the
portal only; the client's pages are never cached)."""

from __future__ import annotations

from crm_core.trading import TradingError
from webapi.errors import error_json, json_errors
from webapi.errors import security_headers as headers_with

NOT_FOUND = "no such account, or not yours"

error_middleware = json_errors([
    (TradingError, lambda error: error_json(422, error.message, code=error.code.value)),  # raised in the executor
])
security_headers = headers_with(
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'", no_store=("/api", "/home"))
