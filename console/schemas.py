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
from crm_core.experts import EXPERT_TOPICS

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
    "Conference": {"type": "object", "properties": {"to_job_number": _string(20), "to_number": PHONE_NUMBER},
                   "description": "none: the consulted target (answered) joins; one of to_job_number and "
                                  "to_number: rung straight into the conference (the caller held meanwhile)"},
    "ConferenceLeave": {"type": "object", "required": ["who"], "properties": {
        "who": {"type": "string", "enum": ["agent", "expert"],
                "description": "agent: I leave, the caller stays with the expert; expert: back to two"}}},
    "ToQueue": {"type": "object", "properties": {
        "topic": {"type": "string", "enum": list(EXPERT_TOPICS), "description": "the expert pool's topic"},
        "skill": _string(40, description="any skill's queue")},
        "description": "exactly one of topic and skill"},
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
    "Review": {"type": "object", "required": ["call_id", "form", "scores"], "properties": {
        "call_id": _string(64, pattern=r"^[A-Za-z0-9._-]{1,64}$"), "form": _string(60),
        "scores": {"type": "object", "maxProperties": 200,
                   "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 100},
                   "description": "points per item id of the form, every item scored"},
        "comment": _string(4000, 0)}},
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
    elif kind == "object":
        _check_object(key, rule, value)


def _check_object(key: str, rule: dict[str, Any], value: Any) -> None:
    """A map of names to values of one kind (`additionalProperties`), e.g. points per item."""
    if not isinstance(value, dict):
        raise ApiError(422, f"{key} must be an object", field=key)
    if len(value) > rule.get("maxProperties", 100):
        raise ApiError(422, f"{key} has too many entries", field=key)
    for name, item in value.items():
        if len(name) > 100 or "\x00" in name or not _encodable(name):
            raise ApiError(422, f"{key} has a name that is not allowed", field=key)
        _check_value(f"{key}.{name}", rule["additionalProperties"], item)


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


def query_text(request: web.Request, name: str, max_length: int = 100) -> str | None:
    """An optional query parameter; empty is absent; too long or with characters no database takes: 422."""
    text = request.query.get(name, "").strip()
    if not text:
        return None
    if len(text) > max_length or "\x00" in text or not _encodable(text):
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


def path_text(request: web.Request, name: str, max_length: int = 64) -> str:
    text = request.match_info[name]
    if not text or len(text) > max_length or not all(c.isascii() and (c.isalnum() or c in "._-") for c in text):
        raise ApiError(404, f"no such {name.removesuffix('_id')}: {text[:40]!r}")
    return text
