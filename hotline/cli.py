"""The `hotline` command: Asterisk, database, demo data, the service, and scripted calls."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time

from crm_core.db import Database
from crm_core.migrate import upgrade
from hotline import demo
from hotline.asterisk.instance import IVR_APP, AsteriskInstance
from hotline.progress import step
from hotline.settings import Settings, load_settings
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
        print("Asterisk stopped" if instance.stop() else "Asterisk was not running")
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
    database = Database(settings.database_url)
    with database.session() as session:
        created = demo.load_demo_data(session, settings.state_path / ACCOUNTS_FILE)
    database.dispose()
    print(f"demo data loaded ({len(created)} agents)" if created else "demo data already present")
    return 0


# service -------------------------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from hotline.service import HotlineService

    _configure_logging(settings)
    service = HotlineService(settings, asterisk_instance(settings, build=False))
    asyncio.run(service.run(on_ready=lambda: step("ready: the hotline answers calls")))
    return 0


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    step("starting Asterisk")
    instance = asterisk_instance(settings)
    instance.start()
    cmd_db(args, settings)
    cmd_demo_data(args, settings)
    if args.simulate_agents:
        database = Database(settings.database_url)
        with database.session() as session:
            chosen = demo.simulate_agents(session, args.simulate_agents)
        database.dispose()
        step(f"simulated agents ready (phones answer by themselves): {', '.join(chosen)}")
    _print_welcome(settings)
    if args.detach:
        return _start_detached(settings, instance)
    try:
        return cmd_serve(args, settings)
    finally:
        instance.stop()


def _start_detached(settings: Settings, instance: AsteriskInstance) -> int:
    log = open(settings.state_path / "service.log", "ab")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen([sys.executable, "-m", "hotline", "serve"], stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    (settings.state_path / SERVICE_PID).write_text(str(process.pid))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if IVR_APP in instance.registered_apps():
            step(f"ready: service pid {process.pid}, log {settings.state_path / 'service.log'}")
            return 0
        if process.poll() is not None:
            step(f"the service exited ({process.returncode}); see {settings.state_path / 'service.log'}")
            return 1
        time.sleep(0.3)
    step("the service did not connect to ARI in time")
    return 1


def cmd_down(args: argparse.Namespace, settings: Settings) -> int:
    pid_file = settings.state_path / SERVICE_PID
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
            print("service stopped")
        except (ProcessLookupError, ValueError):
            print("service was not running")
        pid_file.unlink()
    instance = asterisk_instance(settings, build=False)
    print("Asterisk stopped" if instance.stop() else "Asterisk was not running")
    return 0


def _print_welcome(settings: Settings) -> None:
    accounts = settings.state_path / ACCOUNTS_FILE
    ast = settings.asterisk
    print(f"\nSIP accounts for softphones (server: this machine, port {ast.sip_port}, UDP; realm 'hotline'):")
    if accounts.exists():
        for line in accounts.read_text().splitlines():
            if line.startswith("#"):
                continue
            job, name, password, sip_user, sip_password = line.split("\t")
            print(f"  agent {job} {name}: SIP user {sip_user} password {sip_password}; desktop password {password}")
    print(f"\nNumbers: the hotline is {ast.hotline_number} (dial it from any agent softphone, or send it from the "
          f"trunk).\nDemo callers: " + ", ".join(f"{i[6]} ({i[1]}{', VIP' if i[5] else ''})" for i in demo.INVESTORS))
    print(f"Try: hotline call --from 13800000001 --dtmf 1 {ast.hotline_number}\n", flush=True)


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
def build_parser() -> argparse.ArgumentParser:
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

    try:
        from hotline.cli_crm import add_crm_commands
    except ImportError:
        pass
    else:
        add_crm_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings(args.config)
    return int(args.handler(args, settings) or 0)


if __name__ == "__main__":
    sys.exit(main())
