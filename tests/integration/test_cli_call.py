"""`hotline call --json`, the newcomer's tool, against a running service: a trace ending bridged to an agent."""

from __future__ import annotations

import json
import subprocess
import sys

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
