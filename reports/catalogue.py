"""The reports by name, and how a report is written out (a text table or CSV)."""

from __future__ import annotations

import csv
from typing import TextIO

from reports import contact_centre
from reports.complaints import complaints
from reports.contact_centre import Builder, Cell, Report

REPORTS: dict[str, Builder] = {
    "queues": contact_centre.queues,
    "agents": contact_centre.agents,
    "not-ready": contact_centre.not_ready,
    "ivr": contact_centre.ivr,
    "trading": contact_centre.trading,
    "complaints": complaints,
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
        out.write("(no calls in this period)\n")
