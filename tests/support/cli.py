"""The `hotline` script of this virtualenv, run as a newcomer runs it: a subprocess in a folder of its own,
with the default state folder `var/` there (no database URL from the test's environment)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HOTLINE = str(Path(sys.executable).parent / "hotline")


def run_hotline(state: Path, *args: str, timeout: float = 120,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HOTLINE_STATE_DIR": str(state), **(env or {})}
    environment.pop("HOTLINE_DATABASE_URL", None)
    return subprocess.run([HOTLINE, *args], cwd=state.parent, env=environment, capture_output=True, text=True,
                          timeout=timeout)
