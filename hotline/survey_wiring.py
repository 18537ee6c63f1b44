"""The survey app with these settings: it dials `[survey] dial` (default: `[acd] outbound_dial`), keeps the
surveys' spoken prompts in the instance's sounds folder (`survey/`), skips the configured holidays, hands
clients who ask for an agent to the ACD, and keeps callers for the post-call survey by `[survey] post_call*`."""

from __future__ import annotations

from ari_apps.notify.speech import MessageAudio
from ari_apps.survey.app import SurveyApp
from crm_core.db import AsyncDatabase
from crm_core.surveys.calendar import Calendar, parse_dates
from crm_core.surveys.dialing import PolicyError
from hotline.asterisk.instance import ACD_APP, SURVEY_APP, AsteriskInstance
from hotline.settings import Settings, SettingsError


def build_survey_app(settings: Settings, instance: AsteriskInstance, db: AsyncDatabase) -> SurveyApp:
    s = settings.survey
    dial = s.dial or settings.acd.outbound_dial
    if "{number}" not in dial:
        raise SettingsError(f"setting survey.dial: {dial!r} has no {{number}} for the client's number")
    if s.max_channels < 1 or s.calls_per_second <= 0 or s.ring_seconds < 1 or s.key_seconds <= 0 or s.asks < 1:
        raise SettingsError("settings survey.max_channels, calls_per_second, ring_seconds, key_seconds and asks "
                            "must be positive")
    try:
        calendar = Calendar(s.holiday_country, parse_dates(s.extra_holidays))
    except (ValueError, NotImplementedError, KeyError) as exc:
        raise SettingsError(f"settings survey.holiday_country / extra_holidays: {exc}") from exc
    audio = MessageAudio(instance.host_sounds / "survey", f"{instance.sounds}/survey")
    try:
        return SurveyApp(SURVEY_APP, db, s, dial, audio, calendar, ACD_APP)
    except PolicyError as exc:
        raise SettingsError(f"settings survey.post_call_*: {exc}") from exc
