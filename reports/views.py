"""A report as the console shows it (console/ports.py `ReportSource`, handed to the console by the service):
the chosen report's table, the charts of the period as SVG, and the same as CSV or as printable HTML (which
the service's WeasyPrint makes into a PDF). Bad input (a date, an interval, a name) raises BadRequest."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from crm_core.complaints.rules import ComplaintRules
from crm_core.models.base import utcnow
from reports.catalogue import CHARTS, REPORTS, write_csv
from reports.charts import BarChart, svg
from reports.contact_centre import Cell, Options, Report
from reports.day import charts
from reports.periods import INTERVALS, BadRequest, period, zone_of
from reports.printable import period_text, printable_html, title_of

MAX_DAYS = 366


@dataclass(frozen=True)
class View:
    name: str
    start: datetime
    end: datetime
    options: Options
    report: Report
    bar_charts: list[BarChart]

    @property
    def title(self) -> str:
        return title_of(self.name, self.options)

    @property
    def period(self) -> str:
        return period_text(self.start, self.end, self.options.zone)

    @property
    def columns(self) -> list[str]:
        return self.report.columns

    @property
    def rows(self) -> list[list[Cell]]:
        return self.report.rows

    @property
    def charts(self) -> list[str]:
        return [svg(chart) for chart in self.bar_charts]


class ReportViews:
    names: tuple[str, ...] = tuple(REPORTS)
    intervals: tuple[str, ...] = INTERVALS

    def __init__(self, zone: str = "UTC", complaints: ComplaintRules | None = None) -> None:
        self.zone = zone  # days and intervals are this zone's (`[reports] time_zone`)
        self.complaints = complaints or ComplaintRules()  # the complaints' calendar (`[complaints]`)

    def today(self, now: datetime | None = None) -> str:
        return f"{(now or utcnow()).astimezone(zone_of(self.zone)):%Y-%m-%d}"

    def build(self, session: Session, name: str, start_day: str, end_day: str, interval: str,
              service_level_seconds: int, short_abandon_seconds: int) -> View:
        options = Options(interval, service_level_seconds, short_abandon_seconds, self.zone, self.complaints)
        start, end = period(start_day, end_day, self.zone)
        if end - start > timedelta(days=MAX_DAYS):
            raise BadRequest(f"a report covers at most {MAX_DAYS} days")
        options.check()
        if name not in REPORTS:
            raise BadRequest(f"unknown report {name!r} (one of {', '.join(REPORTS)})")
        return View(name, start, end, options, REPORTS[name](session, start, end, options),
                    CHARTS.get(name, charts)(session, start, end, options))

    def csv(self, view: View) -> str:
        out = io.StringIO()
        write_csv(view.report, out)
        return out.getvalue()

    def html(self, view: View, made: datetime | None = None) -> str:
        return printable_html(view.name, view.start, view.end, view.options, view.report, view.bar_charts,
                              made or utcnow())
