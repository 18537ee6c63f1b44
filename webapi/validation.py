"""Request bodies checked against JSON Schema dicts (the same dicts each app's OpenAPI document shows), and the
path and query parameters read safely.

Malformed JSON or a body that is not an object: 400. A missing field, a wrong type, a value out of range or not
in the enum or pattern: 422 naming the field. Strings with NUL or lone surrogates are refused: no database
takes them. Only the schema keywords the apps use are understood (type string / integer / boolean / object with
additionalProperties; required, enum, minLength, maxLength, pattern, minimum, maximum, maxProperties, format
date-time).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from webapi.errors import ApiError

MAX_DB_INT = 2**31 - 1


async def read_body(request: web.Request, schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object, checked against `schema`."""
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    check(schema, body)
    return body


def check(schema: dict[str, Any], body: dict[str, Any]) -> None:
    for key in schema.get("required", []):
        if key not in body or body[key] is None:
            raise ApiError(422, f"{key} is required", field=key)
    for key, rule in schema["properties"].items():
        if body.get(key) is not None:
            _check_value(key, rule, body[key])


def _check_value(key: str, rule: dict[str, Any], value: Any) -> None:
    kind = rule["type"]
    if kind == "string":
        _check_string(key, rule, value)
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApiError(422, f"{key} must be an integer", field=key)
        if not rule.get("minimum", -MAX_DB_INT) <= value <= rule.get("maximum", MAX_DB_INT):
            raise ApiError(422, f"{key} is out of range", field=key)
    elif kind == "boolean" and not isinstance(value, bool):
        raise ApiError(422, f"{key} must be true or false", field=key)
    elif kind == "object":
        _check_object(key, rule, value)


def _check_object(key: str, rule: dict[str, Any], value: Any) -> None:
    """A map of names to values of one kind (`additionalProperties`), e.g. points per item."""
    if not isinstance(value, dict):
        raise ApiError(422, f"{key} must be an object", field=key)
    if len(value) > rule.get("maxProperties", 100):
        raise ApiError(422, f"{key} has too many entries", field=key)
    for name, item in value.items():
        if len(name) > 100 or not storable(name):
            raise ApiError(422, f"{key} has a name that is not allowed", field=key)
        _check_value(f"{key}.{name}", rule["additionalProperties"], item)


def _check_string(key: str, rule: dict[str, Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ApiError(422, f"{key} must be a string", field=key)
    if not storable(value):
        raise ApiError(422, f"{key} contains characters that are not allowed", field=key)
    if "enum" in rule and value not in rule["enum"]:
        raise ApiError(422, f"{key} must be one of: {', '.join(rule['enum'])}", field=key)
    if not rule.get("minLength", 0) <= len(value) <= rule.get("maxLength", 10_000):
        raise ApiError(422, f"{key} must have {rule.get('minLength', 0)} to {rule.get('maxLength')} characters",
                       field=key)
    if "pattern" in rule and not re.fullmatch(rule["pattern"].strip("^$"), value):
        raise ApiError(422, f"{key} is not in the expected form", field=key)
    if rule.get("format") == "date-time":
        parse_time(key, value)


def storable(value: str) -> bool:
    """No NUL and no lone surrogate: text every database takes."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_time(key: str, value: str) -> datetime:
    """An ISO 8601 time with its offset, in UTC; a time without an offset is ambiguous and refused."""
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ApiError(422, f"{key} needs a time zone offset (e.g. Z or +08:00)", field=key)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ApiError(422, f"{key} is not an ISO 8601 date-time", field=key) from None


def path_int(request: web.Request, name: str) -> int:
    """A positive id of the path; anything else is a 404 naming what was not found."""
    text = request.match_info[name]
    if not text.isdigit() or not text.isascii() or not 1 <= int(text) <= MAX_DB_INT:
        raise ApiError(404, f"no such {name.removesuffix('_id')}: {text[:40]}")
    return int(text)


def path_text(request: web.Request, name: str, max_length: int = 64) -> str:
    text = request.match_info[name]
    if not text or len(text) > max_length or not all(c.isascii() and (c.isalnum() or c in "._-") for c in text):
        raise ApiError(404, f"no such {name.removesuffix('_id')}: {text[:40]!r}")
    return text


def query_text(request: web.Request, name: str, max_length: int = 100) -> str | None:
    """An optional query parameter; empty is absent; too long or with characters no database takes: 422."""
    text = request.query.get(name, "").strip()
    if not text:
        return None
    if len(text) > max_length or not storable(text):
        raise ApiError(422, f"{name} must have at most {max_length} characters", field=name)
    return text


def query_day(request: web.Request, name: str) -> datetime | None:
    """An optional day, YYYY-MM-DD, as its midnight in UTC."""
    text = query_text(request, name, 10)
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(422, f"{name} must be a day, YYYY-MM-DD", field=name) from None
