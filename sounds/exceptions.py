"""Errors of the prompt build."""

from __future__ import annotations

from collections.abc import Sequence


class PromptBuildError(RuntimeError):
    """A synthesis tool (espeak-ng, sox) is missing or failed; carries the command and its stderr."""

    def __init__(self, command: Sequence[str], stderr: str, reason: str = "failed") -> None:
        self.command = list(command)
        self.stderr = stderr
        super().__init__(f"{self.command[0]} {reason}: {' '.join(self.command)}\n{stderr.strip()}")


class ToolMissingError(PromptBuildError):
    """espeak-ng or sox is not on the PATH."""

    def __init__(self, tool: str, package: str) -> None:
        super().__init__([tool], f"{tool} not found on PATH; install the Debian package {package}",
                         reason="is missing")
