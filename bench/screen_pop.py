"""From the agent's channel joining the caller's bridge in Asterisk to the screen-pop rendered in the agent's
browser, both ends on one clock.

    python bench/screen_pop.py [--calls 50]

Starts its own Asterisk, database and service (console on a free loopback port), logs one agent in
through real Chromium, sets them ready, then places calls one after another. For each call:

- t0 = the `timestamp` Asterisk itself writes into the ChannelEnteredBridge event of the agent's channel
  joining the caller's bridge (Asterisk's wall clock, millisecond resolution), read from the event the
  bench's scripted caller receives: not the moment that event reaches the bench;
- t1 = the moment this bench process sees, through Playwright, the caller's name written into the
  screen-pop (`time.time()`, right after `wait_for_function`, which the page re-checks every animation frame).

Asterisk and this process run on the same machine: both are its one system wall clock (CLOCK_REALTIME), so
t1 - t0 needs no clock offset. It includes the ACD's screen-pop event, the console's WebSocket, the page's
rendering, and Playwright's detection (at most one animation frame plus one DevTools round trip).
Prints p50/p95 of t1 - t0 over the calls.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.call_setup import start_bench_asterisk  # noqa: E402
from bench.figures import percentile  # noqa: E402
from crm_core.db import Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models import AgentState  # noqa: E402
from hotline.asterisk.instance import AsteriskInstance  # noqa: E402
from hotline.scripted_call import CallObservation, CallScript, ScriptedCaller  # noqa: E402
from tests.support.browser import launch  # noqa: E402
from tests.support.hotline import AgentSpec, add_agents, add_investor  # noqa: E402

CALLER_NAME = "Li Wei"
POPPED = f"() => document.getElementById('caller-name').textContent === {CALLER_NAME!r}"


class TimedCaller(ScriptedCaller):
    """A scripted caller that also keeps Asterisk's own timestamp of the event that bridged it with an agent."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.bridged_at: dict[str, float] = {}  # caller's channel id -> epoch seconds, Asterisk's clock

    async def _on_bridge(self, observation: CallObservation, script: CallScript, event: dict[str, Any]) -> None:
        before = observation.agent_channel
        await super()._on_bridge(observation, script, event)
        if before is None and observation.agent_channel is not None:
            stamp = datetime.strptime(event["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z")
            self.bridged_at[observation.channel_id] = stamp.timestamp()


async def timed_call(instance: AsteriskInstance, script: CallScript) -> tuple[CallObservation, float | None]:
    caller = await TimedCaller.connect(instance.ari_url, instance.secrets.ari_user, instance.secrets.ari_password)
    assert isinstance(caller, TimedCaller)
    try:
        observation = await caller.call(script)
    finally:
        await caller.close()
    return observation, caller.bridged_at.get(observation.channel_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    settings, instance, service = start_bench_asterisk("benchpop", rtp_start=31000)
    console_port = settings.console.port
    spans: list[float] = []
    try:
        upgrade(settings.database_url)
        db = Database(settings.database_url)
        add_investor(db, "100000002", CALLER_NAME, "13800000002")
        add_agents(db, [AgentSpec("4001", {"trading": 5}, state=AgentState.LOGGED_OUT)])
        db.dispose()
        service.start()
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{console_port}/login")
            page.get_by_test_id("job-number").fill("4001")
            page.get_by_test_id("password").fill("pw-4001")
            page.get_by_test_id("login-button").click()
            page.wait_for_url("**/agent")
            for number in range(1, args.calls + 1):
                began = time.monotonic()
                page.get_by_test_id("ready-button").click()
                page.wait_for_function("() => document.getElementById('agent-state').textContent === 'ready'")
                page.evaluate("() => { document.getElementById('caller-name').textContent = ''; }")
                script = CallScript(settings.asterisk.hotline_number, "13800000002", ["1"], talk_seconds=0.3,
                                    timeout=60)
                # Playwright's sync API owns this thread's event loop: the caller runs in another thread while
                # this one watches the page.
                with ThreadPoolExecutor(1) as pool:
                    call = pool.submit(asyncio.run, timed_call(instance, script))
                    try:
                        page.wait_for_function(POPPED, polling="raf", timeout=60_000)
                        seen: float | None = time.time()
                    except PlaywrightTimeout:
                        seen = None
                    obs, bridged = call.result()
                if seen is not None and bridged is not None:
                    spans.append((seen - bridged) * 1000)
                    print(f"call {number}: screen-pop seen {spans[-1]:.0f} ms after Asterisk bridged the agent's "
                          f"channel ({time.monotonic() - began:.1f} s for the call)", flush=True)
                else:
                    print(f"call {number}: no screen-pop measured (prompts heard: {obs.prompts}, "
                          f"agent: {obs.agent_channel}, pop seen: {seen is not None})", flush=True)
            browser.close()
    finally:
        service.stop()
        instance.discard()
    if not spans:
        raise SystemExit("no screen-pop was measured")
    print(f"{len(spans)}/{args.calls} screen-pops measured: p50 {percentile(spans, 0.5):.0f} ms, "
          f"p95 {percentile(spans, 0.95):.0f} ms, max {max(spans):.0f} ms "
          "(Asterisk's timestamp of the agent's channel entering the caller's bridge -> this process sees the "
          "caller's name in Chromium's screen-pop; one wall clock)")


if __name__ == "__main__":
    main()
