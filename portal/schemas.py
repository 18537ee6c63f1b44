"""The portal's request bodies as JSON Schema (the OpenAPI document shows the same dicts), checked by
webapi.validation (400 for malformed JSON, 422 naming the field), and the {account} of a path."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm_core.callbacks import CLIENT_TOPICS
from crm_core.complaints.categories import CATEGORIES
from crm_core.complaints.intake import DEPARTMENT_LIMIT, SUMMARY_LIMIT
from portal.errors import NOT_FOUND
from webapi import validation
from webapi.errors import ApiError
from webapi.validation import MAX_DB_INT

CHANNELS = ["preferred", "email", "sms", "voice", "fax"]


def _string(max_length: int, min_length: int = 1, **more: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, **more}


ACCOUNT = _string(32, 1, pattern=r"^[0-9A-Za-z]{1,32}$")
CODE = _string(6, 6, pattern=r"^[0-9]{6}$")
REQUEST_ID = _string(64, 8, pattern=r"^[A-Za-z0-9_-]{8,64}$",
                     description="made by the browser once per order form; a repeat returns the first result")
DAY = _string(10, 10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

REQUESTS: dict[str, dict[str, Any]] = {
    "Login": {"type": "object", "required": ["account", "password"], "properties": {
        "account": ACCOUNT, "password": _string(64)}},
    "OrderDraft": {"type": "object", "required": ["side", "code", "price", "quantity"], "properties": {
        "side": {"type": "string", "enum": ["buy", "sell"]}, "code": CODE,
        "price": _string(12, 1, pattern=r"^[0-9]{1,6}(\.[0-9]{1,3})?$", description="yuan, e.g. 38.60"),
        "quantity": {"type": "integer", "minimum": 1, "maximum": 100_000_000},
        "disclosure_id": {"type": "integer", "minimum": 1, "maximum": MAX_DB_INT}}},
    "Order": {"type": "object", "required": ["side", "code", "price", "quantity", "request_id"], "properties": {
        "side": {"type": "string", "enum": ["buy", "sell"]}, "code": CODE,
        "price": _string(12, 1, pattern=r"^[0-9]{1,6}(\.[0-9]{1,3})?$"),
        "quantity": {"type": "integer", "minimum": 1, "maximum": 100_000_000},
        "disclosure_id": {"type": "integer", "minimum": 1, "maximum": MAX_DB_INT}, "request_id": REQUEST_ID}},
    "Disclosure": {"type": "object", "required": ["code", "accepted"], "properties": {
        "code": CODE, "accepted": {"type": "boolean", "description": "true: I have read it and accept the risk"}}},
    "Cancel": {"type": "object", "required": ["request_id"], "properties": {"request_id": REQUEST_ID}},
    "Reminder": {"type": "object", "required": ["at", "text", "request_id"], "properties": {
        "at": _string(16, 16, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$",
                      description="'YYYY-MM-DD HH:MM' in the notifications' time zone"),
        "text": _string(500), "kind": {"type": "string", "enum": ["custom", "subscription", "maturity"]},
        "code": _string(20, 0, pattern=r"^[0-9A-Za-z]{0,20}$"), "channel": {"type": "string", "enum": CHANNELS},
        "request_id": REQUEST_ID}},
    "PriceAlert": {"type": "object", "required": ["code", "direction", "price", "request_id"], "properties": {
        "code": CODE, "direction": {"type": "string", "enum": ["above", "below"]},
        "price": _string(12, 1, pattern=r"^[0-9]{1,7}(\.[0-9]{1,2})?$", description="yuan, e.g. 1800.00"),
        "channel": {"type": "string", "enum": CHANNELS}, "request_id": REQUEST_ID}},
    "CallMe": {"type": "object", "required": ["topic", "request_id"], "properties": {
        "topic": {"type": "string", "enum": list(CLIENT_TOPICS), "description": "what about: the skill that calls"},
        "at": _string(16, 16, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$",
                      description="'YYYY-MM-DD HH:MM' in the notifications' time zone, up to 14 days ahead; "
                                  "left out: call me now"),
        "request_id": REQUEST_ID}},
    "Complaint": {"type": "object", "required": ["category", "text", "request_id"], "properties": {
        "category": {"type": "string", "enum": list(CATEGORIES), "description": "what it is about"},
        "department": _string(DEPARTMENT_LIMIT, 0, description="the branch or department it is about, if any"),
        "text": _string(SUMMARY_LIMIT, 1, description="what happened (not only spaces)"),
        "request_id": REQUEST_ID}},
    "ChatOpen": {"type": "object", "required": ["topic"], "properties": {
        "topic": {"type": "string", "enum": list(CLIENT_TOPICS), "description": "what about: the skill that answers"}}},
    "ChatPost": {"type": "object", "required": ["text", "request_id"], "properties": {
        "text": _string(60_000, 0, description="at most 1000 characters once trimmed; empty or longer: 400"),
        "request_id": REQUEST_ID}},
    "Preferences": {"type": "object", "properties": {
        "preferred_channel": {"type": "string", "enum": ["phone", "sms", "email", "fax"]},
        "fill_reports": {"type": "string", "enum": ["off", *CHANNELS]}},
        "description": "either or both"},
}


async def read_body(request: web.Request, name: str) -> dict[str, Any]:
    """The request's JSON object, checked against REQUESTS[name]."""
    return await validation.read_body(request, REQUESTS[name])


def path_account(request: web.Request) -> str:
    """The {account} of the path when well formed; else the same 404 as someone else's account."""
    text = request.match_info["account"]
    if not 1 <= len(text) <= 32 or not (text.isascii() and text.isalnum()):
        raise ApiError(404, NOT_FOUND)
    return text
