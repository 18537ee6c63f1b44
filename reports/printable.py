"""A report laid out for print (HTML that WeasyPrint makes into a PDF, A4 landscape): title, period, its
charts as SVG, and the table. The same layout for the console's PDF link, `hotline report --pdf` and the
daily e-mail's attachment."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reports.charts import BarChart, svg
from reports.contact_centre import Options, Report

_ENV = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), undefined=StrictUndefined,
                   autoescape=True, trim_blocks=True, lstrip_blocks=True)


def title_of(name: str, options: Options) -> str:
    return f"Hotline report: {name} by {options.interval}"


def period_text(start: datetime, end: datetime, zone: str = "UTC") -> str:
    """The period's first and last days in the report's zone."""
    start, last = start.astimezone(ZoneInfo(zone)), end.astimezone(ZoneInfo(zone)) - timedelta(days=1)
    return f"{start:%Y-%m-%d}" if last.date() == start.date() else f"{start:%Y-%m-%d} to {last:%Y-%m-%d}"


def printable_html(name: str, start: datetime, end: datetime, options: Options, report: Report,
                   charts: list[BarChart], made: datetime) -> str:
    return _ENV.get_template("report.html.j2").render(
        title=title_of(name, options), period=period_text(start, end, options.zone), made=f"{made:%Y-%m-%d %H:%M}",
        charts=[svg(chart) for chart in charts], report=report)
