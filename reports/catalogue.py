"""The reports by name (and the charts of those that have their own), and how a report is written out (a text
table or CSV)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from sqlalchemy.orm import Session

from reports import contact_centre
from reports.charts import BarChart
from reports.complaints import complaint_charts, complaints
from reports.contact_centre import Builder, Cell, Options, Report
from reports.surveys import survey_charts, surveys

REPORTS: dict[str, Builder] = {
    "queues": contact_centre.queues,
    "agents": contact_centre.agents,
    "not-ready": contact_centre.not_ready,
    "ivr": contact_centre.ivr,
    "trading": contact_centre.trading,
    "complaints": complaints,
    "surveys": surveys,
}
ChartBuilder = Callable[[Session, datetime, datetime, Options], list[BarChart]]
CHARTS: dict[str, ChartBuilder] = {  # a report's own charts; the others show the day's (reports/day.py)
    "complaints": complaint_charts,
    "surveys": survey_charts,
}


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell)


def write_csv(report: Report, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(report.columns)
    writer.writerows([[_text(cell) for cell in row] for row in report.rows])


def write_table(report: Report, out: TextIO) -> None:
    """Aligned columns for a terminal; an empty cell (no calls to divide by) shows as '-'."""
    cells = [report.columns, *[[_text(cell) or "-" for cell in row] for row in report.rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(report.columns))]
    for row in cells:
        out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")
    if not report.rows:
        out.write("(nothing in this period)\n")
