"""The console's request bodies as JSON Schema (the OpenAPI document shows the same dicts), checked by
webapi.validation (400 for malformed JSON, 422 naming the field)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from crm_core.complaints.categories import CATEGORIES
from crm_core.complaints.deadlines import SEVERITIES
from crm_core.experts import EXPERT_TOPICS
from webapi import validation
from webapi.validation import MAX_DB_INT

NOT_READY_REASONS = ["break", "lunch", "training", "meeting", "coaching", "admin"]
DISPOSITION_CODES = ["resolved", "information_given", "callback_needed", "complaint_raised", "transferred",
                     "order_help", "wrong_number", "other"]
AGENT_STATES = ["ready", "not_ready", "wrap_up", "logged_out"]
REPLY_CHANNELS = ["preferred", "email", "sms", "voice", "fax"]
REMINDER_KINDS = ["custom", "subscription", "maturity"]  # crm_core.notifications.reminders.Kind
COMPLAINT_CATEGORIES = list(CATEGORIES)
COMPLAINT_SEVERITIES = list(SEVERITIES)


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
    "ChatPost": {"type": "object", "required": ["text", "request_id"], "properties": {
        "text": _string(60_000, 0, description="at most 1000 characters once trimmed; empty or longer: 400"),
        "request_id": _string(64, 8, pattern=r"^[A-Za-z0-9_-]{8,64}$",
                              description="made by the page once per message; a repeat returns the first")}},
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
    "Complaint": {"type": "object", "required": ["category", "summary"], "properties": {
        "category": {"type": "string", "enum": COMPLAINT_CATEGORIES}, "summary": _string(4000),
        "department": _string(60, 0, description="the branch or department it is about"),
        "severity": {"type": "string", "enum": COMPLAINT_SEVERITIES}}},
    "Resolve": {"type": "object", "required": ["resolution"], "properties": {
        "resolution": _string(4000, description="what the client is told, by the channel the complaint came in on")}},
    "Assign": {"type": "object", "required": ["job_number"], "properties": {"job_number": _string(20)}},
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
    return await validation.read_body(request, REQUESTS[name])
