"""Free loopback ports for servers that tests start.

Two ways a chosen port was taken before its server bound it, both seen under `make test`:
- bound to port 0, the kernel hands out a port of its ephemeral range (net.ipv4.ip_local_port_range), which it
  may give next to some process's outgoing connection (CI, 2026-12-02: "address already in use");
- the eight test groups run side by side, each choosing ports: two of them chose the same port, one for a
  service's console, in the seconds before the first service bound it (2026-12-03).

So ports come from 11000-19999: below the ephemeral range, above `make run`'s RTP ports (10000-10999) and
below the tests' own (20000 and up). That range is cut into blocks of BLOCK ports; a process takes a block by
locking its file (flock, released by the kernel when the process ends, however it ends) and hands out the
block's ports one by one, each checked free by binding it, then takes another block. No two test processes
ever hand out the same port.
"""

import fcntl
import os
import random
import socket
import tempfile
from functools import cache
from pathlib import Path

LOW, HIGH = 11000, 20000
BLOCK = 250
_pick = random.Random()  # seeded from the OS: processes try the blocks in different orders
_owner = 0  # the process the blocks below were taken by (a forked child takes blocks of its own)
_held: list[int] = []  # the locked files' descriptors: kept open for the process's life
_ports: list[int] = []  # the taken blocks' ports not handed out yet


@cache  # read once per process, not once per port
def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _take_block() -> list[int]:
    high = min(HIGH, _ephemeral_start())
    folder = Path(tempfile.gettempdir()) / "hotline-test-ports"
    folder.mkdir(exist_ok=True)
    blocks = list(range((high - LOW) // BLOCK))
    _pick.shuffle(blocks)
    for n in blocks:
        fd = os.open(folder / f"{LOW + n * BLOCK}.lock", os.O_CREAT | os.O_RDWR, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another test process holds it
            os.close(fd)
            continue
        _held.append(fd)
        return list(range(LOW + n * BLOCK, LOW + (n + 1) * BLOCK))
    raise RuntimeError(f"every block of test ports between {LOW} and {high} is held by another process")


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    global _owner
    if _owner != os.getpid():  # first call, or a forked child: its parent's blocks are not its own
        _owner, _ports[:] = os.getpid(), []
    while True:
        if not _ports:
            _ports.extend(_take_block())
        port = _ports.pop()
        if _bindable(port, kind):
            return port
