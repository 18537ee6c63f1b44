"""pyst2's AGI object on a FastAGI socket, safe to use in a worker thread.

pyst2's constructor installs a SIGHUP handler (only possible in the main thread) and echoes the
whole AGI environment to stderr; this subclass does neither.
"""

from __future__ import annotations

import io
from typing import TextIO

from asterisk.agi import AGI


class _Discard(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


class FastAgiChannel(AGI):  # type: ignore[misc]
    def __init__(self, reader: TextIO, writer: TextIO) -> None:  # noqa: D107 - see class docstring
        self.stdin = reader
        self.stdout = writer
        self.stderr = _Discard()
        self._got_sighup = False
        self.env: dict[str, str] = {}
        self._get_agi_env()

    @property
    def script(self) -> str:
        """The handler name: the path part of agi://host:port/<name>."""
        return self.env.get("agi_network_script", "").strip("/")
