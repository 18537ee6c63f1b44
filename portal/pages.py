"""Server-rendered pages: /login and /home (jinja2; the behaviour is in static/portal.js)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from crm_core import client_sessions
from portal.auth import COOKIE, identity_of, session_token
from portal.routes_orders import DISCLOSURE_TEXT

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                          undefined=jinja2.StrictUndefined)
routes = web.RouteTableDef()


def render(name: str, status: int = 200, **values: Any) -> web.Response:
    return web.Response(text=_env.get_template(name).render(**values), status=status, content_type="text/html")


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    raise web.HTTPFound("/home" if identity_of(request) else "/login")


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    return render("login.html", title="Log in", expired="expired" in request.query, client=None)


@routes.get("/home")
async def home_page(request: web.Request) -> web.Response:
    identity = identity_of(request)
    if identity is None:
        raise web.HTTPFound("/login?expired=1" if request.cookies.get(COOKIE) else "/login")
    csrf = client_sessions.csrf_token(session_token(request) or "")
    return render("home.html", title="My accounts", client=identity, csrf=csrf, disclosure=DISCLOSURE_TEXT)
