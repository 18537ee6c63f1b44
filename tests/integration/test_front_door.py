"""The README's front door, through the real command line from an empty folder: `hotline up --detach`,
the welcome's own example calls, `hotline down`; the foreground `hotline up` stopped with Ctrl-C; every
other command the README shows; and a failing step of `hotline up` that stops what it had started.

Each test runs the `hotline` script of the virtualenv in a fresh folder (the default state folder `var/`
inside it) with its own Asterisk instance name and free ports, so a newcomer's `make run` may run beside."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shlex
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.asterisk.instance import AsteriskInstance
from hotline.settings import load_settings
from hotline.wiring import asterisk_instance
from tests.support.hotline import isolated_env

pytestmark = pytest.mark.integration

HOTLINE = str(Path(sys.executable).parent / "hotline")
REPO = Path(__file__).resolve().parents[2]


class Newcomer:
    """A folder to run `hotline` commands in, as a newcomer would after `make run`'s setup."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run([HOTLINE, *args], cwd=self.folder, env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([HOTLINE, *args], cwd=self.folder, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    @property
    def state(self) -> Path:
        return self.folder / "var"

    @property
    def instance(self) -> AsteriskInstance:
        return asterisk_instance(load_settings(environ={**self.env, "HOTLINE_STATE_DIR": str(self.state)}),
                                 build=False)

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.state / "hotline.db") as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture
def newcomer(tmp_path: Path) -> Iterator[Newcomer]:
    """Free loopback ports and an instance name of its own; no state folder and no database URL set: the
    defaults (`var/`, SQLite) are what is tested. Whatever the test leaves, the instance is discarded."""
    env = isolated_env(tmp_path / "unused", f"frontdoor-{os.getpid()}-{tmp_path.name[-12:]}",
                       20000 + (os.getpid() % 50) * 100 + 5000, rtp_span=100)
    for name in ("HOTLINE_STATE_DIR", "HOTLINE_DATABASE_URL", "HOTLINE_ACD_WRAP_UP_SECONDS",
                 "HOTLINE_SERVICE_LOG_LEVEL"):
        env.pop(name)
    folder = tmp_path / "checkout"
    folder.mkdir()
    user = Newcomer(folder, {**os.environ, **env, "HOTLINE_ACD_RING_TIMEOUT_SECONDS": "5"})
    yield user
    pid_file = user.state / "service.pid"
    if pid_file.exists():  # a failed test: stop its service before its Asterisk
        _kill(int(pid_file.read_text()))
    user.instance.discard()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for its parent to reap it has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in {"Z", "X"}
    except OSError:
        return False


def example(welcome: str, comment: str) -> list[str]:
    """The argument list of the welcome's example command whose comment contains `comment`."""
    for line in welcome.splitlines():
        if "#" in line and comment in line.split("    # ", 1)[-1]:
            return shlex.split(line.split("    # ", 1)[0])[1:]  # without the command itself
    raise AssertionError(f"no example '{comment}' in the welcome:\n{welcome}")


def test_up_detached_answers_the_welcomes_example_calls_and_down_leaves_nothing(newcomer: Newcomer) -> None:
    up = newcomer.run("up", "--detach", "--simulate-agents", "2")
    assert up.returncode == 0, up.stderr + up.stdout
    assert "ready: service pid" in up.stderr
    welcome = up.stdout

    # The welcome shows everything there is to try, read from accounts.txt (mode 0600).
    accounts = newcomer.state / "accounts.txt"
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    for role, job in (("agent", "1001"), ("supervisor", "9001"), ("administrator", "9002")):
        assert re.search(rf"{role}\s+{job} .*desktop password \S+\s+SIP agent{job} / \S+", welcome), welcome
    assert re.search(r"100000001 .*phone 13800000001\s+trading password \d{6}\s+bank password \d{4}", welcome)
    port = newcomer.env["HOTLINE_CONSOLE_PORT"]
    assert f":{port}/" in welcome and "key 5 at the main menu" in welcome

    # The client portal as the welcome prints it: its address and a demo client's login, which opens the
    # funds the phone reads.
    portal = re.search(r"Client portal: http://\S+:(\d+)/ .*fund account (\d+) and trading password (\d{6})",
                       welcome)
    assert portal and portal.group(1) == newcomer.env["HOTLINE_PORTAL_PORT"], welcome
    assert portal_funds(portal.group(1), portal.group(2), portal.group(3))["total"] == "500000.00"

    # The phone order as the welcome prints it (readable trace): read back, confirmed, placed once, recorded,
    # then the trading desk: an agent.
    order = newcomer.run(*example(welcome, "a phone order"))
    assert order.returncode == 0, order.stderr + order.stdout
    assert "caller identified as: Wang Fang" in order.stdout and "agent reached: 1001" in order.stdout
    assert "zh/trade_readback_buy" in order.stdout and "hung up by caller" in order.stdout
    placed = newcomer.query("SELECT security_code, quantity, price_cents, call_id, status FROM trading_orders")
    call_id = re.search(r"^call (\S+) from", order.stdout, re.M)
    assert call_id and placed[0][:4] == ("600036", 100, 3860, call_id.group(1)) and len(placed) == 1, placed
    assert placed[0][4] != "rejected", placed

    # The other examples as printed: the readable trace to an agent, and `--json` from an unknown number that
    # keys an account (the README shows both).
    simple = newcomer.run(*example(welcome, "routed to an agent"), "--talk", "1")
    assert simple.returncode == 0 and re.search(r"agent reached: 100[12] ", simple.stdout), simple.stdout
    unknown = newcomer.run(*example(welcome, "unknown number keys an account"), "--talk", "1")
    assert unknown.returncode == 0, unknown.stderr
    trace = json.loads(unknown.stdout)
    assert trace["customer"]["account"] == "100000003" and trace["customer"]["identified_by"] == "account"
    assert trace["agent"]["job_number"] == "1002" and trace["route"][-1]["event"] == "answered", trace

    pid = int((newcomer.state / "service.pid").read_text())
    asterisk_pid = newcomer.instance.running_pid()
    folder = newcomer.instance.host_base
    recordings = [Path(name).name for name in os.listdir(folder / "spool" / "recording")]
    assert recordings, "the trading call was not recorded"

    down = newcomer.run("down")
    assert down.returncode == 0, down.stderr
    assert f"service stopped (pid {pid})" in down.stdout and "Asterisk stopped" in down.stdout
    assert asterisk_pid is not None and not alive(pid) and not alive(asterisk_pid)
    assert not folder.exists() and not (newcomer.state / "service.pid").exists()
    assert sorted(os.listdir(newcomer.state / "recordings")) == sorted(recordings)  # evidence kept
    again = newcomer.run("down")
    assert "service was not running" in again.stdout and "Asterisk was not running" in again.stdout


def portal_funds(port: str, account: str, password: str) -> dict[str, str]:
    """Log in to the portal as a browser would (JSON, the cookie) and read the account's funds."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = urllib.request.Request(f"http://127.0.0.1:{port}/api/login", method="POST",
                                   data=json.dumps({"account": account, "password": password}).encode(),
                                   headers={"Content-Type": "application/json"})
    with opener.open(login, timeout=10) as response:
        assert response.status == 200
    with opener.open(f"http://127.0.0.1:{port}/api/accounts/{account}", timeout=10) as response:
        funds: dict[str, str] = json.loads(response.read())["funds"]
    return funds


def test_make_run_in_the_foreground_stops_everything_on_ctrl_c(newcomer: Newcomer) -> None:
    """The README's first command, `make run` (`hotline up` in the foreground), in its own process group as a
    terminal runs it; Ctrl-C (SIGINT to the group) after "ready" leaves nothing running."""
    env = {**newcomer.env, "HOTLINE_STATE_DIR": str(newcomer.state), "SIMULATE_AGENTS": "1"}
    run = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert run.stderr is not None
    seen = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = run.stderr.readline()
        seen.append(line)
        if "ready: the hotline answers calls" in line or not line:
            break
    assert "ready" in seen[-1], "".join(seen)
    asterisk_pid = newcomer.instance.running_pid()
    assert asterisk_pid is not None and newcomer.instance.registered_apps() >= {"hotline-ivr", "hotline-acd"}

    os.killpg(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=60)
    # make ends as a Ctrl-C'd program does: killed by SIGINT after its command has finished, or with the
    # command's own status 0 when the command finished first (both seen; which one is a race inside make)
    assert run.returncode in {0, -signal.SIGINT}, "".join(seen) + err
    assert "Traceback" not in err and "stopping Asterisk" in err and "hotline service stopped" in err, err
    assert not alive(asterisk_pid) and not newcomer.instance.host_base.exists()
    assert newcomer.instance.registered_apps() == set()
    assert "supervisor" in out and "9001" in out  # the welcome was printed before the service started


def test_a_failing_step_of_up_says_which_and_stops_the_asterisk_it_started(newcomer: Newcomer) -> None:
    newcomer.env["HOTLINE_DATABASE_URL"] = "postgresql+psycopg2://nobody@127.0.0.1:1/nothing"
    up = newcomer.run("up", "--detach")
    assert up.returncode == 1
    assert "hotline up failed while migrating the database: OperationalError" in up.stderr, up.stderr
    assert "stopping the Asterisk this command started" in up.stderr
    assert newcomer.instance.running_pid() is None and newcomer.instance.registered_apps() == set()
    assert not (newcomer.state / "service.pid").exists()


def test_the_readmes_other_commands(newcomer: Newcomer) -> None:
    """`asterisk up|status|down`, `db upgrade`, `demo-data`, `agent`, each through the real command line."""
    up = newcomer.run("asterisk", "up")
    assert up.returncode == 0 and "Asterisk ready: ARI http://127.0.0.1:" in up.stderr, up.stderr
    status = json.loads(newcomer.run("asterisk", "status").stdout)
    assert status["running"] is True and status["pid"] == newcomer.instance.running_pid()
    assert {"res_ari.so", "res_stasis.so", "chan_pjsip.so"} <= set(status["key_modules"]), status

    migrated = newcomer.run("db", "upgrade")
    assert migrated.returncode == 0 and "database at the newest schema: sqlite:///" in migrated.stdout
    assert newcomer.query("SELECT count(*) FROM alembic_version") == [(1,)]
    loaded = newcomer.run("demo-data")
    assert loaded.returncode == 0 and "demo data loaded (10 staff accounts" in loaded.stdout, loaded.stdout
    assert newcomer.run("demo-data").stdout.strip() == "demo data already present"
    assert newcomer.query("SELECT role, count(*) FROM agents GROUP BY role ORDER BY role") == [
        ("administrator", 1), ("agent", 8), ("supervisor", 1)]

    assert newcomer.run("agent", "1004", "ready").stdout.strip() == "agent 1004: ready"
    assert newcomer.query("SELECT state FROM agents WHERE job_number = '1004'") == [("ready",)]
    unknown = newcomer.run("agent", "7777", "ready")
    assert unknown.returncode == 2 and "error:" in unknown.stderr

    down = newcomer.run("asterisk", "down")
    assert down.returncode == 0 and down.stdout.strip() == "Asterisk stopped"
    assert json.loads(newcomer.run("asterisk", "status").stdout)["running"] is False
    assert newcomer.run("asterisk", "down").stdout.strip() == "Asterisk was not running"
