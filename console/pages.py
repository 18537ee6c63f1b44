"""Server-rendered pages: /login, /agent, /supervisor (jinja2; the behaviour is in static/*.js), and
/live-events.js, the live events' names and fields that the scripts read (made from crm_core/events.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from console.auth import home_page, identity_of
from console.context import context_of
from console.live import schema_script
from console.schemas import COMPLAINT_CATEGORIES, COMPLAINT_SEVERITIES, DISPOSITION_CODES, NOT_READY_REASONS
from crm_core.web_sessions import StaffIdentity

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                          undefined=jinja2.StrictUndefined)
routes = web.RouteTableDef()


def render(name: str, status: int = 200, **values: Any) -> web.Response:
    return web.Response(text=_env.get_template(name).render(**values), status=status, content_type="text/html")


def logged_in(request: web.Request) -> StaffIdentity:
    """The page's reader, or a redirect to the login page (saying the session expired if there was one)."""
    identity = identity_of(request)
    if identity is None:
        raise web.HTTPFound("/login?expired=1" if request.cookies.get("hotline_session") else "/login")
    return identity


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    identity = identity_of(request)
    raise web.HTTPFound(home_page(identity) if identity else "/login")


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    expired = "expired" in request.query
    return render("login.html", title="Log in", expired=expired, user=None)


@routes.get("/live-events.js")
async def live_events_script(request: web.Request) -> web.Response:
    return web.Response(text=schema_script(), content_type="application/javascript")


@routes.get("/agent")
async def agent_page(request: web.Request) -> web.Response:
    identity = logged_in(request)
    return render("agent.html", title="Agent desktop", user=identity, reasons=NOT_READY_REASONS,
                  codes=DISPOSITION_CODES, wrap_up_seconds=context_of(request).wrap_up_seconds,
                  complaint_categories=COMPLAINT_CATEGORIES, complaint_severities=COMPLAINT_SEVERITIES)


@routes.get("/supervisor")
async def supervisor_page(request: web.Request) -> web.Response:
    identity = logged_in(request)
    if not identity.may("supervise"):
        return render("forbidden.html", status=403, title="Forbidden", user=identity)
    return render("supervisor.html", title="Supervisor console", user=identity, reasons=NOT_READY_REASONS)
