"""`hotline staffing`, `tariff`, `bill`, `budget`, `department`: Erlang C staffing, the tariff table, monthly
call bills, outbound budgets, and the department an agent's calls are billed to."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crm_core import agents
from crm_core.billing import bills, budgets, tariffs
from crm_core.billing.rating import E4, Line, TariffError, format_band, parse_band
from crm_core.documents import document_html
from crm_core.models import DepartmentMember
from crm_core.models.base import utcnow
from crm_core.notifications.templates import yuan
from hotline.cli_session import Handler, failing_cleanly, in_session
from reports.staffing import Forecast, StaffingError, read_forecast, required_agents

Work = Callable[[argparse.Namespace, Session], int]
FAILURES = (bills.BillError, budgets.BudgetError, TariffError, StaffingError, agents.AgentNotFound, ValueError)


def add_department(department: argparse.ArgumentParser) -> None:
    department.add_argument("job_number")
    department.add_argument("department")
    department.set_defaults(handler=_in_session(cmd_department))


def add_staffing(staffing: argparse.ArgumentParser) -> None:
    volume = staffing.add_mutually_exclusive_group(required=True)
    volume.add_argument("--calls", type=float, help="calls offered in the interval")
    volume.add_argument("--forecast", type=Path, metavar="CSV", help="a day: interval,calls[,aht] per row")
    staffing.add_argument("--interval-minutes", type=float, default=30.0)
    staffing.add_argument("--aht", type=float, required=True, help="average handle time, seconds")
    staffing.add_argument("--target-sl", type=float, default=0.8, help="share answered in time, e.g. 0.8")
    staffing.add_argument("--answer-seconds", type=float, default=20.0)
    staffing.add_argument("--shrinkage", type=float, default=0.0, help="share of paid time off the phones")
    staffing.add_argument("--max-occupancy", type=float, default=1.0)
    staffing.set_defaults(handler=_failing_cleanly(lambda args, settings: cmd_staffing(args)))


def add_tariff(tariff: argparse.ArgumentParser) -> None:
    commands = tariff.add_subparsers(dest="tariff_command", required=True)
    line = commands.add_parser("set", help="a new tariff version with this line; the calls it covers re-rated")
    line.add_argument("prefix", help="number prefix, digits")
    line.add_argument("rate", help="yuan per minute, e.g. 0.15")
    line.add_argument("--increment", type=int, default=60, help="billing increment, seconds")
    line.add_argument("--minimum", type=int, default=0, help="minimum billed, seconds")
    line.add_argument("--band", default="00:00-24:00", help="time of day HH:MM-HH:MM (Asia/Shanghai)")
    line.add_argument("--band-name", default="all day")
    line.add_argument("--direction", choices=["outbound", "inbound"], default="outbound")
    line.add_argument("--from", dest="start", help="'YYYY-MM-DD[ HH:MM]' Asia/Shanghai; default now")
    line.set_defaults(handler=_in_session(cmd_tariff_set))
    gone = commands.add_parser("remove", help="a new tariff version without this line; the calls it covers re-rated")
    gone.add_argument("prefix")
    gone.add_argument("--band", default="00:00-24:00")
    gone.add_argument("--direction", choices=["outbound", "inbound"], default="outbound")
    gone.add_argument("--from", dest="start", help="'YYYY-MM-DD[ HH:MM]' Asia/Shanghai; default now")
    gone.set_defaults(handler=_in_session(cmd_tariff_remove))
    commands.add_parser("list", help="the current tariff").set_defaults(handler=_in_session(cmd_tariff_list))


def add_bill(bill: argparse.ArgumentParser) -> None:
    bill.add_argument("--month", required=True, help="YYYY-MM (Asia/Shanghai)")
    whose = bill.add_mutually_exclusive_group(required=True)
    whose.add_argument("--client", help="fund account")
    whose.add_argument("--department")
    form = bill.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="the detail lines as CSV")
    form.add_argument("--html", type=Path, metavar="FILE", help="write the printable bill as HTML")
    form.add_argument("--pdf", type=Path, metavar="FILE", help="write the printable bill as PDF")
    bill.add_argument("--language", choices=["en", "zh"], default="en")
    bill.set_defaults(handler=_in_session(cmd_bill))


def add_budget(budget: argparse.ArgumentParser) -> None:
    commands = budget.add_subparsers(dest="budget_command", required=True)
    setting = commands.add_parser("set", help="a month's outbound budget for a campaign, agent or department")
    whose = setting.add_mutually_exclusive_group(required=True)
    for scope in budgets.Scope:
        whose.add_argument(f"--{scope.value}", dest=scope.value)
    setting.add_argument("--month", required=True, help="YYYY-MM")
    setting.add_argument("--limit", required=True, help="yuan, e.g. 500.00")
    setting.add_argument("--alert-at", type=int, default=80, help="alert at this share, percent")
    setting.set_defaults(handler=_in_session(cmd_budget_set))
    status = commands.add_parser("status", help="each budget of a month and what is spent")
    status.add_argument("--month", help="YYYY-MM (default this month)")
    status.set_defaults(handler=_in_session(cmd_budget_status))


def _failing_cleanly(run: Handler) -> Handler:
    return failing_cleanly(run, FAILURES)


def _in_session(work: Work) -> Handler:
    """The command in one transaction: a failure writes nothing."""
    return in_session(lambda args, _settings, session: work(args, session), FAILURES)


# staffing --------------------------------------------------------------------------------------------------
def cmd_staffing(args: argparse.Namespace) -> int:
    calls = args.calls if args.forecast is None else 1.0  # a day's forecast gives each interval's calls
    forecast = Forecast(calls=calls, interval_seconds=args.interval_minutes * 60, handle_seconds=args.aht,
                        target_service_level=args.target_sl, answer_seconds=args.answer_seconds,
                        shrinkage=args.shrinkage, max_occupancy=args.max_occupancy)
    if args.forecast is not None:
        return _staff_the_day(args.forecast, forecast)
    result = required_agents(forecast)
    print(f"traffic\t{result.traffic_erlangs:.2f} erlangs\n"
          f"agents\t{result.agents} on the phones\n"
          f"scheduled\t{result.scheduled_agents} (shrinkage {forecast.shrinkage:.0%})\n"
          f"service level\t{result.service_level:.1%} answered within {forecast.answer_seconds:g} s "
          f"(target {forecast.target_service_level:.0%})\n"
          f"ASA\t{result.asa_seconds:.1f} s\n"
          f"occupancy\t{result.occupancy:.1%}\n"
          f"P(wait)\t{result.wait_probability:.1%}")
    return 0


def _staff_the_day(path: Path, template: Forecast) -> int:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise StaffingError(f"cannot read the forecast {path}: {error.strerror}") from None
    intervals = read_forecast(text, template)  # the whole file checked before anything is printed
    print("interval\tcalls\taht\tagents\tscheduled\tservice level\tASA\toccupancy")
    for interval in intervals:
        wanted, result = interval.forecast, required_agents(interval.forecast)
        print("\t".join([interval.label, f"{wanted.calls:g}", f"{wanted.handle_seconds:g}", str(result.agents),
                         str(result.scheduled_agents), f"{result.service_level:.1%}", f"{result.asa_seconds:.1f} s",
                         f"{result.occupancy:.1%}"]))
    return 0


# tariff ----------------------------------------------------------------------------------------------------
def cmd_tariff_set(args: argparse.Namespace, session: Session) -> int:
    band_from, band_until = parse_band(args.band)
    line = Line(prefix=args.prefix, rate_per_minute=_decimal(args.rate, "rate"), increment_seconds=args.increment,
                minimum_seconds=args.minimum, direction=args.direction, band=args.band_name[:20],
                band_from=band_from, band_until=band_until)
    start = _local_time(args.start) if args.start else utcnow()
    version = tariffs.set_line(session, line, effective_from=start)
    rerated = budgets.after_tariff_change(session, version, utcnow())
    print(f"tariff version {version.id} from {_local(start)}: {_line_text(line)}; {rerated} calls rated")
    return 0


def cmd_tariff_remove(args: argparse.Namespace, session: Session) -> int:
    band_from, band_until = parse_band(args.band)
    start = _local_time(args.start) if args.start else utcnow()
    version = tariffs.remove_line(session, direction=args.direction, prefix=args.prefix, band_from=band_from,
                                  band_until=band_until, effective_from=start)
    rerated = budgets.after_tariff_change(session, version, utcnow())
    print(f"tariff version {version.id} from {_local(start)}: {args.direction} {args.prefix} {args.band} removed; "
          f"{rerated} calls rated")
    return 0


def cmd_tariff_list(args: argparse.Namespace, session: Session) -> int:
    version = tariffs.latest_version(session)
    if version is None:
        print("no tariff yet: calls are not rated")
        return 0
    print(f"tariff version {version.id} from {_local(version.effective_from)} ({version.time_zone})")
    for line in sorted(tariffs.lines_of(version), key=lambda ln: (ln.direction, ln.prefix, ln.band_from)):
        print(_line_text(line))
    return 0


def _line_text(line: Line) -> str:
    band = f"{line.band} {format_band(line.band_from, line.band_until)}"
    return (f"{line.direction}\t{line.prefix}\t{band}\t{line.rate_per_minute.quantize(E4)}/min\t"
            f"minimum {line.minimum_seconds} s, then by {line.increment_seconds} s")


def _decimal(text: str, what: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"the {what} is a number of yuan, e.g. 0.15, not {text!r}") from None


def _local_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"a time is 'YYYY-MM-DD[ HH:MM]', not {text!r}") from None
    return moment.replace(tzinfo=ZoneInfo(tariffs.BILLING_TIME_ZONE))


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(ZoneInfo(tariffs.BILLING_TIME_ZONE)):%Y-%m-%d %H:%M}"


# bills -----------------------------------------------------------------------------------------------------
COLUMNS = ["time", "direction", "caller", "callee", "agent", "duration", "billed", "prefix", "band", "rate", "cost"]


def cmd_bill(args: argparse.Namespace, session: Session) -> int:
    bill = (bills.client_bill(session, args.client, args.month) if args.client
            else bills.department_bill(session, args.department, args.month))
    document = bills.bill_document(bill)
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**line, "cost": yuan(line["cost"]).replace(",", "")} for line in document["lines"])
    elif args.html or args.pdf:
        _write_printable(document, args.language, args.html or args.pdf, pdf=bool(args.pdf))
    else:
        print(f"call bill {bill.month}: {bill.kind} {bill.name} ({bill.subject}), times in {bill.time_zone}")
        for line in document["lines"]:
            print("\t".join([line["time"], line["direction"], line["caller"], line["callee"], f"{line['duration']} s",
                             f"billed {line['billed']} s", yuan(line["cost"])]))
        print(f"total\t{yuan(bill.total_fen)} yuan ({len(bill.lines)} calls)")
    return 0


def _write_printable(document: dict[str, Any], language: str, path: Path, *, pdf: bool) -> None:
    html = document_html(document, language)
    if pdf:
        from gateways.fax_documents import html_to_pdf  # WeasyPrint loads Pango and fonts: only when asked

        path.write_bytes(html_to_pdf(html))
    else:
        path.write_text(html, encoding="utf-8")
    print(f"call bill {document['month']} for {document['subject']}: {len(document['lines'])} calls, "
          f"{yuan(document['total'])} yuan, written to {path}")


# budgets ---------------------------------------------------------------------------------------------------
def cmd_budget_set(args: argparse.Namespace, session: Session) -> int:
    scope = next(scope for scope in budgets.Scope if getattr(args, scope.value))
    subject = getattr(args, scope.value)
    budget = budgets.set_budget(session, scope, subject, args.month, _decimal(args.limit, "limit"), args.alert_at)
    standing = budgets.standing(session, budget)
    print(f"budget {standing.describe()}; alert at {budget.alert_percent} %")
    budgets.alert_budgets(session, args.month, utcnow())
    return 0


def cmd_budget_status(args: argparse.Namespace, session: Session) -> int:
    month = args.month or budgets.month_of(utcnow())
    rows = budgets.standings(session, month)
    for standing in rows:
        state = "SPENT: outbound calls refused" if standing.spent_out else "ok"
        alerted = f"\talerted {_local(standing.alerted_at)}" if standing.alerted_at else ""
        print(f"{standing.describe()}\t{state}{alerted}")
    if not rows:
        print(f"no outbound budgets for {month}")
    return 0


def cmd_department(args: argparse.Namespace, session: Session) -> int:
    agent = agents.get_by_job_number(session, args.job_number)
    if not args.department.strip():
        raise ValueError("a department has a name")
    session.merge(DepartmentMember(agent_id=agent.id, department=args.department.strip()[:60]))
    print(f"agent {agent.job_number}: department {args.department.strip()}")
    return 0
