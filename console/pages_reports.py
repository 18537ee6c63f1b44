"""/reports: the contact-centre reports for supervisors and administrators: charts (service level and calls by
hour, agent occupancy; SVG made on the server) and the chosen report's table, with links to the same as CSV
(/reports/{name}.csv) and as a printable PDF (/reports/{name}.pdf). The reports come from the ReportSource the
service hands the console (console/ports.py); without one the pages say so (503)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from console.context import ConsoleContext, context_of
from console.pages import logged_in, render
from console.ports import ReportSource

routes = web.RouteTableDef()


@dataclass(frozen=True)
class Query:
    name: str
    start: str
    end: str
    interval: str
    service_level: int
    short_abandon: int

    def link(self, suffix: str) -> str:
        return f"/reports/{self.name}{suffix}?" + urlencode({
            "from": self.start, "to": self.end, "interval": self.interval, "service_level": self.service_level,
            "short_abandon": self.short_abandon})

    async def view(self, ctx: ConsoleContext, source: ReportSource) -> Any:
        """The report; ValueError (a message for people) for bad input."""
        return await ctx.in_session(source.build, self.name, self.start, self.end, self.interval,
                                    self.service_level, self.short_abandon)


def query_of(request: web.Request, source: ReportSource, name: str | None = None) -> Query:
    today = source.today()
    q = request.query

    def number(key: str, default: int) -> int:
        text = q.get(key, str(default))
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else -1  # -1: refused by build

    return Query((name or q.get("name", "queues"))[:20], q.get("from", today)[:20], q.get("to", today)[:20],
                 q.get("interval", "hour")[:10], number("service_level", 20), number("short_abandon", 5))


def _source(request: web.Request) -> ReportSource:
    source = context_of(request).reports
    if source is None:
        raise web.HTTPServiceUnavailable(text="reports are not available in this console")
    return source


@routes.get("/reports")
async def reports_page(request: web.Request) -> web.Response:
    identity = logged_in(request)
    if not identity.may("supervise"):
        return render("forbidden.html", status=403, title="Forbidden", user=identity)
    source = _source(request)
    query = query_of(request, source)
    values: dict[str, Any] = {
        "title": "Reports", "user": identity, "query": query, "names": source.names, "intervals": source.intervals,
        "error": None, "view": None, "csv": query.link(".csv"), "pdf": query.link(".pdf"),
        "can_pdf": context_of(request).pdf_maker is not None}
    try:
        view = await query.view(context_of(request), source)
    except ValueError as bad:
        return render("reports.html", status=400, **{**values, "error": str(bad)})
    return render("reports.html", **{**values, "view": view})


@routes.get("/reports/{name}.csv")
async def report_csv(request: web.Request) -> web.Response:
    query, source, view = await _checked(request)
    return web.Response(text=source.csv(view), content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="{query.name}-{query.start}-{query.end}.csv"'})


@routes.get("/reports/{name}.pdf")
async def report_pdf(request: web.Request) -> web.Response:
    query, source, view = await _checked(request)
    ctx = context_of(request)
    if ctx.pdf_maker is None:
        raise web.HTTPServiceUnavailable(text="this console cannot make PDFs")
    pdf = await asyncio.get_running_loop().run_in_executor(ctx.executor, ctx.pdf_maker, source.html(view))
    return web.Response(body=pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{query.name}-{query.start}-{query.end}.pdf"'})


async def _checked(request: web.Request) -> tuple[Query, ReportSource, Any]:
    identity = logged_in(request)
    if not identity.may("supervise"):
        raise web.HTTPForbidden(text="this needs a supervisor role")
    source = _source(request)
    query = query_of(request, source, request.match_info["name"])
    try:
        return query, source, await query.view(context_of(request), source)
    except ValueError as bad:
        raise web.HTTPBadRequest(text=str(bad)) from None
