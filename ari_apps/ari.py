"""The one module that speaks ARI: a thin, typed face over aioari (requests) and its event WebSocket.

Every request returns plain JSON (dicts and lists); failures raise `AriError` (with the HTTP status),
`AriNotFound` for 404 (a channel or bridge that is gone), or `AriUnavailable` when Asterisk cannot be
reached. Event reading is ours, not aioari's `run()`, so that the runtime decides how events are
dispatched (aioari awaits listeners one after another).
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import aioari
import aiohttp
from aiohttp import web_exceptions
from aioswagger11.http_client import ApiKeyAuthenticator, AsynchronousHttpClient

logger = logging.getLogger(__name__)


class AriError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AriNotFound(AriError):
    """The channel, bridge or playback does not exist (any more)."""


class AriUnavailable(AriError):
    """Asterisk's ARI cannot be reached."""


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return getattr(value, "json", value)


class Ari:
    def __init__(self, client: aioari.Client) -> None:
        self._client = client

    @classmethod
    async def connect(cls, base_url: str, user: str, password: str) -> Ari:
        """Like aioari.connect, but the HTTP session is closed again when Asterisk cannot be reached."""
        host = urllib.parse.urlparse(base_url).netloc.split(":")[0]
        http_client = AsynchronousHttpClient(auth=ApiKeyAuthenticator(host, f"{user}:{password}"))
        client = aioari.Client(base_url, http_client)
        try:
            await client.init()
        except (aiohttp.ClientError, OSError, web_exceptions.HTTPException) as exc:
            await http_client.close()
            raise AriUnavailable(f"ARI at {base_url} unreachable: {exc}") from exc
        return cls(client)

    async def request(self, resource: str, operation: str, /, **params: Any) -> Any:
        """Call one ARI operation, e.g. `request("channels", "originate", endpoint=...)` (positional-only, so
        that an operation's own `resource` parameter, as in `endpoints.get`, can be passed)."""
        params = {key: value for key, value in params.items() if value is not None}
        try:
            repository = getattr(self._client, resource)
            result = await getattr(repository, operation)(**params)
        except web_exceptions.HTTPNotFound as exc:
            raise AriNotFound(f"{resource}.{operation}: {exc.text}", 404) from exc
        except web_exceptions.HTTPException as exc:
            raise AriError(f"{resource}.{operation} failed ({exc.status}): {exc.text}", exc.status) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise AriUnavailable(f"{resource}.{operation}: {exc}") from exc
        return _plain(result)

    async def request_quietly(self, resource: str, operation: str, /, **params: Any) -> Any:
        """The same, for clean-up: a gone object or an error is logged, not raised."""
        try:
            return await self.request(resource, operation, **params)
        except AriNotFound:
            return None
        except AriError as exc:
            logger.info("ignored during clean-up: %s", exc)
            return None

    async def open_events(self, apps: list[str]) -> EventStream:
        """Open the event WebSocket of the named Stasis apps (registering them in Asterisk).

        Never with subscribeAll: see ScriptedCaller.connect for the Asterisk deadlock it can cause."""
        params: dict[str, Any] = {"app": ",".join(apps)}
        try:
            ws = await self._client.swagger.events.eventWebsocket(**params)
        except (aiohttp.ClientError, OSError, web_exceptions.HTTPException) as exc:
            raise AriUnavailable(f"event WebSocket: {exc}") from exc
        return EventStream(ws)

    async def close(self) -> None:
        try:
            await self._client.close()
        except Exception:  # closing a half-dead client must never mask the real error
            logger.debug("error while closing the ARI client", exc_info=True)


class EventStream:
    """The events of one WebSocket, until it closes."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            message = await self._ws.receive()
            if message.type == aiohttp.WSMsgType.TEXT:
                try:
                    event = json.loads(message.data)
                except ValueError:
                    logger.error("unreadable ARI event: %.200s", message.data)
                    continue
                if isinstance(event, dict) and "type" in event:
                    yield event
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                  aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR):
                return

    async def close(self) -> None:
        await self._ws.close()
