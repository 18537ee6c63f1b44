"""All settings in one place: defaults, then `hotline.toml`, then `HOTLINE_*` environment variables.

An environment variable is named after the section and key: `HOTLINE_DATABASE_URL`,
`HOTLINE_ASTERISK_SIP_PORT`, `HOTLINE_ACD_OVERFLOW_AFTER_SECONDS`; top-level keys drop the section
(`HOTLINE_STATE_DIR`).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ari_apps.acd.settings import AcdSettings
from ari_apps.ivr.settings import IvrSettings
from ari_apps.ivr.trading.settings import TradingSettings
from ari_apps.notify.fax_settings import FaxSettings
from ari_apps.survey.settings import SurveySettings
from crm_core.complaints.settings import ComplaintSettings
from crm_core.notifications.rules import NotifySettings
from gateways.smpp_settings import SmppSettings
from gateways.smtp_settings import SmtpSettings


@dataclass
class DatabaseSettings:
    url: str = ""  # empty: SQLite file in the state folder


@dataclass
class AsteriskSettings:
    root: str = ""  # empty: Asterisk on PATH, else a Debian sid root under the user's cache folder
    instance: str = "main"
    sip_bind: str = "0.0.0.0"
    sip_port: int = 5060
    trunk_match: str = "127.0.0.1"  # addresses the carrier trunk's calls come from
    rtp_start: int = 10000
    rtp_end: int = 10999
    ari_port: int = 8088
    ami_port: int = 5038
    agi_port: int = 4573
    hotline_number: str = "95500"
    # What the dialplan does when the service is down (Stasis fails): a Dial() target, or empty to
    # apologise and hang up.
    fallback_dial: str = ""
    start_timeout_seconds: float = 60.0


@dataclass
class ConsoleSettings:
    bind: str = "0.0.0.0"  # agents' browsers are on the LAN; ARI, AMI and FastAGI stay on loopback
    port: int = 8080
    session_minutes: int = 480
    max_failed_logins: int = 5
    lockout_minutes: int = 15


@dataclass
class PortalSettings:
    """`[portal]`: the clients' web self-service, a separate app on its own port. The lock-out after wrong
    trading passwords is the phone's (`[trading] max_failed_logins`, `lock_minutes`)."""

    enabled: bool = True
    bind: str = "0.0.0.0"  # clients' browsers; put it behind a TLS proxy before the internet
    port: int = 8081
    session_minutes: int = 30
    login_attempts_per_minute: int = 10  # per address and per fund account
    public_url: str = ""  # how clients reach it (survey links: `hotline survey send`), e.g. https://my.example.com


@dataclass
class ServiceSettings:
    log_level: str = "INFO"
    reconnect_max_seconds: float = 10.0


@dataclass
class SchedulerSettings:
    """`[scheduler]`: the nightly jobs (hotline/jobs.py), each at a local time ("HH:MM"; "" : not run)."""

    enabled: bool = True
    timezone: str = "Asia/Shanghai"
    crm_recompute_at: str = "02:00"
    survey_batch_at: str = "19:00"  # the campaigns of `survey.batch_campaigns`, until the call window closes
    daily_report_at: str = "09:00"  # yesterday's (reports.time_zone) queues report e-mailed to `daily_report_to`
    daily_report_to: str = ""  # e-mail addresses, comma-separated; "": no daily report
    daily_report_language: str = "zh"
    # complaint-escalation runs every `complaints.escalate_every_minutes`, not at a time of day


@dataclass
class ReportSettings:
    """`[reports]`: report days, intervals and the board's "today" are this zone's wall-clock ones."""

    time_zone: str = "Asia/Shanghai"
    outage_import_seconds: float = 60.0  # how often the service reads Asterisk's record of calls it missed


@dataclass
class Settings:
    state_dir: str = "var"
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    asterisk: AsteriskSettings = field(default_factory=AsteriskSettings)
    ivr: IvrSettings = field(default_factory=IvrSettings)
    trading: TradingSettings = field(default_factory=TradingSettings)
    acd: AcdSettings = field(default_factory=AcdSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    portal: PortalSettings = field(default_factory=PortalSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    email: SmtpSettings = field(default_factory=SmtpSettings)
    sms: SmppSettings = field(default_factory=SmppSettings)
    fax: FaxSettings = field(default_factory=FaxSettings)
    survey: SurveySettings = field(default_factory=SurveySettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    complaints: ComplaintSettings = field(default_factory=ComplaintSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)

    @property
    def state_path(self) -> Path:
        return Path(self.state_dir).resolve()

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.state_path / 'hotline.db'}"


class SettingsError(ValueError):
    """A setting has a value of the wrong type or names an unknown key."""


def _coerce(value: Any, like: Any, name: str) -> Any:
    try:
        if isinstance(like, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(like, int):
            return int(value)
        if isinstance(like, float):
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name}: cannot read {value!r} as {type(like).__name__}") from exc


def _apply(target: Any, values: dict[str, Any], prefix: str) -> None:
    names = {f.name: f for f in dataclasses.fields(target)}
    for key, value in values.items():
        if key not in names:
            raise SettingsError(f"unknown setting {prefix}{key}")
        current = getattr(target, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise SettingsError(f"setting {prefix}{key} must be a table")
            _apply(current, value, f"{prefix}{key}.")
        else:
            setattr(target, key, _coerce(value, current, prefix + key))


def _environment_overrides(settings: Settings, environ: dict[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        section = getattr(settings, f.name)
        if dataclasses.is_dataclass(section):
            for sub in dataclasses.fields(section):
                env_name = f"HOTLINE_{f.name}_{sub.name}".upper()
                if env_name in environ:
                    overrides.setdefault(f.name, {})[sub.name] = environ[env_name]
        else:
            env_name = f"HOTLINE_{f.name}".upper()
            if env_name in environ:
                overrides[f.name] = environ[env_name]
    return overrides


def load_settings(config_file: str | os.PathLike[str] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Read the settings; `config_file` defaults to `$HOTLINE_CONFIG` or `./hotline.toml` if present."""
    environ = dict(os.environ if environ is None else environ)
    settings = Settings()
    path = Path(config_file or environ.get("HOTLINE_CONFIG", "hotline.toml"))
    if path.is_file():
        with path.open("rb") as handle:
            _apply(settings, tomllib.load(handle), "")
    elif config_file is not None:
        raise SettingsError(f"config file {path} does not exist")
    _apply(settings, _environment_overrides(settings, environ), "")
    return settings
