"""A real SIP softphone for tests: baresip, registered with an agent's account, driven over its ctrl_tcp
socket (commands in, events out, both JSON in netstrings), so that a test decides when the phone answers,
hangs up or unregisters, and waits on what the phone itself reports.

baresip listens on the machine's own non-loopback address (it ignores loopback interfaces) and sends
an 8 kHz 16-bit WAV as its microphone.
"""

from __future__ import annotations

import json
import math
import shutil
import socket
import struct
import subprocess
import threading
import time
import wave
from pathlib import Path
from typing import Any

from hotline.welcome import machine_address
from tests.support.ports import free_port

BARESIP = shutil.which("baresip")
MODULES = "/usr/lib/baresip/modules"


def own_address() -> str:
    """This machine's address on its default route (never 127.x)."""
    address = machine_address("0.0.0.0")
    if address.startswith("127.") or not address[:1].isdigit():
        raise RuntimeError("no non-loopback IPv4 address for the softphone")
    return address


def write_tone(path: Path, seconds: float = 2.0, hertz: float = 440.0) -> Path:
    """An 8 kHz, 16-bit mono WAV: the phone's microphone."""
    rate = 8000
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * hertz * i / rate)))
                      for i in range(int(rate * seconds)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


class Softphone:
    """One baresip process with one account; `events` collects what baresip reports (type, param...)."""

    def __init__(self, folder: Path, user: str, password: str, registrar: str) -> None:
        self.folder = folder
        self.user = user
        self.password = password
        self.registrar = registrar  # host:port of Asterisk's PJSIP transport
        self.address = own_address()
        self.sip_port = free_port()
        self.control_port = free_port()
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._reader: threading.Thread | None = None

    # life --------------------------------------------------------------------------------------------
    def start(self) -> None:
        if BARESIP is None:
            raise RuntimeError("baresip is not installed (Debian package baresip)")
        self.folder.mkdir(parents=True, exist_ok=True)
        tone = write_tone(self.folder / "microphone.wav")
        (self.folder / "config").write_text("\n".join([
            f"sip_listen {self.address}:{self.sip_port}",
            f"ctrl_tcp_listen 127.0.0.1:{self.control_port}",
            f"audio_source aufile,{tone}",
            "audio_player aufile,/dev/null",
            "audio_alert aufile,/dev/null",
            "audio_srate 8000",
            "audio_channels 1",
            "rtp_timeout 0",
            f"module_path {MODULES}",
            "module g711.so",
            "module aufile.so",
            "module_app account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            "",
        ]))
        (self.folder / "accounts").write_text(
            f"<sip:{self.user}@{self.registrar};transport=udp>;auth_pass={self.password};regint=60;"
            "answermode=manual;audio_codecs=PCMU,PCMA\n")
        (self.folder / "contacts").write_text("")
        with (self.folder / "baresip.log").open("ab") as log:
            self._process = subprocess.Popen([BARESIP, "-f", str(self.folder)], stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while self._control is None:
            try:
                self._control = socket.create_connection(("127.0.0.1", self.control_port), timeout=1)
            except OSError:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    raise RuntimeError(f"baresip did not start:\n{self.log()[-2000:]}") from None
                time.sleep(0.1)
        self._control.settimeout(None)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        if self._control is not None:
            self._control.close()

    def log(self) -> str:
        path = self.folder / "baresip.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # commands and events ---------------------------------------------------------------------------
    def command(self, command: str, params: str = "") -> None:
        """A menu command, as typed at baresip's prompt without the slash: accept, hangup, uareg 0..."""
        assert self._control is not None, "start() first"
        body = json.dumps({"command": command, "params": params, "token": command}).encode()
        self._control.sendall(str(len(body)).encode() + b":" + body + b",")

    def answer(self) -> None:
        self.command("accept")

    def hang_up(self) -> None:
        self.command("hangup")

    def unregister(self) -> None:
        """Remove the account from the phone, which unregisters it (REGISTER with Expires: 0)."""
        self.command("uadel", f"sip:{self.user}@{self.registrar}")

    def seen(self, event_type: str) -> bool:
        with self._lock:
            return any(event.get("type") == event_type for event in self.events)

    def count(self, event_type: str) -> int:
        with self._lock:
            return sum(1 for event in self.events if event.get("type") == event_type)

    def _read(self) -> None:
        assert self._control is not None
        buffer = b""
        while True:
            try:
                chunk = self._control.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b":" in buffer:
                length, _, rest = buffer.partition(b":")
                if not length.isdigit() or len(rest) < int(length) + 1:
                    break
                body, buffer = rest[:int(length)], rest[int(length) + 1:]
                try:
                    message = json.loads(body)
                except ValueError:
                    continue
                if message.get("event"):
                    with self._lock:
                        self.events.append(message)
