"""Locked down by default: the rendered Asterisk configuration exposes nothing beyond loopback."""

from __future__ import annotations

import re
from pathlib import Path

from hotline.asterisk.instance import AsteriskInstance
from hotline.asterisk.location import AsteriskLocation
from hotline.secrets import generate
from hotline.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


def render(tmp_path: Path) -> Path:
    settings = load_settings(environ={"HOTLINE_STATE_DIR": str(tmp_path)})
    root = tmp_path / "root"  # a stand-in Asterisk root: only the module folder must exist
    (root / "usr/lib/asterisk/modules").mkdir(parents=True)
    instance = AsteriskInstance(settings, AsteriskLocation(root), generate())
    instance.render()
    return instance.host_base / "etc"


def test_ari_and_ami_listen_on_loopback_with_generated_credentials(tmp_path: Path) -> None:
    etc = render(tmp_path)
    assert "bindaddr = 127.0.0.1" in (etc / "http.conf").read_text()
    manager = (etc / "manager.conf").read_text()
    assert "bindaddr = 127.0.0.1" in manager and "permit = 127.0.0.1/255.255.255.255" in manager
    assert "live_dangerously = no" in (etc / "asterisk.conf").read_text()
    assert (etc / "ari.conf").stat().st_mode & 0o077 == 0, "credentials readable by others"
    other = AsteriskInstance(load_settings(environ={"HOTLINE_STATE_DIR": str(tmp_path / "b")}),
                             AsteriskLocation(None), generate())
    assert other.secrets.ari_password != generate().ari_password


def test_no_credentials_in_the_repository() -> None:
    for template in list((REPO / "config").glob("*.j2")) + list((REPO / "dialplan").glob("*.j2")):
        text = template.read_text()
        assert not re.search(r"^(password|secret)\s*=\s*[^{\s]", text, re.MULTILINE), template.name


def test_every_pattern_filters_what_it_passes_on(tmp_path: Path) -> None:
    dialplan = (render(tmp_path) / "hotline.conf").read_text()
    context = ""
    for line in dialplan.splitlines():
        if line.startswith("["):
            context = line
        match = re.match(r"exten => (_\S+?),1,(.*)", line)
        if match:
            assert "FILTER(" in match.group(2) or "Goto(hotline-agent-sim" in match.group(2), (context, line)
    assert "Stasis(" in dialplan
    entry = dialplan.split("[hotline-entry]")[1].split("\n[")[0]
    assert "_X" not in entry, "the context trunk calls land in matches only exact numbers"


def test_a_failed_lookup_goes_to_the_ivr_without_asking_for_an_account(tmp_path: Path) -> None:
    """HOTLINE_LOOKUP_STATUS=error (the database failed or hung past the FastAGI deadline): the account prompt
    would only be checked against the same database, so the caller goes straight to the IVR, which serves the
    call unrecorded if it must (ari_apps/ivr/flow.py)."""
    entry = (render(tmp_path) / "hotline.conf").read_text().split("[hotline-entry]")[1].split("\n[")[0]
    steps = [line for line in entry.splitlines() if line.startswith((" same", "exten"))]
    lookup = next(i for i, line in enumerate(steps) if "/identify_caller)" in line)
    account_prompt = next(i for i, line in enumerate(steps) if "Read(HOTLINE_ACCOUNT_INPUT" in line)
    on_error = [line for line in steps[lookup:account_prompt] if "HOTLINE_LOOKUP_STATUS" in line]
    assert on_error and on_error[0].endswith('= "error"]?stasis)'), steps[lookup:account_prompt]
