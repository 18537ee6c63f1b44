"""`hotline call --json`, the newcomer's tool, against a running service: a trace ending bridged to an agent."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from hotline.asterisk.instance import AsteriskInstance
from hotline.scripted_call import ScriptedCaller
from tests.integration.conftest import Hotline
from tests.support.hotline import AgentSpec, add_agents, add_investor

REQUIRED_KEYS = {"call_id", "caller", "customer", "prompts", "route", "agent", "talk_seconds", "hangup_by"}


def test_hotline_call_json_trace(hotline: Hotline) -> None:
    add_investor(hotline.db, "100000002", "Li Wei", "13800000002")
    add_agents(hotline.db, [AgentSpec("2003", {"account": 8})])
    hotline.service.start()

    result = subprocess.run([sys.executable, "-m", "hotline", "call", "--json", "--from", "13800000002",
                             "--dtmf", "2", "--talk", "1"], env=hotline.service.env, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    trace = json.loads(result.stdout)
    assert set(trace) >= REQUIRED_KEYS
    assert trace["customer"]["name"] == "Li Wei" and trace["caller"] == "13800000002"
    assert trace["agent"]["job_number"] == "2003" and trace["talk_seconds"] >= 1
    assert [step["event"] for step in trace["route"]][-2:] == ["offered", "answered"]
    assert trace["hangup_by"] == "caller" and "zh/main_menu" in trace["prompts"]


def test_hotline_call_with_bad_arguments_fails_clearly(hotline: Hotline) -> None:
    result = subprocess.run([sys.executable, "-m", "hotline", "call", "--talk", "soon"], env=hotline.service.env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "invalid float value" in result.stderr


def test_the_scripted_caller_sees_every_channel_but_no_device_state(asterisk: AsteriskInstance) -> None:
    """subscribeAll would add every device state, and closing such an app can deadlock Asterisk 22's ARI
    (asterisk/asterisk#2170): the caller subscribes to channels and bridges only, and after it closes
    the applications list still answers."""

    async def subscriptions() -> dict[str, object]:
        caller = await ScriptedCaller.connect(asterisk.ari_url, asterisk.secrets.ari_user,
                                              asterisk.secrets.ari_password)
        try:
            found = asterisk.ari_get(f"applications/{caller.app}")
        finally:
            await caller.close()
        assert isinstance(found, dict), found
        return found

    app = asyncio.run(subscriptions())
    assert app["device_names"] == [] and app["endpoint_ids"] == []
    assert app["channel_ids"] == ["__AST_CHANNEL_ALL_TOPIC"] and app["bridge_ids"] == ["__AST_BRIDGE_ALL_TOPIC"]
    remaining = asterisk.ari_get("applications")  # None if ARI no longer answers it (the deadlock)
    assert isinstance(remaining, list) and app["name"] not in {a["name"] for a in remaining}
