"""Client reminders: a client asks to be told on a date (a new share subscription day, a bond or product
maturity, a note of their own); when it falls due it is queued into the outbox once (key `reminder:<id>`),
by the channel they chose (their preferred one by default). The outbox applies the quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import once
from crm_core.models import ClientReminder, PriceAlert
from crm_core.notifications.outbox import enqueue
from crm_core.notifications.rules import PREFERENCE, Channel, NotifyPolicy

PURPOSE = "reminder"
TEMPLATE = "reminder"
LOCAL_FORMAT = "%Y-%m-%d %H:%M"
MORNING = time(9, 0)  # a reminder for a day (set by phone) is sent that morning, in the client's time zone


class Kind(StrEnum):
    CUSTOM = "custom"
    SUBSCRIPTION = "subscription"  # a new share subscription day (新股申购)
    MATURITY = "maturity"  # a bond or product matures


class ReminderRejected(ValueError):
    """Bad input for a reminder or a price alert: the message says what is wrong."""


def parse_local(text: str, time_zone: str) -> datetime:
    """'2026-12-10 09:30' in the client's time zone, as an aware datetime in UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ReminderRejected(f"{text!r} is not a time: give 'YYYY-MM-DD HH:MM'") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(time_zone))
    return moment.astimezone(ZoneInfo("UTC"))


def due_on(day: date, now: datetime, time_zone: str, at: time = MORNING) -> datetime:
    """When a reminder for `day` falls due (UTC): that day at `at` in the time zone, or a minute from now on the
    day itself once that time has passed. ReminderRejected for a day before today there."""
    zone = ZoneInfo(time_zone)
    if day < now.astimezone(zone).date():
        raise ReminderRejected(f"{day:%Y-%m-%d} is in the past")
    return max(datetime.combine(day, at, zone).astimezone(UTC), now.astimezone(UTC) + timedelta(minutes=1))


def local_text(moment: datetime, time_zone: str) -> str:
    return moment.astimezone(ZoneInfo(time_zone)).strftime(LOCAL_FORMAT)


def check_channel(channel: str) -> str:
    if channel != PREFERENCE and channel not in {c.value for c in Channel}:
        raise ReminderRejected(f"unknown channel {channel!r}")
    return channel


def add_reminder(session: Session, investor_id: int, *, due_at: datetime, text: str, now: datetime,
                 kind: str = Kind.CUSTOM, code: str | None = None, channel: str = PREFERENCE,
                 request_id: str | None = None) -> ClientReminder:
    """A new reminder; a time not after `now`, an empty text or an unknown kind or channel is refused. With a
    `request_id` (unique) a repeated request returns the reminder the first one set."""
    if request_id is not None and (first := once.find(session, ClientReminder, request_id)) is not None:
        return first
    if due_at <= now:
        raise ReminderRejected(f"the time {due_at:%Y-%m-%d %H:%M} UTC is in the past")
    if not text.strip():
        raise ReminderRejected("a reminder needs a text")
    if kind not in {k.value for k in Kind}:
        raise ReminderRejected(f"unknown kind {kind!r}: one of {', '.join(k.value for k in Kind)}")
    row = ClientReminder(investor_id=investor_id, kind=str(kind), text=text.strip(), code=code or None,
                         due_at=due_at, channel=check_channel(channel), created_at=now, request_id=request_id)
    return set_once(session, row)


Row = TypeVar("Row", ClientReminder, PriceAlert)


def set_once(session: Session, row: Row) -> Row:
    """Insert the reminder or alert; when another request with its id won meanwhile, that one."""
    if row.request_id is None:
        session.add(row)
        session.flush()
        return row
    if once.claim(session, row):
        return row
    first = once.find(session, type(row), row.request_id)
    assert first is not None
    return first


def queue_due_reminders(session: Session, now: datetime, policy: NotifyPolicy) -> int:
    """Queue every reminder due by `now` that is not queued yet; returns how many. Rows are locked with SKIP
    LOCKED (PostgreSQL) and the key `reminder:<id>` is unique, so two workers or a repeat queue it once."""
    due = list(session.scalars(select(ClientReminder).where(ClientReminder.queued_at.is_(None),
                                                            ClientReminder.due_at <= now)
                               .order_by(ClientReminder.due_at, ClientReminder.id)
                               .with_for_update(skip_locked=True)))
    for row in due:
        data = {"kind": row.kind, "text": row.text, "code": row.code or "",
                "due_local": local_text(row.due_at, policy.time_zone)}
        notification = enqueue(session, key=f"reminder:{row.id}", investor_id=row.investor_id, purpose=PURPOSE,
                               template=TEMPLATE, data=data, now=now, policy=policy, channel=row.channel)
        row.queued_at, row.notification_id = now, notification.id
    return len(due)


def of_investor(session: Session, investor_id: int) -> list[ClientReminder]:
    return list(session.scalars(select(ClientReminder).where(ClientReminder.investor_id == investor_id)
                                .order_by(ClientReminder.due_at, ClientReminder.id)))
