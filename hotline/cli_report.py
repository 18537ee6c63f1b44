"""`hotline report NAME --from DAY --to DAY [--interval 15m|hour|day|month] [--csv | --pdf FILE]`: contact-centre
reports read from the interval aggregates, as a table, CSV, or a printable PDF with the period's charts;
`hotline report rebuild --from DAY --to DAY` recomputes the aggregates of those days from the calls and their
events."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from crm_core.db import Database
from crm_core.report_intervals import rebuild, rebuild_agent_states
from hotline.complaint_wiring import complaint_rules
from hotline.settings import Settings
from reports.catalogue import REPORTS, write_csv, write_table
from reports.contact_centre import Options, Report
from reports.periods import INTERVALS, BadRequest, period
from reports.views import ReportViews


def add_report_commands(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help=f"{', '.join(REPORTS)}; or rebuild (recompute the aggregates of the period)")
    p.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (in [reports] time_zone)")
    p.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (included)")
    p.add_argument("--interval", default="day", help=f"one of {', '.join(INTERVALS)} (default: day)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", action="store_true", help="CSV on standard output")
    out.add_argument("--pdf", type=Path, metavar="FILE", help="write the printable report (charts and table) as PDF")
    p.add_argument("--service-level", type=int, default=20, help="answered within this many seconds (default 20)")
    p.add_argument("--short-abandon", type=int, default=5,
                   help="abandoned within this many seconds counts apart (default 5)")
    p.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    options = Options(args.interval, args.service_level, args.short_abandon, settings.reports.time_zone,
                      complaint_rules(settings))
    try:
        start, end = period(args.start, args.end, options.zone)
        options.check()
        if args.name != "rebuild" and args.name not in REPORTS:
            raise BadRequest(f"unknown report {args.name!r} (one of {', '.join(REPORTS)}, or rebuild)")
    except BadRequest as bad:
        print(f"error: {bad}", file=sys.stderr)
        return 2
    database = Database(settings.database_url)
    try:
        if args.pdf and args.name != "rebuild":
            return _write_pdf(database, args, options)
        report = _run(database, args, options, start, end)
    except SQLAlchemyError as failed:
        print(f"error: the database could not give the report ({type(failed).__name__}); "
              "is it at the newest schema (`hotline db upgrade`)?", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    if report is not None:
        (write_csv if args.csv else write_table)(report, sys.stdout)
    return 0


def _write_pdf(database: Database, args: argparse.Namespace, options: Options) -> int:
    from gateways.fax_documents import DocumentError, html_to_pdf  # WeasyPrint loads Pango and fonts: only when asked

    views = ReportViews(options.zone, options.complaints)
    with database.session() as session:
        view = views.build(session, args.name, args.start, args.end, args.interval, args.service_level,
                           args.short_abandon)
    try:
        args.pdf.write_bytes(html_to_pdf(views.html(view)))
    except (OSError, DocumentError) as failed:
        print(f"error: cannot write {args.pdf}: {failed}", file=sys.stderr)
        return 1
    print(f"{view.title}, {view.period}: {len(view.rows)} rows written to {args.pdf}")
    return 0


def _run(database: Database, args: argparse.Namespace, options: Options, start: datetime,
         end: datetime) -> Report | None:
    with database.session() as session:
        if args.name != "rebuild":
            return REPORTS[args.name](session, start, end, options)
        read = rebuild(session, start, end), rebuild_agent_states(session, start, end)
    print(f"rebuilt {args.start} to {args.end}: {read[0]} calls and {read[1]} agent state changes read")
    return None
