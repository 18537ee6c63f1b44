"""Scripted calls through the real Asterisk: calls per second and time to reach an agent.

    python bench/call_setup.py [--calls 40] [--agents 20] [--concurrency 10]

Starts its own Asterisk instance (free ports), a fresh SQLite database, the service, and N agents
whose phones answer after one second of ringing. Each caller is a known investor (no account prompt)
who presses 1 at the main menu and talks for half a second. Figures:

- calls bridged with an agent per second over the run (calls that reached no agent are not counted);
- p50/p95 from the call entering Stasis (the IVR) to being bridged with an agent (includes the greeting);
- p50/p95 from the IVR handing the call to the ACD to being bridged (the routing + ringing part). The ACD
  has no rate of its own here: every call went through the IVR first, so the run's rate is the IVR's too.

Baseline, same run: the same number of calls through a plain dialplan `Queue()` (app_queue) with the
same number of self-answering members (`--agents`: the config's members beyond it are paused, more are
added; `queue show` is checked before the run), timed from entering Queue() to being bridged.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.figures import percentile  # noqa: E402
from crm_core.db import Database  # noqa: E402
from crm_core.migrate import upgrade  # noqa: E402
from hotline.asterisk.instance import AsteriskInstance  # noqa: E402
from hotline.scripted_call import CallObservation, CallScript, ScriptedCaller  # noqa: E402
from hotline.settings import Settings, load_settings  # noqa: E402
from hotline.wiring import asterisk_instance  # noqa: E402
from tests.support.hotline import AgentSpec, ServiceProcess, add_agents, add_investor, isolated_env  # noqa: E402


async def push(instance, scripts: list[CallScript], concurrency: int) -> tuple[list[CallObservation], float]:  # type: ignore[no-untyped-def]
    caller = await ScriptedCaller.connect(instance.ari_url, instance.secrets.ari_user, instance.secrets.ari_password)
    gate = asyncio.Semaphore(concurrency)

    async def one(script: CallScript) -> CallObservation:
        async with gate:
            return await caller.call(script)

    started = time.monotonic()
    try:
        observations = await asyncio.gather(*(one(s) for s in scripts))
    finally:
        await caller.close()
    return list(observations), time.monotonic() - started


def start_bench_asterisk(name: str, *, rtp_start: int, **env: str) -> tuple[Settings, AsteriskInstance,
                                                                            ServiceProcess]:
    """A fresh state folder, settings from it (plus `env`), a started Asterisk and a service not yet started."""
    state = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    os.environ.update(isolated_env(state, f"{name}-{os.getpid()}", rtp_start=rtp_start))
    os.environ.update(env)
    settings = load_settings()
    instance = asterisk_instance(settings)
    instance.start()
    return settings, instance, ServiceProcess(dict(os.environ), instance, state / "service.log")


BASELINE_QUEUE = "hotline-baseline"


def baseline_members(instance: AsteriskInstance) -> tuple[list[str], list[str]]:
    """The baseline queue's members as app_queue lists them: (available, paused)."""
    output = instance.cli(f"queue show {BASELINE_QUEUE}")
    members = [line.split()[0] for line in output.splitlines() if "@hotline-baseline-agents" in line]
    paused = [line.split()[0] for line in output.splitlines()
              if "@hotline-baseline-agents" in line and "(paused" in line]
    return [m for m in members if m not in paused], paused


def set_baseline_members(instance: AsteriskInstance, count: int) -> None:
    """Make the baseline queue ring exactly `count` self-answering members, like the hotline's `count` agents.
    The config's members are static (they cannot be removed): the ones beyond `count` are paused."""
    available, paused = baseline_members(instance)
    for n, member in enumerate(sorted(available + paused)):
        if n >= count and member in available:
            instance.cli(f"queue pause member {member} queue {BASELINE_QUEUE} reason bench")
        elif n < count and member in paused:
            instance.cli(f"queue unpause member {member} queue {BASELINE_QUEUE}")
    for n in range(len(available) + len(paused), count):  # the config's members are Local/100.. onwards
        instance.cli(f"queue add member Local/{100 + n}@hotline-baseline-agents/n to {BASELINE_QUEUE}")
    available, paused = baseline_members(instance)
    if len(available) != count:
        raise SystemExit(f"the baseline queue has {len(available)} available members, not {count} "
                         f"({len(paused)} paused)")


def report(name: str, observations: list[CallObservation], elapsed: float | None, start_field: str) -> None:
    """One line: calls bridged with an agent, their rate over `elapsed` (None: no rate of its own), and the
    time from `start_field` to being bridged."""
    reached = [o for o in observations if o.agent_reached_at is not None]
    spans = [(o.agent_reached_at - getattr(o, start_field)) * 1000 for o in reached  # type: ignore[operator]
             if getattr(o, start_field) is not None]
    rate = f"{len(reached) / elapsed:.2f} bridged calls/s over {elapsed:.1f} s, " if elapsed else ""
    print(f"  {name}: {len(reached)}/{len(observations)} bridged, {rate}"
          f"p50 {percentile(spans, 0.5):.0f} ms, p95 {percentile(spans, 0.95):.0f} ms "
          f"(from {start_field.replace('_at', '')} to bridged, {len(spans)} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()

    settings, instance, service = start_bench_asterisk("bench", rtp_start=30000)
    try:
        upgrade(settings.database_url)
        db = Database(settings.database_url)
        add_investor(db, "100000002", "Bench Caller", "13800000002")
        add_agents(db, [AgentSpec(str(3000 + i), {"trading": 5}) for i in range(args.agents)])
        db.dispose()
        service.start()
        number = settings.asterisk.hotline_number
        print(f"{args.calls} calls, {args.agents} self-answering agents, {args.concurrency} at a time")
        scripts = [CallScript(number, "13800000002", ["1"], talk_seconds=0.5, timeout=60) for _ in range(args.calls)]
        observations, elapsed = asyncio.run(push(instance, scripts, args.concurrency))
        report("hotline (IVR + ACD)", observations, elapsed, "stasis_at")
        report("hotline ACD only   ", observations, None, "queued_at")
        set_baseline_members(instance, args.agents)
        baseline = [CallScript(number, "13800000002", [], talk_seconds=0.5, timeout=60,
                               context="hotline-baseline-scripted") for _ in range(args.calls)]
        observations, elapsed = asyncio.run(push(instance, baseline, args.concurrency))
        report("baseline Queue()   ", observations, elapsed, "queued_at")
    finally:
        service.stop()
        instance.discard()


if __name__ == "__main__":
    main()
