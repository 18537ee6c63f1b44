"""One FastAGI session's socket, as Asterisk speaks it: the `agi_` environment, then one command per line,
each answered by one `200 result=...` line (parsed with pyst2's expressions and exceptions).

Asyncio streams, read and written on the FastAGI server's own loop (agi/server.py): a session waiting on
Asterisk or on the database holds no thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from asterisk import agi as pyst

Result = dict[str, tuple[str, str]]
_MSET_UNSAFE = frozenset(',"\\$|\n')
MAX_LINE = 8192  # an environment or reply line longer than this is not Asterisk speaking


class FastAgiChannel:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.env: dict[str, str] = {}

    @property
    def script(self) -> str:
        """The handler name: the path part of agi://host:port/<name>."""
        return self.env.get("agi_network_script", "").strip("/")

    async def read_env(self) -> dict[str, str]:
        """`agi_name: value` lines up to the blank line (or the end of the stream), read as one block."""
        try:
            block = await self.reader.readuntil(b"\n\n")
        except asyncio.IncompleteReadError as cut:
            block = cut.partial
        for line in block.decode("utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip():
                self.env[key.strip()] = value.strip()
        return self.env

    async def get_variable(self, name: str) -> str:
        """The channel variable's value; empty when it is not set (`200 result=0`)."""
        result = await self.execute(f'GET VARIABLE "{name}"')
        value, data = result.get("result", ("", ""))
        return data if value == "1" else ""

    async def set_variables(self, variables: Mapping[str, str]) -> None:
        """Several channel variables in one AGI round trip (Asterisk's MSet) instead of one each. One by one
        when a value holds a character MSet's argument would split on or expand."""
        if not variables:
            return
        if any(_MSET_UNSAFE.intersection(value) for value in variables.values()):
            for name, value in variables.items():
                await self.execute(f'SET VARIABLE "{name}" "{_quoted(value)}"')
            return
        await self.execute('EXEC MSet "' + ",".join(f"{name}={value}" for name, value in variables.items()) + '"')

    async def execute(self, command: str) -> Result:
        """Send one command, read its reply: `200 result=...` parsed into {key: (value, data)}; pyst2's
        exceptions for a hangup, an invalid command, a usage error or anything else."""
        self.writer.write(command.encode() + b"\n")
        await self.writer.drain()
        line = (await self._line()).strip()
        match = pyst.re_code.search(line)
        code = int(match.group(1)) if match and match.group(1) else 0
        response = match.group(2) if match else ""
        if code == 200:
            return _parse_200(response)
        if code == 510:
            raise pyst.AGIInvalidCommand(response)
        if code == 520:
            raise pyst.AGIUsageError(await self._usage(line))
        if not line:
            raise pyst.AGIHangup("the channel closed the AGI session")
        raise pyst.AGIUnknownError(code, "Unhandled code or undefined response")

    async def _line(self) -> str:
        raw = await self.reader.readline()
        if len(raw) > MAX_LINE:
            raise pyst.AGIError("AGI line too long")
        return raw.decode("utf-8", errors="replace")

    async def _usage(self, first: str) -> str:
        lines = [first]
        while (line := (await self._line()).strip())[:3] != "520" and line:
            lines.append(line)
        lines.append(line)
        return "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _parse_200(response: str) -> Result:
    result: Result = {"result": ("", "")}
    for key, value, data in pyst.re_kv.findall(response):
        result[key] = (value, data)
        if data == "hangup":
            raise pyst.AGIResultHangup("User hungup during execution")
        if key == "result" and value == "-1":
            raise pyst.AGIAppError("Error executing application, or hangup")
    return result
