"""The one way to originate a channel into a Stasis app: with our own channel id (chosen before the request,
so that its events can be routed before ARI answers and a retried request cannot ring twice), the app and
its arguments, a ring timeout and channel variables.

    await originate(ari, Originate(endpoint="PJSIP/8001@trunk", app="hotline-notify", channel_id="notify-1",
                                   ring_seconds=30))

Raises `AriError` (ari_apps.ari) when Asterisk refuses: a bad endpoint, a channel id already in use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ari_apps.ari import Ari


@dataclass(frozen=True)
class Originate:
    endpoint: str  # a dial string, e.g. "PJSIP/{number}@trunk" with the number filled in
    app: str
    channel_id: str
    ring_seconds: int = 30
    app_args: str = ""
    caller_id: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    other_channel_id: str | None = None  # a Local channel's second half, when its id matters too


async def originate(ari: Ari, call: Originate) -> dict[str, Any]:
    """Start the call; the channel enters `call.app` (StasisStart) once answered. Returns ARI's channel."""
    result: dict[str, Any] = await ari.request(
        "channels", "originate", endpoint=call.endpoint, app=call.app, appArgs=call.app_args or None,
        channelId=call.channel_id, timeout=call.ring_seconds, callerId=call.caller_id,
        variables=dict(call.variables) or None, otherChannelId=call.other_channel_id)
    return result


def dial_string(template: str, number: str) -> str:
    """`template` with `{number}` replaced by the number to dial: spaces, dashes and brackets dropped, `+86`
    dropped, another `+` made `00` (the ACD's rule for typed numbers). Raises ValueError for something that is
    not a phone number (3 to 20 digits) or a template without `{number}`: nothing is dialled on a guess."""
    text = "".join(ch for ch in number.strip() if ch not in " -()")
    digits = text[3:] if text.startswith("+86") else "00" + text[1:] if text.startswith("+") else text
    if not (digits.isdigit() and 3 <= len(digits) <= 20):
        raise ValueError(f"not a phone number: {number[:40]!r}")
    if "{number}" not in template:
        raise ValueError(f"dial string {template!r} has no {{number}}")
    return template.replace("{number}", digits)
