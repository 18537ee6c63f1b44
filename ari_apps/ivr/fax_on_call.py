"""A document faxed on the caller's own call (fax-back, way 4): the document is queued and claimed for this call
(crm_core/documents/send.py `fax_on_call`: once per call and document, at any hour, never by another sender),
the caller is told to press start on their fax machine, and the fax app runs SendFAX on their channel
(ari_apps/notify/fax.py `send_on_call`: the same TIFF rendering and outcome as any fax). The outcome (FAXSTATUS,
pages, error) is written on the notification as the dispatcher writes any fax's; a failure is not retried (the
call is over) and ends given up with its reason. The channel leaves the IVR for SendFAX and ends after it: this
ends the IVR's session (CallerGone)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ari_apps.media import play_and_wait
from ari_apps.session import CallerGone, CallSession
from crm_core import calls
from crm_core.documents.send import fax_on_call as claim_for_call
from crm_core.models import CallStatus
from crm_core.notifications.outbox import Outgoing, failed, sent
from crm_core.notifications.sending import SendFailed, Sent
from crm_core.trading.accounts import get_account

if TYPE_CHECKING:
    from ari_apps.ivr.flow import IvrCall

logger = logging.getLogger(__name__)


class FaxOnCall(Protocol):
    """The fax app's sender on a channel the IVR holds (ari_apps.notify.fax.FaxApp)."""

    async def send_on_call(self, session: CallSession, outgoing: Outgoing) -> Sent: ...


async def fax_on_call(call: IvrCall, account: str, document: dict[str, Any], key: str) -> bool:
    """False when nothing was sent (no fax sender, the database down, already sent on this call); otherwise the
    fax is sent, its outcome written, and the call ends (CallerGone)."""
    fax = call.deps.fax
    if fax is None:
        await call.note("fax_on_call", status="no fax sender")
        await _say(call, "self_unavailable")
        return False
    try:
        notification_id, outgoing = await call.deps.db.run(_claim, call, account, document, key)
    except SQLAlchemyError as exc:
        logger.error("call %s: fax on the call not queued: %s", call.call_id, exc)
        await _say(call, "self_unavailable")
        return False
    if outgoing is None:  # the same document on this call again: it was sent (or is being sent) once
        await call.note("fax_on_call", notification=notification_id, status="already sent")
        await _say(call, "fax_already_sent")
        return False
    try:
        await _say(call, "fax_press_start")
        result = await fax.send_on_call(call, outgoing)
    except CallerGone:
        await _record(call, outgoing, SendFailed("the caller hung up before the fax began"))
        raise
    except SendFailed as exc:
        await _record(call, outgoing, exc)
        await _ended(call)
        raise CallerGone from exc
    await _record(call, outgoing, result)
    await _ended(call)
    raise CallerGone  # the channel went on to SendFAX and has ended


async def _record(call: IvrCall, outgoing: Outgoing, outcome: Sent | SendFailed) -> None:
    """The fax's outcome on its notification, as the dispatcher writes any sender's, and on the call."""
    now, policy = call.deps.trading.clock(), call.deps.notify_policy
    if isinstance(outcome, Sent):
        await call.deps.db.run(sent, outgoing.id, now, provider_id=outcome.provider_id, detail=outcome.detail)
    else:
        await call.deps.db.run(failed, outgoing.id, str(outcome), now, policy, permanent=True)
    await call.note("fax_on_call", notification=outgoing.id,
                    status="sent" if isinstance(outcome, Sent) else "failed",
                    detail=outcome.detail if isinstance(outcome, Sent) else str(outcome))


async def _ended(call: IvrCall) -> None:
    """The call was handed to SendFAX, which hangs up: it ends served (the `h` extension of hotline-entry does
    not run on a channel continued elsewhere)."""
    await call.deps.db.record(calls.finish, call.call_id, status=CallStatus.COMPLETED, hangup_by="hotline")


def _claim(session: Session, call: IvrCall, account: str, document: dict[str, Any],
           key: str) -> tuple[int, Outgoing | None]:
    row, outgoing = claim_for_call(session, get_account(session, account).investor_id, document, key=key,
                                   now=call.deps.trading.clock(), policy=call.deps.notify_policy, caller=call.caller)
    return row.id, outgoing


async def _say(call: IvrCall, prompt: str) -> None:
    await play_and_wait(call, [call.deps.prompts.uri(prompt, call.language)])
