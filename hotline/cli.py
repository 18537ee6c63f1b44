"""The `hotline` command: Asterisk, database, demo data, the service, and scripted calls."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import OperationalError

from crm_core.db import Database
from crm_core.migrate import upgrade
from hotline import accounts_file, welcome
from hotline.asterisk.instance import IVR_APP, AsteriskInstance
from hotline.progress import step
from hotline.settings import Settings, SettingsError, load_settings
from hotline.wiring import asterisk_instance

SERVICE_PID = "service.pid"
ACCOUNTS_FILE = "accounts.txt"


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.service.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aioari").setLevel(logging.WARNING)  # it logs every untyped response at INFO


# asterisk ------------------------------------------------------------------------------------------------
def cmd_asterisk(args: argparse.Namespace, settings: Settings) -> int:
    instance = asterisk_instance(settings, build=args.action == "up")
    if args.action == "up":
        instance.start()
        step(f"Asterisk ready: ARI {instance.ari_url}, SIP {settings.asterisk.sip_bind}:{settings.asterisk.sip_port}")
    elif args.action == "down":
        print("Asterisk stopped" if instance.retire() else "Asterisk was not running")
    else:
        print(json.dumps(instance.status(), indent=2))
    return 0


# database ------------------------------------------------------------------------------------------------
def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    settings.state_path.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    print(f"database at the newest schema: {_safe_url(settings.database_url)}")
    return 0


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def cmd_demo_data(args: argparse.Namespace, settings: Settings) -> int:
    """Into the database as `db upgrade` leaves it (made or brought to the newest schema first)."""
    settings.state_path.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            from hotline import demo  # CRM and pandas: only the commands that load or change the demo data

            created = demo.load_demo_data(session, settings.state_path / ACCOUNTS_FILE)
    finally:
        database.dispose()
    print(f"demo data loaded ({len(created)} staff accounts; passwords in {settings.state_path / ACCOUNTS_FILE})"
          if created else "demo data already present")
    return 0


# service -------------------------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from hotline.service import HotlineService

    _configure_logging(settings)
    service = HotlineService(settings, asterisk_instance(settings, build=False))
    asyncio.run(service.run(on_ready=lambda: step("ready: the hotline answers calls")))
    return 0


class StepFailed(RuntimeError):
    """A step of `hotline up` failed; its message says which and why."""


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Asterisk, database, demo data, welcome, then the service. A failing step stops what this command had
    started, and says which step failed and why."""
    running = service_pid(settings)
    if running is not None and not args.detach:
        step(f"hotline up: a detached service is already running (pid {running}); `hotline down` stops it")
        return 1
    instance = asterisk_instance(settings)
    started_asterisk = instance.running_pid() is None
    try:
        _run_step("starting Asterisk", instance.start)
        _run_step("migrating the database", lambda: cmd_db(args, settings))
        _run_step("loading the demo data", lambda: cmd_demo_data(args, settings))
        if args.simulate_agents:
            _run_step("simulating agents' phones", lambda: _simulate_agents(settings, args.simulate_agents))
        print(welcome.render(settings, _read_accounts(settings)), flush=True)
        if args.detach:
            if running is None:
                _run_step("starting the service", lambda: _start_detached(settings, instance, args.config))
            else:
                step(f"ready: the service was already running (pid {running})")
            return 0
    except StepFailed as failure:
        step(f"hotline up failed {failure}")
        if started_asterisk:
            step("stopping the Asterisk this command started")
            instance.stop()
        return 1
    return _serve_in_foreground(args, settings, instance)


def _run_step(name: str, action: Callable[[], object]) -> None:
    try:
        action()
    except KeyboardInterrupt:
        raise StepFailed(f"while {name}: interrupted") from None
    except Exception as exc:  # any failure of a step is reported with its name; the traceback goes to the log
        logging.getLogger(__name__).debug("step %s failed", name, exc_info=True)
        raise StepFailed(f"while {name}: {type(exc).__name__}: {exc}") from exc


def _serve_in_foreground(args: argparse.Namespace, settings: Settings, instance: AsteriskInstance) -> int:
    """The service until Ctrl-C (or SIGTERM), then Asterisk is stopped too, whatever happened."""
    try:
        return cmd_serve(args, settings)
    except KeyboardInterrupt:  # Ctrl-C before the service had installed its own handler
        return 130
    except Exception as exc:  # the service failed: say so, then stop Asterisk below
        step(f"hotline up failed while running the service: {type(exc).__name__}: {exc}")
        return 1
    finally:
        step("stopping Asterisk")
        instance.retire()


def _simulate_agents(settings: Settings, count: int) -> None:
    database = Database(settings.database_url)
    try:
        from hotline import demo

        with database.session() as session:
            chosen = demo.simulate_agents(session, count)
    finally:
        database.dispose()
    step(f"simulated agents ready (phones answer by themselves): {', '.join(chosen)}")


def _read_accounts(settings: Settings) -> accounts_file.Accounts | None:
    path = settings.state_path / ACCOUNTS_FILE
    return accounts_file.read(path) if path.exists() else None


def _start_detached(settings: Settings, instance: AsteriskInstance, config: str | None) -> None:
    log_path = settings.state_path / "service.log"
    env = {**os.environ, **({"HOTLINE_CONFIG": str(Path(config).resolve())} if config else {})}
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen([sys.executable, "-m", "hotline", "serve"], stdout=log, env=env,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    (settings.state_path / SERVICE_PID).write_text(str(process.pid))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if IVR_APP in instance.registered_apps():
            step(f"ready: service pid {process.pid}, log {log_path}")
            return
        if process.poll() is not None:
            (settings.state_path / SERVICE_PID).unlink(missing_ok=True)
            raise RuntimeError(f"the service exited ({process.returncode}); see {log_path}")
        time.sleep(0.3)
    _stop_service(settings, process.pid)
    raise RuntimeError(f"the service did not connect to ARI within 30 s; see {log_path}")


def service_pid(settings: Settings) -> int | None:
    """The detached service's pid, if its pid file names a live `hotline serve` process."""
    try:
        pid = int((settings.state_path / SERVICE_PID).read_text())
    except (OSError, ValueError):
        return None
    return pid if _is_live_service(pid) else None


def _is_live_service(pid: int) -> bool:
    """A running (not zombie) process whose command line is `... hotline ... serve` (a reused pid is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in {"Z", "X"} and b"hotline" in command and b"serve" in command


def _stop_service(settings: Settings, pid: int, timeout: float = 20) -> None:
    """SIGTERM, wait for it to leave, SIGKILL after `timeout`; the pid file goes."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _is_live_service(pid):
            time.sleep(0.1)
        if not _is_live_service(pid):
            break
    (settings.state_path / SERVICE_PID).unlink(missing_ok=True)


def cmd_down(args: argparse.Namespace, settings: Settings) -> int:
    pid = service_pid(settings)
    if pid is not None:
        _stop_service(settings, pid)
        print(f"service stopped (pid {pid})")
    else:
        (settings.state_path / SERVICE_PID).unlink(missing_ok=True)
        print("service was not running")
    instance = asterisk_instance(settings, build=False)
    print("Asterisk stopped" if instance.retire() else "Asterisk was not running")
    return 0


# calls ---------------------------------------------------------------------------------------------------
def cmd_call(args: argparse.Namespace, settings: Settings) -> int:
    from hotline.call_trace import build_trace, format_trace, wait_until_recorded
    from hotline.scripted_call import CallScript, ScriptedCaller, parse_dtmf

    instance = asterisk_instance(settings, build=False)
    script = CallScript(extension=args.extension or settings.asterisk.hotline_number,
                        caller="".join(ch for ch in args.caller if ch.isdigit()), dtmf=parse_dtmf(args.dtmf),
                        talk_seconds=args.talk, timeout=args.timeout)

    async def place() -> object:
        caller = await ScriptedCaller.connect(instance.ari_url, instance.secrets.ari_user,
                                              instance.secrets.ari_password)
        try:
            return await caller.call(script)
        finally:
            await caller.close()

    observation = asyncio.run(place())
    database = Database(settings.database_url)
    try:
        if observation.call_id:  # type: ignore[attr-defined]
            wait_until_recorded(database, observation.call_id)  # type: ignore[attr-defined]
        with database.session() as session:
            trace = build_trace(session, observation)  # type: ignore[arg-type]
    finally:
        database.dispose()
    print(json.dumps(trace, ensure_ascii=False) if args.json else format_trace(trace))
    return 0 if trace["call_id"] else 1


def cmd_agent(args: argparse.Namespace, settings: Settings) -> int:
    from crm_core import agents as agent_service
    from crm_core.models import AgentState

    database = Database(settings.database_url)
    try:
        with database.session() as session:
            agent = agent_service.get_by_job_number(session, args.job_number)
            agent_service.set_state(session, agent.id, AgentState(args.state), args.reason)
    except (agent_service.AgentNotFound, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(f"agent {args.job_number}: {args.state}")
    return 0


# parser --------------------------------------------------------------------------------------------------
# The commands of the other hotline/cli_*.py modules, in --help's order: name -> (the function that adds its
# arguments to its parser, help). A run imports only its own command's module (the CRM's imports pandas, the
# reports' the report builders): `hotline --help` lists them all without importing any.
COMMANDS: dict[str, tuple[str, str]] = {
    "crm": ("hotline.cli_crm:add_crm_commands", "investor attributes, classification, matching"),
    "notify": ("hotline.cli_notify:add_notify_commands",
               "notifications to clients: send, status, retry, subscribe, statement, quotes, factsheet, remind, "
               "alert, reminders"),
    "staffing": ("hotline.cli_billing:add_staffing", "Erlang C: agents needed for a forecast interval"),
    "tariff": ("hotline.cli_billing:add_tariff", "the call tariff: set or remove a line, list the current one"),
    "bill": ("hotline.cli_billing:add_bill", "a month's call bill for a client or a department"),
    "budget": ("hotline.cli_billing:add_budget", "monthly outbound budgets: set, status"),
    "department": ("hotline.cli_billing:add_department", "the department an agent's calls are billed to"),
    "report": ("hotline.cli_report:add_report_commands",
               "contact-centre reports (`hotline report --help` names them) or rebuild"),
    "survey": ("hotline.cli_survey:add_survey_commands",
               "outbound surveys: publish, campaign, forbid, run, send, status, results"),
    "review": ("hotline.cli_review:add_review_commands", "quality review of calls: publish a review form"),
    "complaint": ("hotline.cli_complaint:add_complaint_commands",
                  "complaints: list, show, acknowledge, assign, resolve, letter, supervisor, escalate"),
}
ALL = "*"


def build_parser(only: str | None = ALL) -> argparse.ArgumentParser:
    """The command line. `only`: the one command of COMMANDS whose arguments are added (its module imported);
    None: none of them (`hotline --help`, which lists them all anyway)."""
    parser = argparse.ArgumentParser(prog="hotline", description=__doc__)
    parser.add_argument("--config", help="settings file (default: $HOTLINE_CONFIG or ./hotline.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("asterisk", help="start, stop or inspect the real Asterisk")
    p.add_argument("action", choices=["up", "down", "status"])
    p.set_defaults(handler=cmd_asterisk)

    p = sub.add_parser("db", help="database schema")
    p.add_argument("action", choices=["upgrade"])
    p.set_defaults(handler=cmd_db)

    sub.add_parser("demo-data", help="load demo investors, skills and agents").set_defaults(handler=cmd_demo_data)
    sub.add_parser("serve", help="run the service (FastAGI, Stasis apps)").set_defaults(handler=cmd_serve)

    p = sub.add_parser("up", help="Asterisk + database + demo data + service")
    p.add_argument("--detach", action="store_true", help="run the service in the background")
    p.add_argument("--simulate-agents", type=int, default=0, metavar="N",
                   help="log in N demo agents whose phones answer by themselves")
    p.set_defaults(handler=cmd_up)

    sub.add_parser("down", help="stop the service and Asterisk").set_defaults(handler=cmd_down)

    p = sub.add_parser("call", help="place a scripted call into the hotline and print its trace")
    p.add_argument("extension", nargs="?", help="number dialled (default: the hotline number)")
    p.add_argument("--from", dest="caller", default="", help="caller number")
    p.add_argument("--dtmf", default="", help="keys, one per prompt; or groups separated by commas")
    p.add_argument("--json", action="store_true", help="print the trace as one JSON object")
    p.add_argument("--talk", type=float, default=3.0, help="seconds to talk once an agent answers")
    p.add_argument("--timeout", type=float, default=120.0, help="give up (hang up) after this many seconds")
    p.set_defaults(handler=cmd_call)

    p = sub.add_parser("agent", help="set an agent's state")
    p.add_argument("job_number")
    p.add_argument("state", choices=["ready", "not_ready", "logged_out"])
    p.add_argument("--reason")
    p.set_defaults(handler=cmd_agent)

    for name, (adds, description) in COMMANDS.items():
        command = sub.add_parser(name, help=description)
        if only in (ALL, name):
            module, function = adds.split(":")
            getattr(importlib.import_module(module), function)(command)
    return parser


def command_of(argv: list[str]) -> str | None:
    """The command a command line names: its first word that is not an option (nor the value of --config)."""
    words = iter(argv)
    for word in words:
        if len(word) > 2 and "--config".startswith(word):  # argparse takes --conf for --config too
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(command_of(argv)).parse_args(argv)
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args, settings) or 0)
    except OperationalError as exc:  # no database there (a fresh folder), none migrated, or a server down
        print(f"error: the database {_safe_url(settings.database_url)} cannot be used: {exc.orig}. "
              "`hotline db upgrade` makes it (`make run` sets up everything)", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `hotline crm profile 1 | head`: the reader left; nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
