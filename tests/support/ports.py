"""Free loopback ports for servers that tests start.

Chosen below the kernel's ephemeral range (net.ipv4.ip_local_port_range): a port the kernel hands out
(bind to 0) is free only until some process's outgoing connection is given the same number, which happened
between choosing a service's console port and the service binding it (CI, 2026-12-02: "address already in
use"). A port below that range is never given to an outgoing connection; it is checked free by binding it,
and never handed out twice by one process."""

import random
import socket
from functools import cache
from pathlib import Path

_given: set[int] = set()
_pick = random.Random()  # seeded from the OS: parallel test groups start at different places


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


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    low, high = 10000, min(_ephemeral_start(), 65536) - 1
    for _ in range(1000):
        port = _pick.randint(low, high)
        if port not in _given and _bindable(port, kind):
            _given.add(port)
            return port
    raise RuntimeError(f"no free loopback port between {low} and {high}")
