"""How a client is told about their complaint (the acknowledgement, the resolution), pure: by the channel it
came in on, to the address it came from, through the outbox (crm_core/notifications)."""

from __future__ import annotations

from dataclasses import dataclass

from crm_core.notifications.rules import Channel


@dataclass(frozen=True)
class ReplyWay:
    channel: str | None  # an outbox channel, or None: the client's preferred one, then the purpose's chain
    address: str | None  # replaces the client's own address on that channel (the fax number it came from)


def reply_way(channel: str, sender: str) -> ReplyWay:
    """fax → fax back to the sending number; e-mail → to the sending address; web (the portal, a logged-in
    client), phone and letter → the client's preferred channel (then the purpose's chain: e-mail first)."""
    sender = sender.strip()
    if channel == "fax":
        return ReplyWay(Channel.FAX.value, sender or None)
    if channel == "email":
        return ReplyWay(Channel.EMAIL.value, sender or None)
    return ReplyWay(None, None)
