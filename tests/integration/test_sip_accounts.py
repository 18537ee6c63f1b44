"""Agents' SIP accounts come from the database; a real SIP phone (SIPp) registers and dials the hotline."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm_core.models import Call, CallDetailRecord
from tests.integration.conftest import Hotline
from tests.support.hotline import HOTLINE, AgentSpec, add_agents, channels_left, wait_for
from tests.support.ports import free_port

SCENARIOS = Path(__file__).parent / "sipp"

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp (Debian sip-tester) not installed")


def agent_2001_account(hotline: Hotline) -> None:
    """Agent 2001's SIP account (password sip-2001), pushed to Asterisk by the service."""
    add_agents(hotline.db, [AgentSpec("2001", {"general": 5}, device=None)])  # type: ignore[arg-type]
    hotline.service.start()
    assert wait_for(lambda: hotline.asterisk.ari_get("endpoints/PJSIP/agent2001"), timeout=15), \
        "the agent's endpoint was pushed to Asterisk"


def run_sipp(hotline: Hotline, tmp_path: Path, scenario: str, password: str) -> int:
    """Run the scenario as agent 2001 with `password`; it must complete. Returns SIPp's SIP port."""
    sip_port = free_port()
    users = tmp_path / "users.csv"
    users.write_text(f"SEQUENTIAL\nagent2001;[authentication username=agent2001 password={password}]\n")
    errors = tmp_path / "sipp-errors.log"
    result = subprocess.run(
        ["sipp", f"127.0.0.1:{hotline.asterisk.settings.asterisk.sip_port}", "-sf", str(SCENARIOS / scenario),
         "-inf", str(users), "-s", HOTLINE, "-m", "1", "-i", "127.0.0.1", "-p", str(sip_port),
         "-mp", str(free_port()), "-timeout", "30", "-nostdin", "-trace_err", "-error_file", str(errors)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, \
        f"SIPp's {scenario} failed ({result.returncode}):\n{errors.read_text()[-2000:] if errors.exists() else ''}"
    return sip_port


def contacts(hotline: Hotline) -> list[str]:
    """The contacts Asterisk has registered for agent 2001 (`sip:agent2001@127.0.0.1:PORT`). Registrations are
    kept in the instance's astdb, so an earlier test's may still be listed after Asterisk restarted."""
    endpoint = hotline.asterisk.ari_get("endpoints/PJSIP/agent2001")
    assert isinstance(endpoint, dict), f"ARI did not answer for the endpoint: {endpoint!r}"
    output = hotline.asterisk.cli("pjsip show aor agent2001")
    assert "agent2001" in output, f"Asterisk's CLI did not answer: {output!r}"
    return [line.split()[1].split("/", 1)[1] for line in output.splitlines()
            if line.strip().startswith("Contact:") and "agent2001/sip:" in line]


def messages_log(hotline: Hotline) -> Path:
    return hotline.asterisk.host_base / "log" / "messages.log"


def test_agent_account_from_the_database_registers_and_dials_the_hotline(hotline: Hotline, tmp_path: Path) -> None:
    agent_2001_account(hotline)
    port = run_sipp(hotline, tmp_path, "register_and_call.xml", "sip-2001")
    assert f"sip:agent2001@127.0.0.1:{port}" in contacts(hotline), "the registration is Asterisk's contact"

    def recorded() -> list[Call]:
        with hotline.db.session() as session:
            return list(session.scalars(select(Call).where(Call.caller_number == "2001", Call.status != "ivr")))
    [call] = wait_for(recorded, timeout=10)
    assert call.status == "abandoned" and call.hangup_by == "caller", "hung up in the IVR after 3 s"


def test_wrong_sip_password_is_refused(hotline: Hotline, tmp_path: Path) -> None:
    agent_2001_account(hotline)
    log = messages_log(hotline)
    seen = log.stat().st_size if log.exists() else 0

    # The scenario completes only if Asterisk answers the REGISTER and then the INVITE, each sent with the
    # wrong password's digest, with 401 again (see register_refused.xml): exit 0 means both were refused.
    port = run_sipp(hotline, tmp_path, "register_refused.xml", "wrong")

    # Refused by the digest check of an endpoint that exists, not for want of an endpoint (an unknown user
    # is challenged all the same, and then refused as "No matching endpoint found").
    with log.open() as f:
        f.seek(seen)
        refusals = [line for line in f if "<sip:agent2001@" in line and f"failed for '127.0.0.1:{port}'" in line]
    assert any("'REGISTER'" in r and "Failed to authenticate" in r for r in refusals), refusals
    assert any("'INVITE'" in r and "Failed to authenticate" in r for r in refusals), refusals
    assert all("Failed to authenticate" in r for r in refusals), refusals
    assert not [c for c in contacts(hotline) if c.endswith(f":{port}")], "no contact was registered"
    # The INVITE was refused before any channel existed: nothing in Asterisk, nothing recorded.
    assert channels_left(hotline.asterisk) == []
    with hotline.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 0
        assert session.scalar(select(func.count()).select_from(CallDetailRecord)) == 0
