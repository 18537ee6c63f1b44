"""Every /api route is in the OpenAPI document, with the request schema its handler enforces."""

from __future__ import annotations

from aiohttp import web

from console.app import build_app
from console.openapi import openapi_document
from console.ports import LiveEvents
from console.schemas import REQUESTS
from crm_core.db import Database
from tests.unit.console.doubles import FakeTelephony


def test_every_api_route_is_described(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'unused.db'}")
    app: web.Application = build_app(db, FakeTelephony(), LiveEvents())
    routes = {(route.method.lower(), route.resource.canonical) for route in app.router.routes()
              if route.resource is not None and route.resource.canonical.startswith("/api")
              and route.method != "HEAD"}
    document = openapi_document()
    described = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert routes == described
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if body is not None:
                name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                assert name in REQUESTS, (method, path)
    assert document["openapi"].startswith("3.")
    db.dispose()
