"""A small SMSC for tests (a TEST PEER, not part of the product): an SMPP 3.4 server on loopback built on
smpplib's PDU codec. It binds transceivers with a system id and password, answers submit_sm with a message
id, keeps every part it received, reassembles concatenated messages (UDH 8-bit reference), sends a delivery
receipt (deliver_sm, esm_class 0x04) for each part, and can refuse numbers, act on a part between keeping it
and answering it (`on_submit`: the kill tests end the sending process there), or stop and start again.

It runs in a thread of its own with its own event loop, so synchronous tests can use it."""

from __future__ import annotations

import asyncio
import itertools
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from smpplib import consts, smpp
from smpplib.gsm import GSM_CHARACTER_TABLE

from tests.support.ports import free_port

RECEIPT = 0x04  # esm_class of an SMSC delivery receipt (SMPP 3.4, 5.2.12)


class _Sequence:
    """What smpplib's PDUs ask of a client: sequence numbers."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self.sequence = 0

    def next_sequence(self) -> int:
        self.sequence = next(self._numbers)
        return self.sequence


@dataclass
class Received:
    destination: str
    source: str
    text: str
    parts: int
    message_ids: list[str] = field(default_factory=list)


class TestSmsc:
    __test__ = False  # a test peer, not a test class

    def __init__(self, system_id: str = "hotline", password: str = "secret") -> None:
        self.port = free_port()
        self.system_id, self.password = system_id, password
        self.messages: list[Received] = []  # whole messages, reassembled
        self.parts: list[bytes] = []  # every short_message as it arrived
        self.refuse: set[str] = set()  # destination numbers answered with ESME_RINVDSTADR
        self.send_receipts = True
        self.on_submit: Callable[[str], None] | None = None  # called with the destination, before the answer
        self.binds = 0
        self._ids = itertools.count(1000)
        self._pending: dict[tuple[str, int], dict[int, str]] = {}  # (destination, reference) -> {seq: text}
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    # -- control from the test's thread --------------------------------------------------------------
    def start(self) -> None:
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    # -- one ESME connection --------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        sequence = _Sequence()
        bound = False
        try:
            while True:
                head = await reader.readexactly(4)
                (length,) = struct.unpack(">L", head)
                pdu = smpp.parse_pdu(head + await reader.readexactly(length - 4), client=sequence,
                                     allow_unknown_opt_params=True)
                if pdu.command == "bind_transceiver":
                    bound = (pdu.system_id or b"").decode() == self.system_id and \
                        (pdu.password or b"").decode() == self.password
                    self.binds += bound
                    status = consts.SMPP_ESME_ROK if bound else consts.SMPP_ESME_RBINDFAIL
                    self._reply(writer, sequence, "bind_transceiver_resp", pdu, status=status,
                                system_id=self.system_id)
                elif pdu.command == "submit_sm" and bound:
                    await self._submit(writer, sequence, pdu)
                elif pdu.command == "enquire_link":
                    self._reply(writer, sequence, "enquire_link_resp", pdu)
                elif pdu.command == "unbind":
                    self._reply(writer, sequence, "unbind_resp", pdu)
                    break
                elif pdu.command == "deliver_sm_resp":
                    pass
                else:
                    self._reply(writer, sequence, "generic_nack", pdu, status=consts.SMPP_ESME_RINVBNDSTS)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _submit(self, writer: asyncio.StreamWriter, sequence: _Sequence, pdu: object) -> None:
        destination = pdu.destination_addr.decode()  # type: ignore[attr-defined]
        if destination in self.refuse:
            self._reply(writer, sequence, "submit_sm_resp", pdu, status=consts.SMPP_ESME_RINVDSTADR, message_id="")
            return
        message_id = str(next(self._ids))
        body: bytes = pdu.short_message  # type: ignore[attr-defined]
        self.parts.append(body)
        self._collect(destination, pdu.source_addr.decode(), body, pdu.esm_class,  # type: ignore[attr-defined]
                      pdu.data_coding, message_id)  # type: ignore[attr-defined]
        if self.on_submit is not None:
            self.on_submit(destination)
        self._reply(writer, sequence, "submit_sm_resp", pdu, message_id=message_id)
        if self.send_receipts:
            receipt = smpp.make_pdu(
                "deliver_sm", client=sequence, source_addr=destination, esm_class=RECEIPT,
                destination_addr=pdu.source_addr.decode(),  # type: ignore[attr-defined]
                receipted_message_id=message_id, message_state=2,
                short_message=f"id:{message_id} sub:001 dlvrd:001 stat:DELIVRD err:000 text:".encode())
            writer.write(receipt.generate())
        await writer.drain()

    def _collect(self, destination: str, source: str, body: bytes, esm_class: int, coding: int,
                 message_id: str) -> None:
        if esm_class & consts.SMPP_GSMFEAT_UDHI:
            header_length = body[0]
            _, _, reference, total, number = body[1:6]
            text = _decode(body[header_length + 1:], coding)
            parts = self._pending.setdefault((destination, reference), {})
            parts[number] = text
            ids = self._pending.setdefault((destination, -reference - 1), {})
            ids[number] = message_id
            if len(parts) == total:
                self.messages.append(Received(destination, source, "".join(parts[n] for n in sorted(parts)), total,
                                              [ids[n] for n in sorted(ids)]))
            return
        self.messages.append(Received(destination, source, _decode(body, coding), 1, [message_id]))

    @staticmethod
    def _reply(writer: asyncio.StreamWriter, sequence: _Sequence, command: str, request: object, *,
               status: int = consts.SMPP_ESME_ROK, **fields: object) -> None:
        response = smpp.make_pdu(command, client=sequence, status=status, **fields)
        response.sequence = request.sequence  # type: ignore[attr-defined]
        writer.write(response.generate())


def _decode(body: bytes, coding: int) -> str:
    if coding == consts.SMPP_ENCODING_ISO10646:
        return body.decode("utf-16-be")
    chars, escaped = [], False
    for byte in body:  # GSM 03.38 with smpplib's table: 0x1B escapes to the extension table
        if byte == 0x1B:
            escaped = True
            continue
        chars.append(GSM_CHARACTER_TABLE[byte + 0x80 if escaped else byte])
        escaped = False
    return "".join(chars)
