"""The `hotline` script of this virtualenv, run as a newcomer runs it: a subprocess in a folder of its own,
with the default state folder `var/` there (no database URL from the test's environment)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from crm_core.db import Database
from crm_core.migrate import upgrade
from crm_core.models import Investor, InvestorDetail, InvestorPhone
from tests.support.databases import migrated_sqlite

HOTLINE = str(Path(sys.executable).parent / "hotline")


def run_hotline(state: Path, *args: str, timeout: float = 120,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HOTLINE_STATE_DIR": str(state), **(env or {})}
    environment.pop("HOTLINE_DATABASE_URL", None)
    # As a newcomer's shell, which does not set it: the first run writes the hotline's bytecode (__pycache__, which
    # git ignores) and the next ones load it instead of compiling every module again (a fifth of a start's CPU)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run([HOTLINE, *args], cwd=state.parent, env=environment, capture_output=True, text=True,
                          timeout=timeout)


README = Path(__file__).resolve().parents[2] / "README.md"


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
    return shlex.split(line)[1:]


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
