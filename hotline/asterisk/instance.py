"""One running Asterisk: its folders, its rendered configuration, start, stop and status.

An instance lives in `/srv/hotline/<name>` inside the sid root (or `<state>/asterisk` for a host
Asterisk), so several instances (the service, the test run) can run side by side on their own ports.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from dialplan import variables as channel_vars
from hotline.asterisk.location import AsteriskLocation
from hotline.progress import step
from hotline.secrets import Secrets
from hotline.settings import Settings

CONFIG_TEMPLATES = Path(__file__).resolve().parents[2] / "config"
DIALPLAN_TEMPLATES = Path(__file__).resolve().parents[2] / "dialplan"
IVR_APP = "hotline-ivr"
ACD_APP = "hotline-acd"
SUPERVISE_APP = "hotline-supervise"
NOTIFY_APP = "hotline-notify"
SURVEY_APP = "hotline-survey"
AGENTS_FILE = "pjsip_agents.conf"
OUTAGE_FILE = "hotline-outage.csv"

# Modules the hotline never uses; not loading them keeps start-up quick and the attack surface small.
NOLOAD = [
    "chan_iax2", "chan_unistim", "chan_motif", "chan_console", "chan_audiosocket", "chan_websocket",
    "res_xmpp", "res_snmp", "res_statsd", "res_prometheus", "res_hep", "res_hep_pjsip", "res_hep_rtcp",
    "cdr_adaptive_odbc", "cdr_csv", "cdr_custom", "cdr_manager", "cdr_odbc", "cdr_pgsql", "cdr_radius",
    "cdr_sqlite3_custom", "cdr_tds", "cel_manager", "cel_odbc", "cel_pgsql", "cel_radius",
    "cel_sqlite3_custom", "cel_tds", "res_config_ldap", "res_config_odbc", "res_config_pgsql",
    "res_config_sqlite3", "res_config_curl", "res_odbc", "res_odbc_transaction", "func_odbc",
    "app_voicemail_odbc", "pbx_lua", "pbx_ael", "pbx_dundi", "pbx_realtime", "res_calendar",
    "res_calendar_caldav", "res_calendar_ews", "res_calendar_exchange", "res_calendar_icalendar",
    "res_phoneprov", "res_pjsip_phoneprov_provider", "res_stir_shaken", "res_pjsip_stir_shaken",
    "res_smdi", "res_speech_aeap", "res_aeap", "res_pjsip_transport_websocket",
    "app_jack", "app_festival", "app_sms", "res_resolver_unbound", "res_geolocation",
    "res_pjsip_geolocation", "app_mp3", "res_stun_monitor", "app_sla", "app_minivm", "app_voicemail",
    "res_mwi_devstate", "res_pjsip_mwi", "res_pjsip_mwi_body_generator",
    "app_adsiprog", "app_getcpeid", "res_adsi", "app_zapateller",
    "res_pjsip_publish_asterisk", "app_confbridge", "app_page", "app_agent_pool", "res_parking",
    "app_followme", "app_alarmreceiver", "res_http_media_cache", "res_pjsip_notify",
    "res_http_post", "res_clialiases", "res_security_log",
]


# Asterisk processes this process started, kept so that they are reaped (and Popen does not warn).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class AsteriskStartError(RuntimeError):
    """Asterisk did not start or ARI did not answer in time."""


@dataclass(frozen=True)
class AsteriskInstance:
    settings: Settings
    location: AsteriskLocation
    secrets: Secrets

    # -- folders -------------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        """The instance folder as Asterisk sees it."""
        if self.location.root is None:
            return str(self.settings.state_path / "asterisk")
        return f"/srv/hotline/{self.settings.asterisk.instance}"

    @property
    def host_base(self) -> Path:
        return self.location.host_path(self.base)

    @property
    def sounds(self) -> str:
        return f"{self.base}/sounds"

    @property
    def host_sounds(self) -> Path:
        return self.host_base / "sounds"

    @property
    def ari_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.asterisk.ari_port}/"

    @property
    def outage_records(self) -> Path:
        """Asterisk's record of the calls it answered while the service was down (crm_core/outage_calls.py)."""
        return self.host_base / "log" / "cel-custom" / OUTAGE_FILE

    @property
    def pid_file(self) -> Path:
        return self.host_base / "hotline-asterisk.pid"

    # -- configuration -------------------------------------------------------------------------------
    def template_context(self) -> dict[str, object]:
        from crm_core.outage_calls import EVENT as OUTAGE_EVENT  # here: that module loads the call models

        ast = self.settings.asterisk
        return {
            "base": self.base,
            "module_dir": self._module_dir(),
            "noload": NOLOAD,
            "ari_port": ast.ari_port,
            "ami_port": ast.ami_port,
            "agi_port": ast.agi_port,
            "sip_bind": ast.sip_bind,
            "sip_port": ast.sip_port,
            "rtp_start": ast.rtp_start,
            "rtp_end": ast.rtp_end,
            "trunk_match": ast.trunk_match,
            "number": ast.hotline_number,
            "complaints_fax": "".join(ch for ch in self.settings.complaints.fax_number if ch.isdigit()),
            "fallback_dial": ast.fallback_dial,
            "secrets": self.secrets,
            "sounds": self.sounds,
            "ivr_app": IVR_APP,
            "survey_app": SURVEY_APP,
            "account_timeout": int(self.settings.ivr.input_timeout_seconds),
            "sim_ring_seconds": 1,
            "baseline_members": 20,
            "v": channel_vars,
            "outage_event": OUTAGE_EVENT,
            "outage_file": OUTAGE_FILE,
            "channelvars": ",".join(sorted(channel_vars.all_names().values())),
        }

    def _module_dir(self) -> str:
        for candidate in ("/usr/lib/x86_64-linux-gnu/asterisk/modules", "/usr/lib/aarch64-linux-gnu/asterisk/modules",
                          "/usr/lib/asterisk/modules", "/usr/lib64/asterisk/modules"):
            if self.location.host_path(candidate).is_dir():
                return candidate
        raise AsteriskStartError("cannot find Asterisk's module folder")

    def render(self) -> None:
        """Write every config file into the instance's etc folder (credentials mode 0600)."""
        etc = self.host_base / "etc"
        for sub in ("etc", "run", "log", "log/cel-custom", "spool", "spool/recording", "spool/fax/complaints", "lib",
                    "lib/keys", "cache", "sounds", "recordings"):
            (self.host_base / sub).mkdir(parents=True, exist_ok=True)
        from jinja2 import Environment, FileSystemLoader, StrictUndefined  # here: each `hotline` start loads this file

        context = self.template_context()
        for folder in (CONFIG_TEMPLATES, DIALPLAN_TEMPLATES):
            env = Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined,
                              keep_trailing_newline=True, autoescape=False)
            for template in sorted(folder.glob("*.j2")):
                target = etc / template.name[: -len(".j2")]
                target.write_text(env.get_template(template.name).render(**context))
                os.chmod(target, 0o600)
        agents = etc / AGENTS_FILE
        if not agents.exists():
            agents.write_text("; agents' endpoints, written by the service from the database\n")
            os.chmod(agents, 0o600)

    @property
    def prompt_cache(self) -> Path:
        """Prompts are built once per Asterisk location, shared by its instances (the service's, test runs'),
        and linked into each instance's sounds folder: an instance folder is cheap to make and to delete."""
        if self.location.root is None:
            return self.settings.state_path / "prompt-cache"
        return self.location.host_path("/srv/hotline/.prompt-cache")

    def build_sounds(self) -> None:
        from crm_core.trading import load_securities
        from sounds.build import build_prompts
        from sounds.phrases import security_prompt_texts

        names = [(s.code, s.name_zh, s.name_en) for s in load_securities().values()]
        cache = self.prompt_cache
        cache.mkdir(parents=True, exist_ok=True)
        with open(cache.with_name(cache.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another instance (a parallel test group) may be building them
            report = build_prompts(cache, extra_texts=security_prompt_texts(names))
            _link_tree(cache, self.host_sounds)
        step(f"prompts ready ({report.built} built, {report.skipped} unchanged)")

    # -- process -------------------------------------------------------------------------------------
    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    def start(self) -> None:
        """Render, start Asterisk in the background, and wait until ARI answers."""
        if self.running_pid() is not None:
            step("Asterisk already running")
            self.wait_ready()
            return
        self.render()
        self.build_sounds()
        log = open(self.host_base / "log" / "console.log", "ab")  # noqa: SIM115 - handed to the child
        command = self.location.command("-f", "-n", "-C", f"{self.base}/etc/asterisk.conf")
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        _CHILDREN[process.pid] = process
        self.pid_file.write_text(str(process.pid))
        step(f"Asterisk starting ({self.location.describe()}, pid {process.pid})")
        try:
            self.wait_ready(process)
        except AsteriskStartError:
            self.stop()
            raise

    def wait_ready(self, process: subprocess.Popen[bytes] | None = None) -> None:
        deadline = time.monotonic() + self.settings.asterisk.start_timeout_seconds
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise AsteriskStartError(
                    f"Asterisk exited with {process.returncode}; see {self.host_base / 'log' / 'console.log'}")
            if self.ari_info() is not None:
                return
            time.sleep(0.25)
        raise AsteriskStartError("ARI did not answer in time")

    def ari_get(self, path: str) -> object | None:
        import urllib.error  # here, as jinja2 in render: urllib.request costs a start 0.05 s (http.client, ssl)
        import urllib.request

        request = urllib.request.Request(self.ari_url + "ari/" + path)
        token = base64.b64encode(f"{self.secrets.ari_user}:{self.secrets.ari_password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return json.loads(response.read() or b"null")
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def registered_apps(self) -> set[str]:
        """Stasis apps ARI lists: an app is listed only while a WebSocket (a running service) holds it."""
        apps = self.ari_get("applications")
        return {app["name"] for app in apps} if isinstance(apps, list) else set()

    def ari_info(self) -> object | None:
        return self.ari_get("asterisk/info")

    def cli(self, command: str, timeout: float = 10) -> str:
        """Run one Asterisk CLI command through the remote console."""
        args = self.location.command("-C", f"{self.base}/etc/asterisk.conf", "-rx", command)
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        return result.stdout

    def stop(self, timeout: float = 15) -> bool:
        """Stop Asterisk: `core stop now`, then SIGTERM, then SIGKILL. True if one was running."""
        pid = self.running_pid()
        if pid is None:
            return False
        try:
            self.cli("core stop now", timeout=5)
        except (subprocess.TimeoutExpired, OSError):
            pass
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
            deadline = time.monotonic() + timeout / 3
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
                time.sleep(0.1)
            else:
                continue
            break
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            child.wait(timeout)
        self.pid_file.unlink(missing_ok=True)
        return True

    def retire(self) -> bool:
        """`hotline down`: stop Asterisk and delete the instance folder (configuration, linked prompts and
        spool are made anew at each start), after moving what must outlive it into the state folder:
        recordings (evidence of phone orders) to `<state>/recordings`, Asterisk's logs to
        `<state>/asterisk-log`. True if Asterisk was running."""
        was_running = self.stop()
        if self.host_base.is_dir():
            state = self.settings.state_path
            _move_contents(self.host_base / "spool" / "recording", state / "recordings")
            _move_contents(self.host_base / "log", state / "asterisk-log")
            shutil.rmtree(self.host_base)
        return was_running

    def discard(self) -> None:
        """Stop Asterisk and delete the instance folder: for throwaway instances (tests, benchmarks), which
        would otherwise leave about 15 MB each (the prompts are copied in) in the Asterisk root."""
        self.stop()
        shutil.rmtree(self.host_base, ignore_errors=True)

    def status(self) -> dict[str, object]:
        info = self.ari_info()
        modules = self.ari_get("asterisk/modules") if info else None
        loaded = sorted(m["name"] for m in modules if m.get("status") == "Running") if isinstance(modules, list) \
            else []
        return {
            "running": info is not None,
            "pid": self.running_pid(),
            "where": self.location.describe(),
            "instance_folder": str(self.host_base),
            "ari": self.ari_url,
            "sip": f"{self.settings.asterisk.sip_bind}:{self.settings.asterisk.sip_port}",
            "version": (info or {}).get("system", {}).get("version") if isinstance(info, dict) else None,
            "modules_loaded": len(loaded),
            "key_modules": [m for m in loaded if m.split(".")[0] in KEY_MODULES],
        }


def _link_tree(source: Path, target: Path) -> None:
    """Hard links (copies across file systems) of every file under `source`, at the same place in `target`."""
    for path in source.rglob("*"):
        if path.is_dir():
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)


def _move_contents(source: Path, target: Path) -> None:
    """Move every entry of `source` into `target` (an entry of the same name there is replaced)."""
    if not source.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        destination = target / entry.name
        if destination.is_dir():
            shutil.rmtree(destination)
        shutil.move(str(entry), str(destination))


KEY_MODULES = {"res_ari", "res_stasis", "res_stasis_snoop", "app_queue", "chan_pjsip", "res_agi",
               "res_fax_spandsp", "res_pjsip"}
