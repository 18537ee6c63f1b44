"""From the agent's phone answering in Asterisk to the screen-pop rendered in the agent's browser.

    python bench/screen_pop.py [--calls 50]

Starts its own Asterisk, database and service (console on a free loopback port), logs one agent in
through real Chromium, sets them ready, then places calls one after another. For each call:
t0 = the scripted caller sees the agent's channel join the call's bridge (wall clock), t1 = a
MutationObserver in the page sees the caller's name written into the screen-pop (wall clock).
Prints p50/p95 of t1 - t0 over the calls.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.call_setup import percentile, start_bench_asterisk  # noqa: E402
from crm_core.db import Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from crm_core.models import AgentState  # noqa: E402
from hotline.scripted_call import CallScript  # noqa: E402
from tests.support.browser import launch  # noqa: E402
from tests.support.hotline import (  # noqa: E402
    AgentSpec,
    add_agents,
    add_investor,
    place_calls,
)

WATCH = """() => {
  window.__pops = [];
  new MutationObserver(() => {
    const name = document.getElementById('caller-name').textContent;
    if (name) { window.__pops.push({name: name, at: performance.timeOrigin + performance.now()}); }
  }).observe(document.getElementById('caller-name'), {childList: true, characterData: true, subtree: true});
}"""


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
        add_investor(db, "100000002", "Li Wei", "13800000002")
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
            page.evaluate(WATCH)
            for number in range(1, args.calls + 1):
                began = time.monotonic()
                page.get_by_test_id("ready-button").click()
                page.wait_for_function("() => document.getElementById('agent-state').textContent === 'ready'")
                page.evaluate("() => { window.__pops = []; document.getElementById('caller-name').textContent = ''; }")
                script = CallScript(settings.asterisk.hotline_number, "13800000002", ["1"], talk_seconds=0.3,
                                    timeout=60)
                # Playwright's sync API owns this thread's event loop: the caller runs in another thread.
                with ThreadPoolExecutor(1) as pool:
                    [obs] = pool.submit(asyncio.run, place_calls(instance, [(0, script)])).result()
                pops = page.evaluate("() => window.__pops")
                if obs.agent_reached_epoch and pops:
                    spans.append(pops[0]["at"] - obs.agent_reached_epoch * 1000)
                    print(f"call {number}: screen-pop {spans[-1]:.0f} ms after the agent's channel was bridged "
                          f"({time.monotonic() - began:.1f} s for the call)", flush=True)
                else:
                    print(f"call {number}: no screen-pop measured (prompts heard: {obs.prompts}, "
                          f"agent: {obs.agent_channel})", flush=True)
            browser.close()
    finally:
        service.stop()
        instance.discard()
    if not spans:
        raise SystemExit("no screen-pop was measured")
    print(f"{len(spans)}/{args.calls} screen-pops measured: p50 {percentile(spans, 0.5):.0f} ms, "
          f"p95 {percentile(spans, 0.95):.0f} ms, max {max(spans):.0f} ms "
          "(agent's channel bridged in Asterisk -> caller's name rendered in Chromium)")


if __name__ == "__main__":
    main()
