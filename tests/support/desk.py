"""For desk tests against the real service: the console's JSON API and live WebSocket as a staff member, the
portal's JSON API as a client, and what Asterisk holds."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from typing import Any

import aiohttp

from hotline.asterisk.instance import AsteriskInstance
from tests.support.hotline import ari_list, ari_request


class ConsoleApi:
    """One logged-in staff member on the service's console (`/api`), with the session cookie."""

    def __init__(self, base_url: str, job_number: str, password: str) -> None:
        self.base_url = base_url
        self.cookie = ""
        status, body = self.request("POST", "/api/login", {"job_number": job_number, "password": password})
        assert status == 200, body

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, method=method, data=data,
                                         headers={"Content-Type": "application/json", "Cookie": self.cookie})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                cookie = response.headers.get("Set-Cookie")
                if cookie:
                    self.cookie = cookie.split(";")[0]
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def post(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        return self.request("POST", path, body if body is not None else {})

    def live(self) -> dict[str, Any]:
        status, me = self.request("GET", "/api/me")
        assert status == 200, me
        return me["live"] or {}


class PortalApi:
    """One client logged in on the service's portal (`/api`): the session cookie and its CSRF token."""

    def __init__(self, base_url: str, account: str, password: str) -> None:
        self.base_url, self.cookie, self.csrf = base_url, "", ""
        status, body = self.post("/api/login", {"account": account, "password": password})
        assert status == 200, body
        self.csrf = body["csrf_token"]

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, method=method, data=data, headers={
            "Content-Type": "application/json", "Cookie": self.cookie, "X-CSRF-Token": self.csrf})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                cookie = response.headers.get("Set-Cookie")
                self.cookie = cookie.split(";")[0] if cookie else self.cookie
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def get(self, path: str) -> tuple[int, Any]:
        return self.request("GET", path)

    def post(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        return self.request("POST", path, body if body is not None else {})


class LiveSocket:
    """One staff member's live WebSocket (`/ws`) on the service's console, read in a thread of its own: every
    message received, in order, in `messages` (the hello first)."""

    def __init__(self, base_url: str, job_number: str, password: str) -> None:
        self.messages: list[dict[str, Any]] = []
        self._subscribed = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._closing: asyncio.Future[None] | None = None
        self._thread = threading.Thread(target=self._loop.run_until_complete,
                                        args=(self._read(base_url, job_number, password),), daemon=True)
        self._thread.start()
        assert self._subscribed.wait(20), "the live socket did not say hello"

    async def _read(self, base_url: str, job_number: str, password: str) -> None:
        self._closing = self._loop.create_future()
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # 127.0.0.1
            login = await session.post(base_url + "/api/login", json={"job_number": job_number, "password": password})
            assert login.status == 200, await login.text()
            async with session.ws_connect(base_url + "/ws") as ws:
                reading = asyncio.ensure_future(self._receive(ws))
                await asyncio.wait([reading, self._closing], return_when=asyncio.FIRST_COMPLETED)
                reading.cancel()

    async def _receive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            self.messages.append(json.loads(message.data))
            self._subscribed.set()

    def of_type(self, name: str) -> list[dict[str, Any]]:
        return [m for m in list(self.messages) if m["type"] == name]

    def close(self) -> None:
        self._loop.call_soon_threadsafe(lambda: self._closing and not self._closing.done()
                                        and self._closing.set_result(None))
        self._thread.join(10)
        self._loop.close()


def ari_delete(instance: AsteriskInstance, path: str) -> int:
    """The HTTP status ARI answers (an error status too); raises if ARI does not answer at all."""
    try:
        with urllib.request.urlopen(ari_request(instance, "DELETE", path), timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def bridges(instance: AsteriskInstance) -> dict[str, list[str]]:
    """Bridge id → ids of the channels in it; raises AriNotAnswering if ARI does not answer."""
    return {b["id"]: list(b["channels"]) for b in ari_list(instance, "bridges")}


def channel_names(instance: AsteriskInstance) -> dict[str, str]:
    """Channel id → channel name (e.g. `Local/answer@hotline-agent-sim-00000001;1`); raises AriNotAnswering
    if ARI does not answer."""
    return {c["id"]: c["name"] for c in ari_list(instance, "channels")}


def bridge_channel_names(instance: AsteriskInstance, bridge_id: str) -> list[str]:
    """Every channel in the bridge, as the CLI shows it. ARI's own lists leave out the announcer channel
    that plays a bridge's music on hold (`Announcer/ARI_MOH-...`), the CLI does not."""
    output = instance.cli(f"bridge show {bridge_id}")
    return [line.split(":", 1)[1].strip() for line in output.splitlines() if line.startswith("Channel:")]


def moh_in_bridge(instance: AsteriskInstance, bridge_id: str) -> bool:
    """Music on hold plays in the bridge (to everyone in it)."""
    return any(name.startswith("Announcer/ARI_MOH") for name in bridge_channel_names(instance, bridge_id))
