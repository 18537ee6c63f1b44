"""The OpenAPI 3 description of /api, written by hand; request schemas are the ones the handlers enforce."""

from __future__ import annotations

import copy
from typing import Any

from console.schemas import REQUESTS

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
OBJECT = {"type": "object"}


def _responses(ok: int = 200, *codes: int) -> dict[str, Any]:
    described = {200: "done", 201: "created", 400: "malformed JSON or not an object, or (chats) bad text",
                 401: "not logged in",
                 403: "the role lacks the permission", 404: "unknown id",
                 409: "the telephony refused (code), or (chats) not answered yet or ended",
                 413: "too large", 422: "a field is missing, of the wrong type or out of range",
                 423: "locked after failed logins"}
    out: dict[str, Any] = {str(ok): {"description": described[ok],
                                     "content": {"application/json": {"schema": OBJECT}}}}
    for code in codes:
        out[str(code)] = {"description": described[code],
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return out


def _op(summary: str, *, body: str | None = None, ok: int = 200, codes: tuple[int, ...] = (401,),
        params: list[dict[str, Any]] | None = None, public: bool = False) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": _responses(ok, *codes)}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
        op["responses"].update(_responses(ok, 400, 422))
    if params:
        op["parameters"] = params
    if public:
        op["security"] = []
    return op


def _path_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


CALL_ID = _path_param("call_id", {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9._-]{1,64}$"})
AGENT_ID = _path_param("agent_id", {"type": "integer", "minimum": 1})
REVIEW_ID = _path_param("review_id", {"type": "integer", "minimum": 1})
RECORDING_ID = _path_param("recording_id", {"type": "integer", "minimum": 1})
QUALITY_QUERY = [{"name": name, "in": "query", "required": False, "schema": schema, "description": text}
                 for name, schema, text in (
                     ("agent", {"type": "string", "maxLength": 20}, "the agent's job number"),
                     ("from", {"type": "string", "format": "date"}, "first day, YYYY-MM-DD (UTC)"),
                     ("to", {"type": "string", "format": "date"}, "last day, included"),
                     ("skill", {"type": "string", "maxLength": 40}, "the skill (category) the call queued for"),
                     ("disposition", {"type": "string", "maxLength": 40}, "a disposition code of the call"),
                     ("customer", {"type": "string", "maxLength": 60}, "part of the number, name or account"))]
COMPLAINT_ID = _path_param("complaint_id", {"type": "integer", "minimum": 1})
SUPERVISION_ID = _path_param("supervision_id", {"type": "string", "maxLength": 100})
CALL_CODES = (401, 403, 404)
CALLBACK_ID = _path_param("callback_id", {"type": "integer", "minimum": 1})
CHAT_ID = _path_param("chat_id", {"type": "integer", "minimum": 1})
SUPERVISOR_CODES = (401, 403)


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/login": {"post": _op("Log in with job number and password; sets the HttpOnly session cookie",
                                   body="Login", codes=(401, 423), public=True)},
        "/api/logout": {"post": _op("End the session and clear the cookie", public=True, codes=())},
        "/api/me": {"get": _op("The logged-in user, stored and live agent state")},
        "/api/me/state": {"put": _op("Set my state: ready, not_ready (with reason), wrap_up, logged_out",
                                     body="AgentState", codes=(401, 409))},
        "/api/calls/{call_id}/screen-pop": {"get": _op("Caller, class, segment, risk, VIP, holdings, funds, IVR "
                                                       "path, last calls with notes, open complaints, reminders, "
                                                       "recent notifications",
                                                       codes=CALL_CODES, params=[CALL_ID])},
        "/api/calls/{call_id}/disposition": {"post": _op("Save a disposition code and note on the call",
                                                         body="Disposition", ok=201, codes=CALL_CODES,
                                                         params=[CALL_ID])},
        "/api/calls/{call_id}/reply": {"post": _op("Reply to the call's client: a message (subject, body) queued in "
                                                   "the outbox by a channel or their preferred one; the same "
                                                   "content on the same call is queued once (422: unknown "
                                                   "number)", body="Reply", ok=201, codes=CALL_CODES,
                                                   params=[CALL_ID])},
        "/api/calls/{call_id}/client-reminders": {"post": _op("Set a reminder for the call's client at a local "
                                                              "time, sent when due through the outbox by a "
                                                              "channel or their preferred one; the same one asked "
                                                              "again is the one set (422: bad input, unknown "
                                                              "number)", body="ClientReminder", ok=201,
                                                              codes=CALL_CODES, params=[CALL_ID])},
        "/api/calls/{call_id}/price-alerts": {"post": _op("Set a one-shot price alert for the call's client: "
                                                          "above or below a price (422: unknown code, bad price, "
                                                          "unknown number)", body="PriceAlert", ok=201,
                                                          codes=CALL_CODES, params=[CALL_ID])},
        "/api/calls/{call_id}/complaints": {"post": _op("Open a complaint by the call's client, owned by me, with "
                                                        "its deadlines; acknowledged to the client through the "
                                                        "outbox; the same content on the same call is opened once "
                                                        "(422: bad input, unknown number)", body="Complaint",
                                                        ok=201, codes=CALL_CODES, params=[CALL_ID])},
        "/api/complaints/letters": {"post": _op("A scanned letter uploaded (multipart/form-data: account_number, "
                                                "category, summary, scan: a PDF or an image of at most 10 MB): a "
                                                "complaint by that client with the scan, acknowledged through the "
                                                "outbox; the same scan again is the same complaint",
                                                ok=201, codes=(400, 401, 413, 422))},
        "/api/complaints/{complaint_id}": {"get": _op("A complaint with its deadlines, history and attachments (mine, "
                                                      "or any for a supervisor)", codes=CALL_CODES,
                                                      params=[COMPLAINT_ID])},
        "/api/complaints/{complaint_id}/resolve": {"post": _op("Resolve a complaint: closed, and the resolution told "
                                                               "to the client by the channel it came in on (422: "
                                                               "empty, already closed)", body="Resolve",
                                                               codes=CALL_CODES, params=[COMPLAINT_ID])},
        "/api/calls/{call_id}/callbacks/{callback_id}/cancel": {"post": _op(
            "Cancel a callback of the call's client for them (the screen-pop's open_callbacks): 409 once it is being "
            "made or is over, 422 when the caller is not a client", codes=(*CALL_CODES, 409, 422),
            params=[CALL_ID, CALLBACK_ID])},
        "/api/calls/{call_id}/hold": {"post": _op("Put the call on hold or take it off", body="Hold",
                                                  codes=(*CALL_CODES, 409), params=[CALL_ID])},
        "/api/calls/{call_id}/transfer": {"post": _op("Blind transfer to an agent, or attended transfer (the "
                                                      "caller on hold while I talk to the target) to an agent "
                                                      "or a number", body="Transfer",
                                                      codes=(*CALL_CODES, 409), params=[CALL_ID])},
        "/api/calls/{call_id}/transfer/complete": {"post": _op("Attended transfer: hand the caller to the target "
                                                               "and leave the call", codes=(*CALL_CODES, 409),
                                                               params=[CALL_ID])},
        "/api/calls/{call_id}/transfer/cancel": {"post": _op("Attended transfer: hang up the target and take the "
                                                             "caller back", codes=(*CALL_CODES, 409),
                                                             params=[CALL_ID])},
        "/api/calls/{call_id}/conference": {"post": _op("Three-way call: the consulted target (an expert) joins "
                                                        "the caller and me, or an expert (agent or number) is "
                                                        "rung straight in; the conference is recorded",
                                                        body="Conference", codes=(*CALL_CODES, 409),
                                                        params=[CALL_ID])},
        "/api/calls/{call_id}/conference/leave": {"post": _op("Three-way call: I leave (the caller stays with the "
                                                              "expert) or the expert leaves (back to two)",
                                                              body="ConferenceLeave", codes=(*CALL_CODES, 409),
                                                              params=[CALL_ID])},
        "/api/calls/{call_id}/queue": {"post": _op("Hand the caller to a queue (the expert pool by topic, or a "
                                                   "skill) and leave the call", body="ToQueue",
                                                   codes=(*CALL_CODES, 409), params=[CALL_ID])},
        "/api/me/chat": {"get": _op("The client's chat offered to me or that I am in (null if none)")},
        "/api/chats/{chat_id}/screen-pop": {"get": _op("A chat's client as a call's screen-pop shows them (labelled "
                                                       "chat)", codes=(401, 404), params=[CHAT_ID])},
        "/api/chats/{chat_id}/messages": {
            "get": _op("The chat's transcript after `after` (a message number)", codes=(401, 404, 422),
                       params=[CHAT_ID, {"name": "after", "in": "query", "required": False,
                                         "schema": {"type": "integer", "minimum": 0}}]),
            "post": _op("Write to the client, once per request_id; 400 when empty or over 1000 characters, 409 "
                        "before answering or once ended", body="ChatPost", ok=201, codes=(401, 404, 409),
                        params=[CHAT_ID])},
        "/api/chats/{chat_id}/answer": {"post": _op("Take the chat the ACD offers me (I am busy until it ends)",
                                                    codes=(401, 404, 409), params=[CHAT_ID])},
        "/api/chats/{chat_id}/end": {"post": _op("End the chat (I go to wrap-up)", codes=(401, 404),
                                                 params=[CHAT_ID])},
        "/api/dial": {"post": _op("Click-to-dial: ring my phone, then the number (for a campaign if named); 403 "
                                  "when an outbound budget it counts against is spent, saying which",
                                  body="Dial", ok=201, codes=(401, 403, 409))},
        "/api/me/book": {"get": _op("My book: the clients assigned to me (any role) with their phone, segment, "
                                    "open complaints, reminders and callbacks; query q searches name, account "
                                    "or phone", codes=(401,))},
        "/api/callbacks": {"post": _op("Schedule a callback: a reminder for me, and the ACD rings me then the "
                                       "client at its time (the skill's queue if I am not ready); 409 when the "
                                       "client has no number or a callback to it is open", body="Callback",
                                       ok=201, codes=(401, 404, 409))},
        "/api/supervisor/live": {"get": _op("Live agents, queues and the day's counts", codes=SUPERVISOR_CODES)},
        "/api/supervisor/notifications": {"get": _op("Notification health per channel: counts by status "
                                                     "(queued, retry, sending, given_up, unknown...) and "
                                                     "whether the service has a sender for it",
                                                     codes=SUPERVISOR_CODES)},
        "/api/supervisor/surveys": {"get": _op("Survey campaigns: live progress (dialled, answered, completed, "
                                               "remaining, outcomes) and answers per question and key; the "
                                               "post-call survey of the last 7 days",
                                               codes=SUPERVISOR_CODES)},
        "/api/complaints/{complaint_id}/assign": {"post": _op("Give a complaint an owner (supervisors; 422: no such "
                                                              "agent)", body="Assign",
                                                              codes=(*SUPERVISOR_CODES, 404), params=[COMPLAINT_ID])},
        "/api/supervisor/complaints": {"get": _op("The board of complaints: overdue or escalated ones not "
                                                  "closed, with deadlines, owner and who they went to",
                                                  codes=SUPERVISOR_CODES)},
        "/api/supervisor/service-levels": {"get": _op("Service targets per segment: each service-level rule "
                                                      "(condition, queue priority, answer within, wait for the "
                                                      "client's own agent) in the order tried",
                                                      codes=SUPERVISOR_CODES)},
        "/api/supervisor/supervise": {"post": _op("Listen, whisper or barge into an agent's call",
                                                  body="Supervise", ok=201, codes=(*SUPERVISOR_CODES, 404, 409))},
        "/api/supervisor/supervise/{supervision_id}": {"delete": _op("End a supervision",
                                                                     codes=(*SUPERVISOR_CODES, 404, 409),
                                                                     params=[SUPERVISION_ID])},
        "/api/supervisor/agents/{agent_id}/state": {"post": _op("Force an agent not ready or logged out",
                                                                body="ForceState", params=[AGENT_ID],
                                                                codes=(*SUPERVISOR_CODES, 404, 409))},
        "/api/quality/calls": {"get": _op("Answered calls to review (newest first, at most 200) by agent, days, "
                                          "skill, disposition, customer; with recordings and reviews",
                                          codes=(*SUPERVISOR_CODES, 422), params=QUALITY_QUERY)},
        "/api/quality/forms": {"get": _op("The newest version of each review form: sections, items, weights",
                                          codes=SUPERVISOR_CODES)},
        "/api/quality/reviews": {"post": _op("Save a review of a call scored on a form's newest version; 422 when "
                                             "an item is missing, unknown or out of range", body="Review", ok=201,
                                             codes=SUPERVISOR_CODES)},
        "/api/reviews/{review_id}": {"get": _op("A review with its form and points; an agent reads only the "
                                                "reviews of their own calls", codes=(401, 403, 404),
                                                params=[REVIEW_ID])},
        "/api/me/reviews": {"get": _op("The reviews of my calls, newest first")},
        "/api/recordings/{recording_id}": {"get": _op("A call recording's audio; Range requests get 206 (seeking)",
                                                      codes=(*SUPERVISOR_CODES, 404), params=[RECORDING_ID])},
        "/api/openapi.json": {"get": _op("This document", public=True, codes=())},
    }
    schemas = {name: _public_schema(schema) for name, schema in REQUESTS.items()}
    schemas["Error"] = ERROR
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hotline console API", "version": "1",
                 "description": "Agent desktop and supervisor console. Live events: WebSocket /ws (not "
                                "described here). Errors are {\"error\": message}."},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "hotline_session"}}},
        "security": [{"session": []}],
    }


def _public_schema(schema: dict[str, Any]) -> dict[str, Any]:
    public = copy.deepcopy(schema)
    public["additionalProperties"] = True
    return public
