"""Every /api route of the portal is in its OpenAPI document, with the request schema its handler enforces."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from crm_core.db import Database
from portal.app import build_app
from portal.openapi import openapi_document
from portal.schemas import REQUESTS
from tests.unit.portal.conftest import practice_broker


def test_every_api_route_is_described(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'unused.db'}")
    app: web.Application = build_app(db, practice_broker())
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
                assert any(p["name"] == "X-CSRF-Token" for p in operation["parameters"]), (method, path)
    assert document["openapi"].startswith("3.")
    db.dispose()
