"""Decisions of the outbox, pure: which channels to try in which order, when a channel may be used (quiet
hours in the client's time zone), and what a failure leads to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    VOICE = "voice"
    FAX = "fax"


class Status(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"  # delivery receipt (SMS), or read back and confirmed with a key (voice)
    RETRY = "retry"  # failed on this channel, to be tried again later
    GIVEN_UP = "given_up"
    UNKNOWN = "unknown"  # was being sent when the service stopped: not sent again by itself


WAITING = (Status.QUEUED.value, Status.RETRY.value)
PREFERENCE = "preferred"  # asks for the client's preferred channel (the CRM's `preferred_channel` attribute)

# The CRM's preferred channel (crm_core.calculators.profile) as an outbox channel; others have no sender.
FROM_CRM = {"phone": Channel.VOICE, "sms": Channel.SMS, "email": Channel.EMAIL, "fax": Channel.FAX}

# Channels tried after the preferred one, per purpose.
DEFAULT_CHAINS: dict[str, tuple[Channel, ...]] = {
    "fill_report": (Channel.SMS, Channel.EMAIL),
    "price_alert": (Channel.SMS, Channel.EMAIL, Channel.VOICE),
    "reminder": (Channel.VOICE, Channel.SMS, Channel.EMAIL),
    "reply": (Channel.EMAIL, Channel.SMS),
    "document": (Channel.EMAIL, Channel.FAX),
    "complaint": (Channel.EMAIL, Channel.SMS, Channel.FAX, Channel.VOICE),
}


@dataclass(frozen=True)
class NotifyPolicy:
    time_zone: str = "Asia/Shanghai"
    quiet_from: time = time(21, 0)  # voice, SMS and fax wait for morning; e-mail goes at any hour
    quiet_until: time = time(8, 0)
    quiet_channels: frozenset[str] = frozenset({Channel.VOICE, Channel.SMS, Channel.FAX})
    max_attempts: dict[str, int] = field(default_factory=lambda: {"email": 5, "sms": 5, "voice": 3, "fax": 3})
    retry_delays: tuple[float, ...] = (30.0, 120.0, 600.0, 1800.0)  # seconds, the last repeats


@dataclass
class NotifySettings:
    """`[notify]` in hotline.toml: flat values, made into a NotifyPolicy."""

    time_zone: str = "Asia/Shanghai"
    quiet_from: str = "21:00"
    quiet_until: str = "08:00"
    dispatch_every_seconds: float = 1.0
    max_attempts: int = 5
    retry_delays_seconds: str = "30,120,600,1800"
    # Voice (ari_apps/notify): a call that speaks the message and asks for key 1 to confirm it was heard.
    voice_enabled: bool = True
    voice_dial: str = ""  # the dial string for a client's number ("{number}"); empty: acd.outbound_dial
    voice_ring_seconds: int = 30
    voice_confirm_attempts: int = 3  # how many times "press 1 to confirm" is asked
    voice_key_seconds: float = 5.0  # how long to wait for the key after each ask

    def policy(self) -> NotifyPolicy:
        delays = tuple(float(part) for part in self.retry_delays_seconds.split(",") if part.strip())
        return NotifyPolicy(time_zone=self.time_zone, quiet_from=time.fromisoformat(self.quiet_from),
                            quiet_until=time.fromisoformat(self.quiet_until),
                            max_attempts={c.value: self.max_attempts for c in Channel}, retry_delays=delays or (60.0,))


def plan_chain(purpose: str, requested: str | None, preferred: str | None, explicit: list[str] | None,
               reachable: set[str]) -> list[str]:
    """The channels to try, in order, among those the client can be reached on. `requested` is a channel,
    `preferred` (use the CRM's) or None (the purpose's default); `explicit` replaces the default chain."""
    first: list[str] = []
    if requested == PREFERENCE or requested is None:
        crm = FROM_CRM.get(preferred or "")
        if crm is not None:
            first.append(crm.value)
    else:
        first.append(Channel(requested).value)
    rest = explicit if explicit is not None else [c.value for c in DEFAULT_CHAINS.get(purpose, tuple(Channel))]
    chain: list[str] = []
    for channel in first + [Channel(c).value for c in rest]:
        if channel in reachable and channel not in chain:
            chain.append(channel)
    return chain


def allowed_at(channel: str, now: datetime, policy: NotifyPolicy) -> datetime:
    """`now` if the channel may be used now, else the end of the quiet hours (in UTC)."""
    if channel not in policy.quiet_channels:
        return now
    local = now.astimezone(ZoneInfo(policy.time_zone))
    start, end = policy.quiet_from, policy.quiet_until
    clock = local.timetz().replace(tzinfo=None)
    quiet = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not quiet:
        return now
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if wake <= local:
        wake += timedelta(days=1)
    return wake.astimezone(now.tzinfo)


@dataclass(frozen=True)
class AfterFailure:
    status: Status
    chain: list[str]
    attempts: int
    due_at: datetime
    reason: str


def after_failure(chain: list[str], attempts: int, reason: str, now: datetime, policy: NotifyPolicy, *,
                  permanent: bool = False) -> AfterFailure:
    """A failed attempt (`attempts` made on chain[0], this one included): try again later on the same
    channel, or the next channel now (a permanent failure: a bad address, a refusal), or give up."""
    channel = chain[0]
    if not permanent and attempts < policy.max_attempts.get(channel, 3):
        delay = policy.retry_delays[min(attempts - 1, len(policy.retry_delays) - 1)]
        return AfterFailure(Status.RETRY, chain, attempts, now + timedelta(seconds=delay),
                            f"{channel} attempt {attempts} failed: {reason}")
    rest = chain[1:]
    if rest:
        return AfterFailure(Status.RETRY, rest, 0, allowed_at(rest[0], now, policy),
                            f"{channel} failed ({reason}); falling back to {rest[0]}")
    return AfterFailure(Status.GIVEN_UP, [], attempts, now, f"{channel} failed ({reason}); no channel left")
