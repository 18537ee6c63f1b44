"""The `hotline` command in a folder of its own, with the default state folder `var/` there (no database URL from
the test's environment): the README's commands as a newcomer runs them (the script of this virtualenv, a new
interpreter), the others forked from a process that imported the project once (`run_hotline`)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from crm_core.db import Database
from crm_core.migrate import upgrade
from crm_core.models import Investor, InvestorDetail, InvestorPhone
from tests.support.databases import migrated_sqlite
from tests.support.hotline import ForkedHotline

HOTLINE = str(Path(sys.executable).parent / "hotline")
README = Path(__file__).resolve().parents[2] / "README.md"
# The README's commands read so far (readme_command): run as a newcomer runs them, each a new interpreter
_README_COMMANDS: set[tuple[str, ...]] = set()


def run_hotline(state: Path, *args: str, timeout: float = 120,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`hotline ARGS...` with `state` as its state folder, from the folder above it. A command the README shows
    (read with `readme_command`, its file argument possibly replaced by the test's) runs as the newcomer runs it,
    the `hotline` script in a new interpreter. Any other command is `hotline.cli.main(ARGS)` forked from the
    process that imported the service once (tests/support/hotline.py): the same parsing, settings, handlers and
    exit code, without the 1.3-2 s of CPU each import of the project costs (some 200 commands a run)."""
    environment = {**os.environ, "HOTLINE_STATE_DIR": str(state), **(env or {})}
    environment.pop("HOTLINE_DATABASE_URL", None)
    if _shown_in_readme(args):
        # As a newcomer's shell, which does not set it: the first run writes the hotline's bytecode (__pycache__,
        # which git ignores) and the next ones load it instead of compiling every module again
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        return subprocess.run([HOTLINE, *args], cwd=state.parent, env=environment, capture_output=True, text=True,
                              timeout=timeout)
    with tempfile.TemporaryDirectory(prefix="hotline-output-") as folder:
        stdout, stderr = Path(folder, "stdout"), Path(folder, "stderr")
        command = ForkedHotline(list(args), environment, stdout, stderr, cwd=state.parent)
        try:
            returncode = command.wait(timeout)
        except subprocess.TimeoutExpired:
            command.kill()
            command.wait(10)
            raise
        return subprocess.CompletedProcess([HOTLINE, *args], returncode, _read(stdout), _read(stderr))


def _shown_in_readme(args: tuple[str, ...]) -> bool:
    return any(args == shown or (args[:-1] == shown[:-1] and len(args) == len(shown)) for shown in _README_COMMANDS)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def early_in_a_minute(room: float = 25.0) -> datetime:
    """Wait, if need be, for the next minute to start so that at least `room` seconds of the current one are left,
    and return the minute: for commands whose default idempotency key is the minute they run in (two runs meant to
    be the same request fail by the clock when they straddle one)."""
    now = datetime.now(UTC)
    if now.second + now.microsecond / 1e6 > 60 - room:
        time.sleep(60 - now.second - now.microsecond / 1e6 + 0.05)
    return datetime.now(UTC).replace(second=0, microsecond=0)


def readme_command(line: str) -> list[str]:
    """The arguments of a command exactly as the README shows it (which it must still show)."""
    assert line in README.read_text(encoding="utf-8"), f"the README no longer shows: {line}"
    args = shlex.split(line)[1:]
    _README_COMMANDS.add(tuple(args))
    return args


def fresh_state(state: Path) -> Database:
    """A state folder with a migrated SQLite database where `hotline` finds it by default: a new, empty one (a copy
    of the migrated template), or the one already there brought to the newest schema."""
    state.mkdir(parents=True, exist_ok=True)
    path = state / "hotline.db"
    if not path.exists():
        return Database(migrated_sqlite(path))
    upgrade(f"sqlite:///{path}")
    return Database(f"sqlite:///{path}")


def add_client(database: Database, account: str, name: str, *, language: str = "en", email: str = "",
               phone: str = "") -> int:
    with database.session() as session:
        investor = Investor(account_number=account, name=name, language=language, risk_class="C3")
        session.add(investor)
        session.flush()
        if email:
            session.add(InvestorDetail(investor_id=investor.id, email=email))
        if phone:
            session.add(InvestorPhone(investor_id=investor.id, number=phone))
        return investor.id
