"""Agents' SIP accounts come from the database; a real SIP phone (SIPp) registers and dials the hotline."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_core.models import Call
from tests.integration.conftest import Hotline
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, wait_for
from tests.support.ports import free_port

SCENARIO = Path(__file__).parent / "sipp" / "register_and_call.xml"


@pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp (Debian sip-tester) not installed")
def test_agent_account_from_the_database_registers_and_dials_the_hotline(hotline: Hotline, tmp_path: Path) -> None:
    add_agents(hotline.db, [AgentSpec("2001", {"general": 5}, device=None)])  # type: ignore[arg-type]
    hotline.service.start()
    assert wait_for(lambda: hotline.asterisk.ari_get("endpoints/PJSIP/agent2001"), timeout=15), \
        "the agent's endpoint was pushed to Asterisk"

    users = tmp_path / "users.csv"
    users.write_text("SEQUENTIAL\nagent2001;[authentication username=agent2001 password=sip-2001]\n")
    sip_port = hotline.asterisk.settings.asterisk.sip_port
    result = subprocess.run(
        ["sipp", f"127.0.0.1:{sip_port}", "-sf", str(SCENARIO), "-inf", str(users), "-s", HOTLINE, "-m", "1",
         "-i", "127.0.0.1", "-p", str(free_port()), "-mp", str(free_port()), "-timeout", "30", "-nostdin",
         "-trace_err", "-error_file", str(tmp_path / "sipp-errors.log")],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    errors = (tmp_path / "sipp-errors.log").read_text() if (tmp_path / "sipp-errors.log").exists() else ""
    assert result.returncode == 0, f"SIPp failed ({result.returncode}):\n{errors[-2000:]}"

    def recorded() -> list:
        with hotline.db.session() as session:
            return list(session.scalars(select(Call).where(Call.caller_number == "2001", Call.status != "ivr")))
    [call] = wait_for(recorded, timeout=10)
    assert call.status == "abandoned" and call.hangup_by == "caller", "hung up in the IVR after 3 s"


def test_wrong_sip_password_is_refused(hotline: Hotline, tmp_path: Path) -> None:
    if shutil.which("sipp") is None:
        pytest.skip("SIPp not installed")
    add_agents(hotline.db, [AgentSpec("2001", {"general": 5}, device=None)])  # type: ignore[arg-type]
    hotline.service.start()
    wait_for(lambda: hotline.asterisk.ari_get("endpoints/PJSIP/agent2001"), timeout=15)
    users = tmp_path / "users.csv"
    users.write_text("SEQUENTIAL\nagent2001;[authentication username=agent2001 password=wrong]\n")
    result = subprocess.run(
        ["sipp", f"127.0.0.1:{hotline.asterisk.settings.asterisk.sip_port}", "-sf", str(SCENARIO), "-inf",
         str(users), "-s", HOTLINE, "-m", "1", "-i", "127.0.0.1", "-p", str(free_port()), "-mp", str(free_port()),
         "-timeout", "15", "-nostdin"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode != 0, "a wrong password must not register"
