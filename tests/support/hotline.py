"""Test harness around the real pieces: an Asterisk instance, the service in a process of its own, callers."""

from __future__ import annotations

import asyncio
import base64
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crm_core import agents as agent_service
from crm_core.db import Database
from crm_core.models import AgentState, Call, Investor, InvestorPhone
from crm_core.seed import seed_reference_data
from crm_core.trading import calendar
from crm_core.trading.demo import seed_demo_trading
from hotline.asterisk.instance import AsteriskInstance
from hotline.scripted_call import CallObservation, CallScript, ScriptedCaller

ANSWERS = "Local/answer@hotline-agent-sim/n"
NEVER_ANSWERS = "Local/noanswer@hotline-agent-sim/n"
BUSY = "Local/busy@hotline-agent-sim/n"
HOTLINE = "95500"


@dataclass
class AgentSpec:
    job_number: str
    skills: dict[str, int]
    languages: tuple[str, ...] = ("zh",)
    device: str = ANSWERS
    state: AgentState = AgentState.READY
    role: str = "agent"


def add_investor(db: Database, account: str, name: str, phone: str, *, vip: bool = False,
                 language: str = "zh") -> int:
    with db.session() as session:
        investor = Investor(account_number=account, name=name, investor_class="ordinary", risk_class="C3",
                            language=language, vip=vip)
        session.add(investor)
        session.flush()
        session.add(InvestorPhone(investor_id=investor.id, number=phone))
        return investor.id


def add_portal_client(db: Database, account: str, name: str, phone: str, password: str) -> int:
    """An investor with a trading account (the reference data, 10,000.00 yuan, no holdings) who can log in to the
    portal with `account` and `password`."""
    investor_id = add_investor(db, account, name, phone)
    with db.session() as session:
        seed_reference_data(session)
        seed_demo_trading(session, investor_id, cash_cents=1_000_000, password=password, bank_password="9999",
                          positions={})
    return investor_id


def add_agents(db: Database, specs: Iterable[AgentSpec]) -> dict[str, int]:
    ids = {}
    with db.session() as session:
        for spec in specs:
            agent = agent_service.create_agent(
                session, job_number=spec.job_number, name=f"Agent {spec.job_number}", password="pw-" + spec.job_number,
                sip_password="sip-" + spec.job_number, languages=list(spec.languages), skills=spec.skills,
                device=spec.device, role=spec.role)
            agent_service.set_state(session, agent.id, spec.state)
            ids[spec.job_number] = agent.id
    return ids


def set_agent_state(db: Database, agent_id: int, state: AgentState) -> None:
    with db.session() as session:
        agent_service.set_state(session, agent_id, state)


# The services of the tests are forked from a process that imported the service once (multiprocessing's
# forkserver, one per test process, started at the first service): a start costs about 1.1 s of CPU instead of 2.5 s,
# of which 1.9 s was importing the same modules again, some 140 times a run on a machine the whole suite keeps
# busy. What runs is `hotline serve` itself (`hotline.cli.main(["serve"])` in a process of its own, with the
# test's environment, working folder and log); the start of a new interpreter that `hotline serve` and `hotline up`
# also take is run for real by the command-line tests (tests/integration/test_front_door.py, and the README's
# commands in tests/unit/cli, whose other commands are forked the same way: tests/support/cli.py).
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["hotline.cli", "hotline.service", "holidays.countries"])  # calendars load the last


def _main_in_fork(argv: list[str], env: dict[str, str], stdout: str, stderr: str, cwd: str) -> None:
    """In the forked process: standard output and error to their files, nothing as its input, then `hotline`."""
    for fd, path in ((1, stdout), (2, stderr)):
        opened = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.dup2(opened, fd)
        os.close(opened)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    from hotline.cli import main

    sys.exit(main(argv))


class ForkedHotline:
    """A forked `hotline ARGV...`, with the part of subprocess.Popen's interface the tests use."""

    def __init__(self, argv: list[str], env: dict[str, str], stdout: Path, stderr: Path | None = None,
                 cwd: Path | None = None) -> None:
        self.argv = argv
        self._process = _FORKS.Process(target=_main_in_fork, name="hotline " + " ".join(argv)[:40], args=(
            argv, env, str(stdout), str(stderr or stdout), str(cwd or os.getcwd())))
        self._process.start()
        assert self._process.pid is not None
        self.pid: int = self._process.pid

    @property
    def returncode(self) -> int | None:
        """As Popen's: the exit status, minus the signal's number if a signal ended it; None while it runs."""
        return self._process.exitcode

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(["hotline", *self.argv], timeout or 0)
        return self._process.exitcode

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ServiceProcess:
    """`hotline serve` in a process of its own (ForkedHotline), with the test's settings in its environment."""

    def __init__(self, env: dict[str, str], instance: AsteriskInstance, log: Path) -> None:
        self.env = env
        self.instance = instance
        self.log = log
        self.process: ForkedHotline | None = None

    def start(self, **overrides: str) -> None:
        """Start the service; `overrides` are settings variables (HOTLINE_...) for this and later starts."""
        self.env.update(overrides)
        self.process = ForkedHotline(["serve"], self.env, self.log)
        # 60 s: under make test's load (nine groups on two cores) a start once took 30 s to import and connect
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if {"hotline-ivr", "hotline-acd"} <= self.instance.registered_apps():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"service exited early:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"service did not connect:\n{self.log.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def queued_from(db: Database, number: str) -> Callable[[], bool]:
    """A condition for `place_calls`: a call from `number` has reached the queue."""
    def the_call_before_has_queued() -> bool:
        with db.session() as session:
            return session.scalars(select(Call.id).where(Call.caller_number == number,
                                                         Call.queued_at.is_not(None))).first() is not None
    return the_call_before_has_queued


async def place_calls(instance: AsteriskInstance,
                      scripts: list[tuple[float | Callable[[], object], CallScript]]) -> list[CallObservation]:
    """Place calls concurrently on one connection, each after its delay in seconds or once its condition holds
    (a function polled in a thread, for example "the call before it has queued": on a loaded machine a fixed
    delay does not keep calls in order)."""
    caller = await ScriptedCaller.connect(instance.ari_url, instance.secrets.ari_user, instance.secrets.ari_password)

    async def delayed(start: float | Callable[[], object], script: CallScript) -> CallObservation:
        if callable(start):
            deadline = time.monotonic() + 60
            while not await asyncio.to_thread(start):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the call from {script.caller} was to start once {start.__name__}")
                await asyncio.sleep(0.1)
        else:
            await asyncio.sleep(start)
        return await caller.call(script)

    try:
        return list(await asyncio.gather(*(delayed(d, s) for d, s in scripts)))
    finally:
        await caller.close()


class AriNotAnswering(RuntimeError):
    """ARI did not answer a request a check depends on: the check cannot say anything, so it must fail."""


def ari_request(instance: AsteriskInstance, method: str, path: str) -> urllib.request.Request:
    """A request to the instance's ARI (`path` below /ari/), with its credentials."""
    request = urllib.request.Request(instance.ari_url + "ari/" + path, method=method)
    token = base64.b64encode(f"{instance.secrets.ari_user}:{instance.secrets.ari_password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    return request


def ari_list(instance: AsteriskInstance, path: str) -> list[dict[str, Any]]:
    """GET a list from ARI (`channels`, `bridges`, ...). Raises AriNotAnswering when ARI does not answer, answers
    an error or answers something other than a list: unlike `AsteriskInstance.ari_get` (None on failure, for
    polling whether Asterisk is up), an empty list here always means Asterisk said so."""
    what = f"ARI at {instance.ari_url} (GET /ari/{path})"
    try:
        with urllib.request.urlopen(ari_request(instance, "GET", path), timeout=10) as response:
            found = json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise AriNotAnswering(f"{what} answered HTTP {error.code}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise AriNotAnswering(f"{what} did not answer: {error}") from error
    if not isinstance(found, list):
        raise AriNotAnswering(f"{what} answered {found!r}, not a list")
    return found


def channels_left(instance: AsteriskInstance) -> list[str]:
    """Names of the channels Asterisk holds; raises AriNotAnswering if ARI does not answer."""
    return [c["name"] for c in ari_list(instance, "channels")]


def practice_market(room_seconds: float = 300) -> dict[str, str]:
    """The service's settings of the practice market (open at every hour, matching every 0.3 s), given once its
    trading day has `room_seconds` left. Its day ends at Shanghai midnight (16:00 UTC), and an order still open
    then expires: a clean run that placed an order at 15:59 heard "not cancellable" when it cancelled it at 16:00.
    So a test that starts less than that before the close waits for the next day (a few minutes, once a day)."""
    now = datetime.now(UTC)
    left = (calendar.ALWAYS_OPEN.close_of(calendar.trade_date(now)) - now).total_seconds()
    if left < room_seconds:
        time.sleep(left + 1)
    return {"HOTLINE_TRADING_ALWAYS_OPEN": "true", "HOTLINE_TRADING_MATCH_EVERY_SECONDS": "0.3"}


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def service_env(base: dict[str, str], database_url: str, **overrides: str) -> dict[str, str]:
    """The service's settings for one test. Its own web ports are fresh for each test: a port chosen once for a
    whole Asterisk instance's tests (as Asterisk's own must be) is free only when chosen, and once another process
    of the run took it (an outgoing connection's ephemeral port), every later test's service failed to start."""
    from tests.support.ports import free_port

    env = {**os.environ, **base, "HOTLINE_DATABASE_URL": database_url,
           "HOTLINE_CONSOLE_PORT": str(free_port()), "HOTLINE_PORTAL_PORT": str(free_port())}
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def isolated_env(state: Path, instance: str, rtp_start: int, rtp_span: int = 1000) -> dict[str, str]:
    """Settings for an Asterisk + service of its own (tests, benchmarks): free loopback ports, SQLite in `state`."""
    from tests.support.ports import free_port

    return {
        "HOTLINE_STATE_DIR": str(state), "HOTLINE_ASTERISK_INSTANCE": instance,
        "HOTLINE_ASTERISK_ARI_PORT": str(free_port()), "HOTLINE_ASTERISK_AMI_PORT": str(free_port()),
        "HOTLINE_ASTERISK_AGI_PORT": str(free_port()), "HOTLINE_ASTERISK_SIP_PORT": str(free_port()),
        "HOTLINE_ASTERISK_SIP_BIND": "127.0.0.1", "HOTLINE_ASTERISK_RTP_START": str(rtp_start),
        "HOTLINE_ASTERISK_RTP_END": str(rtp_start + rtp_span - 1), "HOTLINE_ACD_WRAP_UP_SECONDS": "0",
        "HOTLINE_ACD_AGENT_REFRESH_SECONDS": "0.5", "HOTLINE_SERVICE_LOG_LEVEL": "WARNING",
        "HOTLINE_DATABASE_URL": f"sqlite:///{state / 'bench.db'}", "HOTLINE_CONSOLE_BIND": "127.0.0.1",
        "HOTLINE_CONSOLE_PORT": str(free_port()), "HOTLINE_PORTAL_BIND": "127.0.0.1",
        "HOTLINE_PORTAL_PORT": str(free_port()),
        # no nightly job (a CRM recompute, a survey batch) starts in the middle of a test that spans its hour
        "HOTLINE_SCHEDULER_ENABLED": "false",
    }
