"""SMS through an SMSC over SMPP 3.4 (smpplib): one bound transceiver session, kept open and bound again
when it drops; long texts split into concatenated parts (UDH), GSM 7-bit or UCS-2 (Chinese) as needed;
delivery receipts requested and handed to `on_receipt`.

For a carrier's SMSC, set `[sms]` in hotline.toml: host, port, system_id, password, system_type and the
source address the carrier assigned (the hotline number by default). The session is plain TCP as SMPP 3.4
is; a carrier reached over the internet needs the VPN or TLS tunnel it prescribes in front of it.

smpplib is synchronous: a reader thread reads PDUs (answers, receipts, enquire_link) and the async side
sends through the default executor; each send waits for its submit_sm_resp."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import smpplib.client
import smpplib.exceptions
import smpplib.gsm
from smpplib import consts, smpp

from crm_core.notifications.outbox import Outgoing
from crm_core.notifications.sending import SendFailed, Sent
from gateways.smpp_settings import SmppSettings

logger = logging.getLogger(__name__)

RECEIPT = 0x04  # esm_class bit of an SMSC delivery receipt
# submit_sm_resp statuses that no retry to the same number will cure
PERMANENT = {consts.SMPP_ESME_RINVDSTADR, consts.SMPP_ESME_RINVMSGLEN, consts.SMPP_ESME_RINVDSTTON,
             consts.SMPP_ESME_RINVDSTNPI}
_RECEIPT_FIELDS = re.compile(r"(id|stat|err):(\S*)")


def parse_receipt(text: bytes | str) -> tuple[str, str]:
    """(message id, final state) of a delivery receipt's text, e.g. `id:1001 ... stat:DELIVRD err:000`."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    fields = dict(_RECEIPT_FIELDS.findall(text))
    return fields.get("id", ""), fields.get("stat", "")


class _Client(smpplib.client.Client):  # type: ignore[misc]
    """smpplib's client with its writes and sequence numbers serialised: the reader thread answers receipts
    and enquire_links while senders submit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_lock = threading.Lock()
        self.waiting: dict[int, Future[Any]] = {}  # sequence -> the send waiting for its answer on this session

    def send_pdu(self, p: Any) -> bool:
        with self.write_lock:
            return bool(super().send_pdu(p))

    def next_sequence(self) -> int:
        with self.write_lock:
            return int(super().next_sequence())


class SmppSender:
    def __init__(self, settings: SmppSettings, on_receipt: Callable[[str, str], None] | None = None) -> None:
        self.settings = settings
        self.on_receipt = on_receipt
        self._client: _Client | None = None
        self._bind_lock = threading.Lock()
        self._reader: threading.Thread | None = None

    async def __call__(self, outgoing: Outgoing) -> Sent:
        return await asyncio.get_running_loop().run_in_executor(None, self.send_blocking, outgoing)

    def send_blocking(self, outgoing: Outgoing) -> Sent:
        parts, coding, esm_class = smpplib.gsm.make_parts(outgoing.sms)
        ids = [self._submit(outgoing.address, part, coding, esm_class) for part in parts]
        return Sent(ids[0])

    @property
    def bound(self) -> bool:
        """Whether a session is bound now (the next send binds one if not)."""
        client = self._client
        return client is not None and client.state == consts.SMPP_CLIENT_STATE_BOUND_TRX

    def close(self) -> None:
        with self._bind_lock:
            client, reader = self._client, self._reader
        if client is not None:  # unbind without waiting for its answer: the reader thread owns the reads
            client.logger.setLevel(logging.ERROR)  # smpplib warns of the unread unbind_resp and the closed socket
            try:
                client.send_pdu(smpp.make_pdu("unbind", client=client))
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
                pass
            self._drop(client)
        if reader is not None:
            reader.join(5)

    # -- one part --------------------------------------------------------------------------------------
    def _submit(self, destination: str, part: bytes, coding: int, esm_class: int, *, again: bool = True) -> str:
        client = self._bound()
        pdu = smpp.make_pdu("submit_sm", client=client, source_addr_ton=consts.SMPP_TON_ALNUM,
                            source_addr=self.settings.source_addr, dest_addr_ton=consts.SMPP_TON_INTL,
                            destination_addr=destination, short_message=part, data_coding=coding,
                            esm_class=esm_class, registered_delivery=1)
        answer: Future[Any] = Future()
        client.waiting[pdu.sequence] = answer
        try:
            client.send_pdu(pdu)
            response = answer.result(self.settings.submit_timeout_seconds)
        except smpplib.exceptions.PDUError:
            # smpplib refused to write: the reader closed the session between `_bound` and here. Nothing
            # reached the SMSC, so the part goes once more on a new session.
            self._drop(client)
            if not again:
                raise SendFailed(f"SMSC {self.settings.host}:{self.settings.port}: session closed") from None
            return self._submit(destination, part, coding, esm_class, again=False)
        except (smpplib.exceptions.ConnectionError, OSError, TimeoutError) as exc:
            self._drop(client)
            raise SendFailed(f"SMSC {self.settings.host}:{self.settings.port} unavailable: {exc!r}") from exc
        finally:
            client.waiting.pop(pdu.sequence, None)
        if response.is_error():
            status = int(response.status)
            raise SendFailed(f"SMSC refused ({status:#x}): {consts.DESCRIPTIONS.get(status, 'unknown')}",
                             permanent=status in PERMANENT)
        return str(response.message_id.decode() if isinstance(response.message_id, bytes) else response.message_id)

    # -- the session -----------------------------------------------------------------------------------
    def _bound(self) -> _Client:
        with self._bind_lock:
            if self._client is not None:
                return self._client
            s = self.settings
            client = _Client(s.host, s.port, timeout=s.enquire_link_seconds, allow_unknown_opt_params=True,
                             logger_name=__name__ + ".client")
            answered = functools.partial(self._answered, client)
            client.set_message_sent_handler(answered)
            client.set_error_pdu_handler(answered)
            client.set_message_received_handler(self._received)
            try:
                client.connect()
                # PDUs are small and each submit waits for its answer: without TCP_NODELAY, Nagle's algorithm
                # and the peer's delayed ACK hold each one back ~40 ms (measured: 86 ms a message, 1 ms with it)
                client._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                client.bind_transceiver(system_id=s.system_id, password=s.password, system_type=s.system_type)
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as exc:
                client.disconnect()
                raise SendFailed(f"SMSC {s.host}:{s.port} bind failed: {exc!r}") from exc
            self._client = client
            self._reader = threading.Thread(target=self._read, args=(client,), name="smpp-reader", daemon=True)
            self._reader.start()
            logger.info("SMPP bound to %s:%d as %s", s.host, s.port, s.system_id)
            return client

    def _read(self, client: _Client) -> None:
        """The reader thread: the only one that reads from or closes a bound session's socket."""
        try:
            while self._client is client:
                client.read_once()
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as exc:
            if self._client is client:
                logger.warning("SMPP session to %s:%d lost: %r", self.settings.host, self.settings.port, exc)
        finally:
            self._drop(client)
            client.disconnect()

    def _drop(self, client: _Client) -> None:
        """Forget a session and fail the sends waiting on it (on it alone: a session lost late must not fail a
        part a new session has already delivered, which its retry would send twice). Its socket is shut down, not
        closed: the reader thread, blocked in recv, wakes to an end of stream and closes it (closing it here raced
        that recv)."""
        with self._bind_lock:
            if self._client is client:
                self._client = None
        for answer in list(client.waiting.values()):
            if not answer.done():
                answer.set_exception(smpplib.exceptions.ConnectionError("session lost"))
        sock = client._socket
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _answered(self, client: _Client, pdu: Any) -> None:
        answer = client.waiting.get(pdu.sequence)
        if answer is not None and not answer.done():
            answer.set_result(pdu)
        elif pdu.is_error():
            logger.warning("SMSC error PDU %s status %s", pdu.command, pdu.status)

    def _received(self, pdu: Any) -> int:
        if pdu.command == "deliver_sm" and int(pdu.esm_class or 0) & RECEIPT:
            message_id, state = parse_receipt(pdu.short_message or b"")
            receipted = pdu.receipted_message_id
            if receipted:
                message_id = receipted.decode() if isinstance(receipted, bytes) else str(receipted)
            if self.on_receipt is not None and message_id:
                try:
                    self.on_receipt(message_id, state)
                except Exception:  # a receipt not written must not drop the session
                    logger.exception("SMS receipt %s not recorded", message_id)
        return int(consts.SMPP_ESME_ROK)
