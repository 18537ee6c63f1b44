"""pyst2's AGI object on a FastAGI socket, safe to use in a worker thread.

pyst2's constructor installs a SIGHUP handler (only possible in the main thread) and echoes the
whole AGI environment to stderr; this subclass does neither. pyst2 also pretty-prints the environment
and every reply for that debug stream, even when it goes nowhere: a tenth of a call's CPU time, which a
burst of calls queues for under one interpreter lock. Here the environment and the replies are parsed
as pyst2 parses them, without the printing.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TextIO

from asterisk import agi as pyst

Result = dict[str, tuple[str, str]]
_MSET_UNSAFE = frozenset(',"\\$|\n')


class _Discard(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


class FastAgiChannel(pyst.AGI):  # type: ignore[misc]
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

    def set_variables(self, variables: Mapping[str, str]) -> None:
        """Several channel variables in one AGI round trip (Asterisk's MSet) instead of one each: under a
        burst every round trip is a wait for the socket and then for the interpreter lock. One by one when
        a value holds a character MSet's argument would split on or expand."""
        if any(_MSET_UNSAFE.intersection(value) for value in variables.values()):
            for name, value in variables.items():
                self.set_variable(name, value)
            return
        self.appexec("MSet", ",".join(f"{name}={value}" for name, value in variables.items()))

    def _get_agi_env(self) -> None:
        """`agi_name: value` lines up to the blank line (or the end of the stream)."""
        while line := self.stdin.readline().strip():
            key, _, value = line.partition(":")
            if key.strip():
                self.env[key.strip()] = value.strip()

    def get_result(self, stdin: object = None) -> Result:
        """One reply: `200 result=...` parsed into {key: (value, data)}; pyst2's exceptions otherwise."""
        line = self.stdin.readline().strip()
        match = pyst.re_code.search(line)
        code = int(match.group(1)) if match and match.group(1) else 0
        response = match.group(2) if match else ""
        if code == 200:
            return _parse_200(response)
        if code == 510:
            raise pyst.AGIInvalidCommand(response)
        if code == 520:
            raise pyst.AGIUsageError(self._usage(line))
        raise pyst.AGIUnknownError(code, "Unhandled code or undefined response")

    def _usage(self, first: str) -> str:
        lines = [first]
        while (line := self.stdin.readline().strip())[:3] != "520" and line:
            lines.append(line)
        lines.append(line)
        return "\n".join(lines) + "\n"


def _parse_200(response: str) -> Result:
    result: Result = {"result": ("", "")}
    for key, value, data in pyst.re_kv.findall(response):
        result[key] = (value, data)
        if data == "hangup":
            raise pyst.AGIResultHangup("User hungup during execution")
        if key == "result" and value == "-1":
            raise pyst.AGIAppError("Error executing application, or hangup")
    return result
