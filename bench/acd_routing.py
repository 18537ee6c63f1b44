"""Routing decisions per second and decision time: the indexed router against a naive scan.

    python bench/acd_routing.py [--agents 1000] [--calls 500] [--skills 50] [--decisions 20000] [--assigned 0.3]

Workload, kept stationary: half the agents are free; 500 calls wait. Each decision is either a new
call looking for the best free agent, or an agent becoming free looking for the best waiting call
(half each). The naive baseline answers the same questions by scanning every agent or every call.
Each size runs twice: skill only, and with assignments (relationship routing): a share of the calls
(`--assigned`) come from investors with an assigned agent, half of them held for that agent (waiting for
them while busy), half past the hold (by skill, their agent still first). The same run repeats at 10,000
agents. Both routers must give the same answer to every question: if they differ once, the figures compare
different work and the run fails (exit status 1), after printing them.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ari_apps.acd.routing import RoutableAgent, Router, WaitingCall  # noqa: E402
from bench.figures import percentile  # noqa: E402

HELD_UNTIL = 1e9  # held for the assigned agent for the whole run (the routers are asked at time 0)

LANGUAGES = [("zh",), ("en",), ("zh", "en")]


def make_agents(n: int, skills: int, rng: random.Random) -> list[RoutableAgent]:
    agents = []
    for i in range(n):
        chosen = rng.sample(range(skills), rng.randint(1, 4))
        agents.append(RoutableAgent(i, {f"s{s}": rng.randint(1, 10) for s in chosen},
                                    frozenset(rng.choice(LANGUAGES)), rng.uniform(0, 1000)))
    return agents


def make_call(i: int, skills: int, rng: random.Random, *, n_agents: int = 0, assigned: float = 0.0) -> WaitingCall:
    call = WaitingCall(f"c{i}", f"s{rng.randrange(skills)}", rng.choice(["zh", "zh", "en"]),
                       10 if rng.random() < 0.1 else 0, rng.uniform(0, 100))
    if rng.random() < assigned:
        call.preferred = rng.randrange(n_agents)
        call.hold_until = HELD_UNTIL if rng.random() < 0.5 else 0.0
    return call


def copy(call: WaitingCall) -> WaitingCall:
    return WaitingCall(call.id, call.skill, call.language, call.priority, call.entered_at, preferred=call.preferred,
                       hold_until=call.hold_until)


def held(call: WaitingCall) -> bool:
    return call.preferred is not None and call.hold_until > 0


class NaiveRouter:
    """The baseline: no index, every decision scans everything (the same rules: an assigned agent first, a call
    held for its agent taken by no one else)."""

    def __init__(self) -> None:
        self.free: dict[int, RoutableAgent] = {}
        self.calls: dict[str, WaitingCall] = {}

    def best_agent_for(self, call: WaitingCall) -> int | None:
        if call.preferred is not None and call.preferred in self.free:
            return call.preferred
        if held(call):
            return None
        best = None
        for agent in self.free.values():
            level = agent.skills.get(call.skill)
            if level and call.language in agent.languages:
                key = (-level, agent.idle_since, agent.id)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def best_call_for(self, agent: RoutableAgent) -> str | None:
        own = [call for call in self.calls.values() if call.preferred == agent.id]
        if own:
            return min(own, key=lambda call: call.order).id
        best = None
        for call in self.calls.values():
            if held(call):
                continue
            if call.skill in agent.skills and call.language in agent.languages and (best is None or
                                                                                     call.order < best.order):
                best = call
        return best.id if best else None


Figures = tuple[float, float, float]  # decisions per second, p50 us, p99 us


def run(n_agents: int, n_calls: int, skills: int, decisions: int, assigned: float = 0.0,
        seed: int = 7) -> tuple[dict[str, Figures], int]:
    """Figures per router, and how many decisions differ between them."""
    rng = random.Random(seed)
    agents = make_agents(n_agents, skills, rng)
    router = Router(overflow_skill="general", overflow_after=1e9, any_agent_after=1e9)
    naive = NaiveRouter()
    for agent in agents[: n_agents // 2]:
        router.agent_free(agent)
        naive.free[agent.id] = agent
    for i in range(n_calls):
        call = make_call(i, skills, rng, n_agents=n_agents, assigned=assigned)
        naive.calls[call.id] = copy(call)
        router.call_waiting(call, now=0)
    busy = agents[n_agents // 2:]
    plan = [(rng.random() < 0.5, rng.randrange(10**9)) for _ in range(decisions)]

    def indexed(is_call: bool, r: int) -> object:
        if is_call:
            call = make_call(n_calls + r, skills, random.Random(r), n_agents=n_agents, assigned=assigned)
            router.call_waiting(call, now=0)
            decision = router.best_agent_for(call)
            router.call_done(call.id)
            return decision.agent_id if decision else None
        agent = busy[r % len(busy)]
        router.agent_free(agent)
        decision = router.best_call_for(agent.id)
        router.agent_gone(agent.id)
        return decision.call_id if decision else None

    def scanned(is_call: bool, r: int) -> object:
        if is_call:
            return naive.best_agent_for(make_call(n_calls + r, skills, random.Random(r), n_agents=n_agents,
                                                  assigned=assigned))
        agent = busy[r % len(busy)]
        naive.free[agent.id] = agent
        found = naive.best_call_for(agent)
        del naive.free[agent.id]
        return found

    results = {}
    answers: dict[str, list[object]] = {}
    for name, decide in (("indexed", indexed), ("naive scan", scanned)):
        results[name], answers[name] = measure(decide, plan)
    mismatches = sum(a != b for a, b in zip(answers["indexed"], answers["naive scan"], strict=True))
    return results, mismatches


def measure(decide: Callable[[bool, int], object], plan: list[tuple[bool, int]]) -> tuple[Figures, list[object]]:
    times, answers = [], []
    started = time.perf_counter()
    for is_call, r in plan:
        t0 = time.perf_counter()
        answers.append(decide(is_call, r))
        times.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    return (len(plan) / elapsed, percentile(times, 0.5) * 1e6, percentile(times, 0.99) * 1e6), answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--skills", type=int, default=50)
    parser.add_argument("--decisions", type=int, default=20000)
    parser.add_argument("--assigned", type=float, default=0.3, help="share of calls with an assigned agent")
    args = parser.parse_args()
    failures = []
    for n_agents in (args.agents, 10_000):
        for label, assigned in (("skill only", 0.0), (f"{args.assigned:.0%} with an assigned agent", args.assigned)):
            print(f"{n_agents} agents, {args.calls} waiting calls, {args.skills} skills, {args.decisions} decisions,"
                  f" {label}")
            results, mismatches = run(n_agents, args.calls, args.skills, args.decisions, assigned)
            for name, (per_second, p50, p99) in results.items():
                print(f"  {name:11s} {per_second:10.0f} decisions/s   p50 {p50:8.1f} us   p99 {p99:8.1f} us")
            print(f"  answers: {args.decisions - mismatches}/{args.decisions} the same in both routers")
            if mismatches:
                failures.append(f"{mismatches} of {args.decisions} decisions differ at {n_agents} agents ({label})")
    if failures:
        raise SystemExit("FAILED: the indexed router and the naive scan disagree: " + "; ".join(failures))


if __name__ == "__main__":
    main()
