"""A survey link's token: 256 random bits, URL-safe; only its SHA-256 digest is stored. The token is made when
the outbox takes the message for sending (`message_values`), so it exists only in the message sent."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy.orm import Session

from crm_core.models import SurveyLink

TOKEN_BYTES = 32  # 256 bits: unguessable
LINK_FIELD = "survey_link_id"  # in a notification's data: the link whose token the message carries
WEB_RUNNER = "web"  # the runner of a web form's attempt (not dialled: progress leaves it out of "dialled")
PREVIEW = {"token": "x" * 43}  # what a survey message is checked with when queued (no token exists yet)


def preview_values(data: dict[str, Any]) -> dict[str, Any]:
    """The data a message is checked with when queued: a survey link's stands in for its token."""
    return {**data, **PREVIEW} if LINK_FIELD in data else data


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str) -> bool:
    """A token as new_token makes them (43 URL-safe characters); anything else is unknown without a lookup."""
    return len(token) == 43 and all(c.isascii() and (c.isalnum() or c in "-_") for c in token)


def message_values(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """What a message carrying a survey link needs besides its data: a fresh token (its digest replaces the
    link's). Data without a link is returned as it is."""
    link_id = data.get(LINK_FIELD)
    if link_id is None:
        return data
    link = session.get(SurveyLink, int(link_id))
    if link is None:
        raise LookupError(f"no survey link {link_id}")
    token = new_token()
    link.digest = digest(token)
    return {**data, "token": token}
