"""What a sender (an adapter in gateways/ or a Stasis app in ari_apps/notify/) reports back to the dispatcher:
the provider's id, or a failure that is or is not worth trying again on the same channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sent:
    provider_id: str  # e-mail Message-ID, SMSC message id, call id
    delivered: bool = False  # confirmed at once (a voice message read back and acknowledged with a key)
    detail: str = ""  # written beside the id in the notification's life (a fax's status and pages sent)


class SendFailed(Exception):
    """Not sent. `permanent`: retrying the same address will not help (refused recipient, bad number)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent
