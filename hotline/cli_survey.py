"""`hotline survey ...`: publish a survey (a JSON document, a new version each time), create a campaign, keep
the do-not-call list, run a campaign's batch (the running service dials it; this command shows its progress),
and see where campaigns stand and what clients answered, in campaigns and in post-call surveys."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.db import Database
from crm_core.models import SurveyCampaign
from crm_core.models.base import utcnow
from crm_core.surveys.dialing import zone
from crm_core.surveys.links import CHANNELS as LINK_CHANNELS
from crm_core.surveys.links import send as send_links
from crm_core.surveys.post_call import post_call_results
from crm_core.surveys.results import Progress, progress, results
from crm_core.surveys.service import campaign_named, create_campaign, forbid, publish, request_run
from hotline.cli_notify import FAILURES
from hotline.cli_session import Handler, Work, in_session
from hotline.settings import Settings
from reports.periods import period

BAR_WIDTH = 30


def _in_session(work: Work) -> Handler:
    """The command in one transaction; an unknown campaign or a bad value is an error line and exit 2."""
    return in_session(work, FAILURES)


def add_survey_commands(survey: argparse.ArgumentParser) -> None:
    commands = survey.add_subparsers(dest="survey_command", required=True)

    p = commands.add_parser("publish", help="publish a survey document (JSON) as the survey's next version")
    p.add_argument("code")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_publish)

    p = commands.add_parser("campaign", help="create a campaign asking a survey's latest version")
    p.add_argument("code")
    p.add_argument("--survey", required=True)
    p.add_argument("--source", required=True, help="segment:CODE, list:CODE or event:called_today|"
                                                   "complaint_closed|first_phone_order")
    p.add_argument("--max-attempts", type=int)
    p.add_argument("--window", help="the call window in the clients' local time, e.g. 09:00-21:00")
    p.add_argument("--timezone", help="the clients' time zone (default Asia/Shanghai)")
    p.add_argument("--retry", help="retry delays in seconds per outcome, e.g. busy=600,no_answer=3600,machine=7200")
    p.set_defaults(handler=cmd_campaign)

    p = commands.add_parser("forbid", help="put a number on the do-not-call list")
    p.add_argument("number")
    p.add_argument("--reason", default="")
    p.set_defaults(handler=cmd_forbid)

    p = commands.add_parser("run", help="run a campaign's batch now (the service dials) and show its progress")
    p.add_argument("code")
    p.add_argument("--until", help="no call starts after this local time (HH:MM today, or an ISO date-time); "
                                   "default: the end of the call window")
    p.add_argument("--no-wait", action="store_true", help="ask for the batch and return")
    p.add_argument("--start-timeout", type=float, default=30.0,
                   help="seconds to wait for a service to take the batch before saying none did")
    p.set_defaults(handler=cmd_run)

    p = commands.add_parser("status", help="every campaign's progress, or one campaign's")
    p.add_argument("code", nargs="?")
    p.set_defaults(handler=cmd_status)

    p = commands.add_parser("results", help="answers per week, agent, skill, question and key (tab-separated)")
    p.add_argument("code", nargs="?")
    p.set_defaults(handler=cmd_results)

    p = commands.add_parser("send", help="send a campaign's survey by e-mail or SMS: a single-use link to the "
                                         "portal's web form, queued in the outbox for every target not yet "
                                         "reached by phone (once per target and channel)")
    p.add_argument("code")
    p.add_argument("--by", required=True, choices=list(LINK_CHANNELS))
    p.add_argument("--base-url", help="the portal's public address (default: [portal] public_url)")
    p.add_argument("--days", type=int, default=7, help="how long a link works (default 7)")
    p.set_defaults(handler=cmd_send)

    p = commands.add_parser("post-call", help="the post-call surveys of the days given: each surveyed call with its "
                                              "agent, skill, disposition, outcome and answers (tab-separated)")
    p.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (UTC)")
    p.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (included)")
    p.set_defaults(handler=cmd_post_call)


@_in_session
def cmd_publish(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {args.file}: {exc}") from exc
    row = publish(session, args.code, text, by="cli")
    print(f"{row.code} v{row.version}")
    return 0


@_in_session
def cmd_campaign(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    policy: dict[str, Any] = {}
    if args.max_attempts is not None:
        policy["max_attempts"] = args.max_attempts
    if args.timezone:
        policy["timezone"] = args.timezone
    if args.window:
        opens, _, closes = args.window.partition("-")
        policy["window_from"], policy["window_until"] = opens.strip(), closes.strip()
    if args.retry:
        pairs = [part.partition("=") for part in args.retry.split(",") if part.strip()]
        if any(not sep or not value.strip().isdigit() for _, sep, value in pairs):
            raise ValueError(f"--retry {args.retry!r}: outcome=seconds, separated by commas")
        policy["retry_seconds"] = {key.strip(): int(value) for key, _, value in pairs}
    row = create_campaign(session, args.code, args.survey, args.source, policy)
    print(f"{row.code}\t{row.source}\t{row.status}")
    return 0


@_in_session
def cmd_forbid(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    print(forbid(session, args.number, args.reason))
    return 0


@_in_session
def cmd_status(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    campaigns = [campaign_named(session, args.code)] if args.code else \
        list(session.scalars(select(SurveyCampaign).order_by(SurveyCampaign.id)))
    for campaign in campaigns:
        print(_status_line(progress(session, campaign)))
        if args.code:
            done = progress(session, campaign)
            for name, count in sorted(done.outcomes.items()):
                print(f"  {name:<12}{count}")
    if not campaigns:
        print("no survey campaigns")
    return 0


@_in_session
def cmd_results(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    if args.code:
        campaign_named(session, args.code)
    print("week\tcampaign\tagent\tskill\tquestion\tkey\tanswers")
    for row in results(session, args.code):
        print(f"{row.week}\t{row.campaign}\t{row.agent_id or ''}\t{row.skill or ''}\t{row.question}\t{row.key}\t"
              f"{row.answers}")
    return 0


@_in_session
def cmd_send(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    base_url = args.base_url or settings.portal.public_url
    if not base_url:
        raise ValueError("give --base-url or set [portal] public_url (HOTLINE_PORTAL_PUBLIC_URL): the address "
                         "clients open the survey at")
    done = send_links(session, args.code, args.by, base_url=base_url, now=utcnow(), policy=settings.notify.policy(),
                      valid_days=args.days)
    print(f"{args.code}\t{args.by}\tqueued {done.queued}\talready sent {done.already}\tskipped "
          f"{done.skipped}")
    return 0


@_in_session
def cmd_post_call(args: argparse.Namespace, settings: Settings, session: Session) -> int:
    start, end = period(args.start, args.end)
    print("started\tcall\tagent\tskill\tdisposition\toutcome\tanswers\tcomments")
    for row in post_call_results(session, start, end):
        answers = " ".join(f"{q}={k}" for q, k in row.answers.items() if q not in row.comments)
        comments = " ".join(f"{q}={name}" for q, name in row.comments.items())
        print(f"{row.started_at:%Y-%m-%d %H:%M:%S}\t{row.call_id}\t{row.agent or ''}\t{row.skill or ''}\t"
              f"{row.disposition or ''}\t{row.outcome or 'under way'}\t{answers}\t{comments}")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            until = _until(args.until, settings)
            request_run(session, args.code, until)
        if args.no_wait:
            print(f"{args.code}: batch requested")
            return 0
        return _follow(database, args.code, args.start_timeout, settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{args.code}: no longer watching (the service carries on)", file=sys.stderr)
        return 130
    finally:
        database.dispose()


def _until(text: str | None, settings: Settings) -> datetime | None:
    if not text:
        return None
    tz = zone(settings.scheduler.timezone)
    try:
        if len(text) <= 5:
            return datetime.combine(datetime.now(tz).date(), datetime.strptime(text, "%H:%M").time(), tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--until {text!r}: HH:MM or an ISO date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _follow(database: Database, code: str, start_timeout: float, settings: Settings) -> int:
    """The batch's progress until it ends (a bar on a terminal, a line per change otherwise)."""
    started = time.monotonic()
    last = ""
    while True:
        with database.session() as session:
            now = progress(session, campaign_named(session, code))
        line = _bar(now)
        if line != last:
            _show(line, final=False)
            last = line
        if now.status not in ("requested", "running"):
            _show(line, final=True)
            print(_status_line(now))
            return 0
        if now.status == "requested" and time.monotonic() - started > start_timeout:
            _show(line, final=True)
            print(f"error: no service took campaign {code} in {start_timeout:.0f}s (is `hotline serve` running?); "
                  "it stays requested", file=sys.stderr)
            return 1
        time.sleep(0.5)


def _bar(p: Progress) -> str:
    total = max(p.targets, 1)
    filled = round(BAR_WIDTH * (p.targets - p.remaining) / total)
    return (f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] dialled {p.dialled}  answered {p.answered}  "
            f"completed {p.completed}  remaining {p.remaining}")


def _show(line: str, *, final: bool) -> None:
    if sys.stderr.isatty():
        print(f"\r{line}", end="\n" if final else "", file=sys.stderr, flush=True)
    elif not final:
        print(line, file=sys.stderr, flush=True)


def _status_line(p: Progress) -> str:
    return (f"{p.campaign}\t{p.survey}\t{p.status}\ttargets {p.targets}\tdialled {p.dialled}\t"
            f"answered {p.answered}\tcompleted {p.completed}\tremaining {p.remaining}")
