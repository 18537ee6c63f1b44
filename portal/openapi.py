"""The OpenAPI 3 description of the portal's /api, written by hand; request schemas are the ones enforced."""

from __future__ import annotations

import copy
from typing import Any

from portal.schemas import ACCOUNT, DAY, REQUESTS

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
DESCRIBED = {200: "done", 201: "created",
             400: "malformed JSON or not an object, or (chats) a message empty or too long", 401: "not logged in",
             403: "CSRF token or origin refused, or not the fund account logged in with",
             404: "no such account, or not yours (the same answer)",
             409: "the risk disclosure must be accepted first, or (callbacks) one is already open, or it can no "
                  "longer be cancelled, or (chats) one is already open, or it has ended",
             415: "not JSON", 422: "a field is missing or wrong, or an order rule refused it (code)",
             423: "locked after wrong trading passwords", 429: "too many logins"}


def _responses(ok: int, codes: tuple[int, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {str(ok): {"description": DESCRIBED[ok],
                                     "content": {"application/json": {"schema": {"type": "object"}}}}}
    for code in codes:
        out[str(code)] = {"description": DESCRIBED[code],
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return out


def _op(summary: str, *, body: str | None = None, ok: int = 200, codes: tuple[int, ...] = (401, 404),
        params: list[dict[str, Any]] | None = None, public: bool = False) -> dict[str, Any]:
    if body is not None:
        codes = (*codes, 400, 403, 415, 422)
    op: dict[str, Any] = {"summary": summary, "responses": _responses(ok, codes)}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
        op["parameters"] = [CSRF]
    if params:
        op["parameters"] = [*op.get("parameters", []), *params]
    if public:
        op["security"] = []
    return op


CSRF = {"name": "X-CSRF-Token", "in": "header", "required": False, "schema": {"type": "string", "maxLength": 128},
        "description": "the session's CSRF token (GET /api/me); required on every POST but the login"}
ACCOUNT_PARAM = {"name": "account", "in": "path", "required": True, "schema": ACCOUNT}
ORDER_ID = {"name": "order_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
COMPLAINT_ID = {"name": "complaint_id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 1}}
CALLBACK_ID = {"name": "callback_id", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1}}
CHAT_ID = {"name": "chat_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
AFTER = {"name": "after", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0},
         "description": "the last message number the page has (default 0: all)"}
DAYS = [{"name": name, "in": "query", "required": False, "schema": DAY} for name in ("from", "to")]


def openapi_document() -> dict[str, Any]:
    acct = [ACCOUNT_PARAM]
    paths: dict[str, Any] = {
        "/api/login": {"post": _op("Log in with the fund account and its trading password (the phone's lock-out); "
                                   "sets the HttpOnly session cookie; returns the CSRF token",
                                   body="Login", codes=(401, 423, 429), public=True)},
        "/api/logout": {"post": _op("End the session and clear the cookie", codes=(403,), public=True)},
        "/api/me": {"get": _op("The client, their fund accounts and the session's CSRF token", codes=(401,))},
        "/api/accounts/{account}": {"get": _op("Funds, holdings, open orders and today's fills (what the phone "
                                               "reads), and every order of today", params=acct)},
        "/api/accounts/{account}/history": {"get": _op("Orders and fills between two days (default the last 30)",
                                                       codes=(401, 404, 422), params=[*acct, *DAYS])},
        "/api/accounts/{account}/orders/check": {"post": _op(
            "Check an order against every rule and suitability, nothing placed: the preview; 409 with the risk "
            "disclosure to show when one is needed", body="OrderDraft", codes=(401, 404, 409), params=acct)},
        "/api/accounts/{account}/disclosures": {"post": _op(
            "Accept the risk disclosure of a product: the consent is recorded (channel web) and its id given for "
            "the order", body="Disclosure", ok=201, params=acct)},
        "/api/accounts/{account}/orders": {"post": _op(
            "Place the order once per request_id (accepted, or rejected with its reason)", body="Order", ok=201,
            params=acct)},
        "/api/accounts/{account}/orders/{order_id}/cancel": {"post": _op(
            "Cancel an open order's unfilled remainder, once per request_id", body="Cancel",
            params=[*acct, ORDER_ID])},
        "/api/reminders": {"get": _op("My reminders and price alerts (times in the notifications' time zone)",
                                      codes=(401,)),
                           "post": _op("Set a reminder at a local time, sent when due through the outbox by a "
                                       "channel or my preferred one; once per request_id", body="Reminder", ok=201,
                                       codes=(401,))},
        "/api/price-alerts": {"post": _op("Set a one-shot price alert above or below a price; once per request_id",
                                          body="PriceAlert", ok=201, codes=(401,))},
        "/api/preferences": {"get": _op("My preferred channel (as the CRM computes it), the one I declared, my "
                                        "preferred hours, fill reports", codes=(401,)),
                             "put": _op("Declare my preferred channel (the CRM recomputes); fill reports by a "
                                        "channel or off", body="Preferences", codes=(401,))},
        "/api/callbacks": {"get": _op("My callbacks, newest first: status (scheduled, pending, dialling, done, "
                                      "failed, cancelled), topic, when (the notifications' time zone)", codes=(401,)),
                           "post": _op("Call me now (no `at`) or at a local time about a topic: a callback the "
                                       "ACD makes (an agent of the topic's skill, then my number); once per "
                                       "request_id; 409 when a callback to my number is already open or I have "
                                       "no number", body="CallMe", ok=201, codes=(401, 409))},
        "/api/callbacks/{callback_id}/cancel": {"post": _op(
            "Cancel my callback at any time before it is made, waiting for its time or in the queue (409 once an "
            "agent's phone rings for it or my number is dialled, or when it is over)",
            codes=(401, 403, 404, 409), params=[CALLBACK_ID])},
        "/api/complaints": {"get": _op("My complaints, newest first, as I see them: status (open, acknowledged, "
                                       "closed), the deadlines promised (acknowledge by, resolve by), the steps of "
                                       "their progress, the resolution once given; the categories; times in the "
                                       "complaints' time zone", codes=(401,)),
                            "post": _op("Lodge a complaint about a category (and a branch or department), once per "
                                        "request_id: acknowledged by my preferred channel, with its deadlines",
                                        body="Complaint", ok=201, codes=(401,))},
        "/api/complaints/{complaint_id}": {"get": _op("One of my complaints (another client's is the same 404)",
                                                      params=[COMPLAINT_ID])},
        "/api/chats/current": {"get": _op("My open chat with an agent (null if none) and the topics to choose from",
                                          codes=(401,))},
        "/api/chats": {"post": _op("Open a chat with an agent about a topic: queued for an agent of the topic's "
                                   "skill (the ACD, as a call); 409 while I have one open", body="ChatOpen", ok=201,
                                   codes=(401, 409))},
        "/api/chats/{chat_id}/messages": {
            "get": _op("My chat's status (waiting with my place, talking with the agent's name, ended) and its "
                       "messages after `after`; asking keeps the chat open (the idle timeout ends a chat nobody "
                       "asks about)", codes=(401, 404, 422), params=[CHAT_ID, AFTER]),
            "post": _op("Write in my chat, once per request_id; 400 when the text is empty or over 1000 characters, "
                        "409 once the chat has ended", body="ChatPost", ok=201, codes=(401, 404, 409),
                        params=[CHAT_ID])},
        "/api/chats/{chat_id}/end": {"post": _op("End my chat (the agent is told; ending again changes nothing)",
                                                 codes=(401, 403, 404), params=[CHAT_ID])},
        "/api/openapi.json": {"get": _op("This document", public=True, codes=())},
    }
    schemas: dict[str, Any] = {name: _public(schema) for name, schema in REQUESTS.items()}
    schemas["Error"] = ERROR
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hotline client portal API", "version": "1",
                 "description": "The clients' web self-service. Errors are {\"error\": message}; a client reads "
                                "only their own accounts (another's is a 404)."},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "hotline_portal"}}},
        "security": [{"session": []}],
    }


def _public(schema: dict[str, Any]) -> dict[str, Any]:
    public = copy.deepcopy(schema)
    public["additionalProperties"] = True
    return public
