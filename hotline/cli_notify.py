"""`hotline notify ...`: send a message to a client through the outbox, see where notifications stand (and
each channel's health), retry one, subscribe a client to fill reports, set a client's reminders and price
alerts and list them. The running service sends (and queues reminders and alerts when they fall due)."""

from __future__ import annotations

import argparse
import hashlib
from typing import Any

from sqlalchemy.orm import Session

from crm_core.investors import find_by_account
from crm_core.models import ClientReminder, Investor, Notification, PriceAlert
from crm_core.models.base import utcnow
from crm_core.notifications import price_alerts, reminders
from crm_core.notifications.fill_reports import subscribe
from crm_core.notifications.outbox import (
    NotificationNotFound,
    counts_by_channel,
    enqueue,
    events_of,
    of_investor,
    retry,
)
from crm_core.notifications.rules import Channel
from crm_core.notifications.templates import UnknownTemplate
from crm_core.trading import SimulatedFeed
from hotline.cli_session import Handler, Work, in_session
from hotline.settings import Settings

CHANNELS = ["preferred", *[c.value for c in Channel]]


def add_notify_commands(notify: argparse.ArgumentParser) -> None:
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

    _add_document_commands(commands)
    _add_reminder_commands(commands)


DOCUMENT_COMMANDS = {  # command: (document, help)
    "statement": ("statement", "queue a client's statement (funds, holdings, today's fills)"),
    "quotes": ("quote_sheet", "queue a quote sheet (latest prices of the codes given, or of the client's holdings)"),
    "factsheet": ("fact_sheet", "queue a product's fact sheet (risk level, horizon, whether it suits the client)"),
}


def _add_document_commands(commands: Any) -> None:
    """One command per document, one way to queue them: by fax (fax-back), e-mail (a PDF) or SMS (a summary)."""
    for name, (kind, description) in DOCUMENT_COMMANDS.items():
        command = commands.add_parser(name, help=f"{description}: by fax, e-mail or SMS")
        command.add_argument("account")
        if kind == "fact_sheet":
            command.add_argument("--code", required=True, dest="codes", action="append", help="the product's code")
        elif kind == "quote_sheet":
            command.add_argument("--code", dest="codes", action="append", default=[],
                                 help="a six-digit security code (repeat for more; default: the client's holdings)")
        command.add_argument("--channel", choices=["fax", "email", "sms", "preferred"], default="fax")
        command.add_argument("--to", help="the fax number to send it to (default: the client's own)")
        command.add_argument("--key", help="idempotency key (default: one per client, document, channel, number "
                                           "and minute)")
        command.set_defaults(handler=cmd_document, document=kind)


def _add_reminder_commands(commands: Any) -> None:
    remind = commands.add_parser("remind", help="a client's reminder at a date and time (their local time)")
    remind.add_argument("account")
    remind.add_argument("--at", required=True, help="'YYYY-MM-DD HH:MM' in the client's time zone")
    remind.add_argument("--text", required=True)
    remind.add_argument("--kind", choices=[k.value for k in reminders.Kind], default=reminders.Kind.CUSTOM.value)
    remind.add_argument("--code", help="the share, bond or product it is about")
    remind.add_argument("--channel", choices=CHANNELS, default="preferred")
    remind.set_defaults(handler=cmd_remind)

    alert = commands.add_parser("alert", help="a client's one-shot price alert")
    alert.add_argument("account")
    alert.add_argument("--code", required=True, help="six-digit security code")
    way = alert.add_mutually_exclusive_group(required=True)
    way.add_argument("--above", metavar="PRICE", help="when the last price reaches PRICE or more")
    way.add_argument("--below", metavar="PRICE", help="when the last price falls to PRICE or less")
    alert.add_argument("--channel", choices=CHANNELS, default="preferred")
    alert.set_defaults(handler=cmd_alert)

    listing = commands.add_parser("reminders", help="a client's reminders and price alerts")
    listing.add_argument("account")
    listing.set_defaults(handler=cmd_reminders)


class CliError(LookupError):
    pass


# what a notify command expects to go wrong: a wrong account, id or template, a bad value
FAILURES = (CliError, NotificationNotFound, UnknownTemplate, ValueError)


def _in_session(work: Work) -> Handler:
    """The command in one transaction; a wrong account, id or template is an error line and exit 2."""
    return in_session(work, FAILURES)


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
    counts = counts_by_channel(session)
    configured = {"email": bool(settings.email.host), "sms": bool(settings.sms.host), "fax": bool(settings.fax.dial)}
    for channel in sorted(counts, key=lambda c: c or ""):
        sender = "" if configured.get(channel or "", True) else "  (no sender configured: waits)"
        for status, count in sorted(counts[channel].items()):
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


@_in_session
def cmd_remind(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    investor = _client(session, args.account)
    zone = settings.notify.time_zone
    row = reminders.add_reminder(session, investor.id, due_at=reminders.parse_local(args.at, zone), text=args.text,
                                 now=utcnow(), kind=args.kind, code=args.code, channel=args.channel)
    print(_reminder_line(row, zone))
    return 0


@_in_session
def cmd_alert(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    investor = _client(session, args.account)
    direction = "above" if args.above is not None else "below"
    row = price_alerts.add_alert(session, investor.id, code=args.code, direction=direction,
                                 price_cents=price_alerts.parse_price(args.above or args.below), now=utcnow(),
                                 market=SimulatedFeed(), channel=args.channel)
    print(_alert_line(row, settings.notify.time_zone))
    return 0


@_in_session
def cmd_reminders(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    investor = _client(session, args.account)
    zone = settings.notify.time_zone
    lines = [_reminder_line(r, zone) for r in reminders.of_investor(session, investor.id)]
    lines += [_alert_line(a, zone) for a in price_alerts.of_investor(session, investor.id)]
    print("\n".join(lines) if lines else f"{investor.account_number}: no reminders or price alerts")
    return 0


def _reminder_line(row: ClientReminder, zone: str) -> str:
    state = f"queued {reminders.local_text(row.queued_at, zone)}" if row.queued_at else "waiting"
    return (f"reminder {row.id}\t{reminders.local_text(row.due_at, zone)}\t{row.kind}\t{row.code or '-'}\t"
            f"{row.channel}\t{state}\t{row.text}")


def _alert_line(row: PriceAlert, zone: str) -> str:
    state = "waiting"
    if row.triggered_at is not None and row.triggered_price_cents is not None:
        state = f"triggered {reminders.local_text(row.triggered_at, zone)} at {row.triggered_price_cents / 100:.2f}"
    return f"alert {row.id}\t{row.security_code}\t{row.direction} {row.price_cents / 100:.2f}\t{row.channel}\t{state}"


@_in_session
def cmd_document(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    from ari_apps.ivr.trading.services import TradingServices  # the broker values holdings and quotes prices
    from crm_core.documents.send import queue_document

    investor = _client(session, args.account)
    now = utcnow()
    codes = list(getattr(args, "codes", None) or [])
    key = args.key or (f"{args.document}:{investor.id}:{args.channel}:{args.to or ''}:{','.join(codes)}:"
                       f"{now:%Y%m%d%H%M}")
    row = queue_document(session, investor.id, args.document, key=key, now=now, policy=settings.notify.policy(),
                         channel=args.channel, address=args.to, codes=codes,
                         broker=TradingServices.from_settings(settings.trading).broker)
    print(_line(row))
    return 0 if row.status != "given_up" else 1
