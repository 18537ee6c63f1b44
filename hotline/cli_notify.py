"""`hotline notify ...`: send a message to a client through the outbox, see where notifications stand (and
each channel's health), retry one, subscribe a client to fill reports. The running service sends."""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core.db import Database
from crm_core.investors import find_by_account
from crm_core.models import Investor, Notification
from crm_core.models.base import utcnow
from crm_core.notifications import Channel, enqueue, retry
from crm_core.notifications.fill_reports import subscribe
from crm_core.notifications.outbox import NotificationNotFound, events_of, of_investor
from crm_core.notifications.templates import UnknownTemplate
from hotline.settings import Settings

CHANNELS = ["preferred", *[c.value for c in Channel]]
Handler = Callable[[argparse.Namespace, Settings], int]


def add_notify_commands(subparsers: Any) -> None:
    notify = subparsers.add_parser("notify", help="notifications to clients: send, status, retry, subscribe")
    commands = notify.add_subparsers(dest="notify_command", required=True)

    send = commands.add_parser("send", help="queue a message to a client (the service sends it)")
    send.add_argument("account", help="the client's fund account")
    send.add_argument("--subject", required=True)
    send.add_argument("--body", required=True)
    send.add_argument("--channel", choices=CHANNELS, default="preferred")
    send.add_argument("--key", help="idempotency key (default: one per subject and body)")
    send.set_defaults(handler=cmd_send)

    status = commands.add_parser("status", help="notifications and each channel's health")
    status.add_argument("account", nargs="?", help="one client's notifications (default: the health summary)")
    status.add_argument("--id", type=int, help="one notification's whole life")
    status.set_defaults(handler=cmd_status)

    again = commands.add_parser("retry", help="send a failed, given-up or unknown notification again")
    again.add_argument("id", type=int)
    again.set_defaults(handler=cmd_retry)

    sub = commands.add_parser("subscribe", help="a client asks for fill reports")
    sub.add_argument("account")
    sub.add_argument("--channel", choices=CHANNELS, default="preferred")
    sub.set_defaults(handler=cmd_subscribe)


class CliError(LookupError):
    pass


def _in_session(work: Callable[[argparse.Namespace, Settings, Session], int]) -> Handler:
    """The command in one transaction; a wrong account, id or template is an error line and exit 2."""

    def handler(args: argparse.Namespace, settings: Settings) -> int:
        database = Database(settings.database_url)
        try:
            with database.session() as session:
                return work(args, settings, session)
        except (CliError, NotificationNotFound, UnknownTemplate, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        finally:
            database.dispose()

    return handler


def _client(session: Session, account: str) -> Investor:
    investor = find_by_account(session, account)
    if investor is None:
        raise CliError(f"no client with fund account {account!r}")
    return investor


@_in_session
def cmd_send(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    investor = _client(session, args.account)
    digest = hashlib.sha256(f"{args.channel}\n{args.subject}\n{args.body}".encode()).hexdigest()[:16]
    key = args.key or f"reply:{investor.id}:{digest}"  # the same message twice is queued once
    row = enqueue(session, key=key, investor_id=investor.id, purpose="reply", template="message",
                  data={"subject": args.subject, "body": args.body}, now=utcnow(),
                  policy=settings.notify.policy(), channel=args.channel)
    print(_line(row))
    return 0 if row.status != "given_up" else 1


@_in_session
def cmd_status(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    if args.id is not None:
        row = session.get(Notification, args.id)
        if row is None:
            raise CliError(f"no notification {args.id}")
        print(_line(row))
        for event in events_of(session, row.id):
            print(f"  {event.at:%Y-%m-%d %H:%M:%S} {event.status:<9} {event.channel or '-':<6} {event.reason}")
    elif args.account:
        for row in of_investor(session, _client(session, args.account).id):
            print(_line(row))
    else:
        _health(session, settings)
    return 0


def _health(session: Session, settings: Settings) -> None:
    counts = session.execute(select(Notification.channel, Notification.status, func.count())
                             .group_by(Notification.channel, Notification.status)
                             .order_by(Notification.channel, Notification.status)).all()
    configured = {"email": bool(settings.email.host), "sms": bool(settings.sms.host)}
    for channel, status, count in counts:
        sender = "" if configured.get(channel or "", True) else "  (no sender configured: waits)"
        print(f"{channel or '-':<6} {status:<9} {count}{sender}")
    if not counts:
        print("no notifications")


@_in_session
def cmd_retry(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    print(_line(retry(session, args.id, utcnow(), settings.notify.policy())))
    return 0


@_in_session
def cmd_subscribe(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    investor = _client(session, args.account)
    subscribe(session, investor.id, channel=args.channel)
    print(f"{investor.account_number} {investor.name}: fill reports by {args.channel}")
    return 0


def _line(row: Notification) -> str:
    return (f"{row.id}\t{row.key}\t{row.status}\t{row.channel or '-'}\t{row.address or '-'}\t"
            f"attempts {row.attempts}\tdue {row.due_at:%Y-%m-%d %H:%M:%S}\t{row.reason}").rstrip()
