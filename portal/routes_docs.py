"""GET /api/openapi.json."""

from __future__ import annotations

from aiohttp import web

from portal.openapi import openapi_document

routes = web.RouteTableDef()


@routes.get("/api/openapi.json")
async def get_openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())
