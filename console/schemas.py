"""Request bodies as JSON Schema (the OpenAPI document shows the same dicts) and a small validator.

Malformed JSON or a body that is not an object: 400. A missing field, a wrong type, a value out of
range or not in the enum: 422. Strings with NUL or lone surrogates are refused: no database takes them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from console.errors import ApiError

MAX_DB_INT = 2**31 - 1
NOT_READY_REASONS = ["break", "lunch", "training", "meeting", "coaching", "admin"]
DISPOSITION_CODES = ["resolved", "information_given", "callback_needed", "complaint_raised", "transferred",
                     "order_help", "wrong_number", "other"]
AGENT_STATES = ["ready", "not_ready", "wrap_up", "logged_out"]
REPLY_CHANNELS = ["preferred", "email", "sms", "voice", "fax"]
REMINDER_KINDS = ["custom", "subscription", "maturity"]  # crm_core.notifications.reminders.Kind


def _string(max_length: int, min_length: int = 1, **more: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, **more}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_DB_INT}
PHONE_NUMBER = _string(20, 2, pattern=r"^\+?[0-9]{2,20}$")

REQUESTS: dict[str, dict[str, Any]] = {
    "Login": {"type": "object", "required": ["job_number", "password"], "properties": {
        "job_number": _string(20), "password": _string(200)}},
    "AgentState": {"type": "object", "required": ["state"], "properties": {
        "state": {"type": "string", "enum": AGENT_STATES},
        "reason": {"type": "string", "enum": NOT_READY_REASONS,
                   "description": "required when state is not_ready"}}},
    "Disposition": {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string", "enum": DISPOSITION_CODES}, "note": _string(4000, 0)}},
    "Hold": {"type": "object", "required": ["on"], "properties": {"on": {"type": "boolean"}}},
    "Transfer": {"type": "object", "properties": {
        "to_job_number": _string(20), "to_number": PHONE_NUMBER, "attended": {"type": "boolean"}},
        "description": "exactly one of to_job_number and to_number; a number needs attended: true"},
    "Dial": {"type": "object", "required": ["number"], "properties": {
        "number": PHONE_NUMBER,
        "campaign": {"type": "string", "minLength": 1, "maxLength": 60,
                     "description": "the campaign the call is made for (its outbound budget is checked)"}}},
    "Callback": {"type": "object", "required": ["investor_id", "at"], "properties": {
        "investor_id": ID, "at": {"type": "string", "format": "date-time", "maxLength": 40},
        "note": _string(2000, 0),
        "skill": _string(40, description="the queue it goes to if I am not ready at its time (default: general)")}},
    "Reply": {"type": "object", "required": ["channel", "subject", "body"], "properties": {
        "channel": {"type": "string", "enum": REPLY_CHANNELS,
                    "description": "preferred: the client's preferred channel as the CRM computes it"},
        "subject": _string(200), "body": _string(2000)}},
    "ClientReminder": {"type": "object", "required": ["at", "text", "channel"], "properties": {
        "at": _string(40, description="'YYYY-MM-DD HH:MM' in the notifications' time zone"),
        "text": _string(500), "kind": {"type": "string", "enum": REMINDER_KINDS},
        "code": _string(20, 0, description="the share, bond or product it is about"),
        "channel": {"type": "string", "enum": REPLY_CHANNELS}}},
    "PriceAlert": {"type": "object", "required": ["code", "direction", "price", "channel"], "properties": {
        "code": _string(6, 6, pattern=r"^[0-9]{6}$"), "direction": {"type": "string", "enum": ["above", "below"]},
        "price": _string(20, description="yuan, e.g. 1800.00"),
        "channel": {"type": "string", "enum": REPLY_CHANNELS}}},
    "Supervise": {"type": "object", "required": ["agent_id", "mode"], "properties": {
        "agent_id": ID, "mode": {"type": "string", "enum": ["listen", "whisper", "barge"]}}},
    "ForceState": {"type": "object", "required": ["state"], "properties": {
        "state": {"type": "string", "enum": ["not_ready", "logged_out"]}, "reason": _string(100, 0)}},
}


async def read_body(request: web.Request, name: str) -> dict[str, Any]:
    """The request's JSON object, checked against REQUESTS[name]."""
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    check(REQUESTS[name], body)
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


def _check_string(key: str, rule: dict[str, Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ApiError(422, f"{key} must be a string", field=key)
    if "\x00" in value or not _encodable(value):
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


def _encodable(value: str) -> bool:
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
    text = request.match_info[name]
    if not text.isdigit() or not text.isascii() or not 1 <= int(text) <= MAX_DB_INT:
        raise ApiError(404, f"no such {name.removesuffix('_id')}: {text[:40]}")
    return int(text)


def path_text(request: web.Request, name: str, max_length: int = 64) -> str:
    text = request.match_info[name]
    if not text or len(text) > max_length or not all(c.isascii() and (c.isalnum() or c in "._-") for c in text):
        raise ApiError(404, f"no such {name.removesuffix('_id')}: {text[:40]!r}")
    return text
