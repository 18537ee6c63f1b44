"""The test suite's loopback ports: no two test processes hand out the same one (tests/support/ports.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.ports import BLOCK, HIGH, LOW, free_port

ROOT = Path(__file__).resolve().parents[2]


def blocks_of(ports: set[int]) -> set[int]:
    return {(port - LOW) // BLOCK for port in ports}


def test_another_process_takes_other_blocks_while_this_one_holds_its_own() -> None:
    mine = {free_port() for _ in range(BLOCK + 10)} | {free_port(socket.SOCK_DGRAM)}
    assert len(mine) == BLOCK + 11 and all(LOW <= port < HIGH for port in mine)  # each handed out once
    code = f"from tests.support.ports import free_port; print(*(free_port() for _ in range({BLOCK + 10})))"
    theirs = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60).stdout.split()
    assert len(set(theirs)) == BLOCK + 10
    assert blocks_of({int(port) for port in theirs}).isdisjoint(blocks_of(mine))


def test_a_port_in_use_is_skipped() -> None:
    port = free_port()
    while (port - LOW) % BLOCK < 2:  # a port with at least two of its block's ports still to hand out
        port = free_port()
    block_start = port - (port - LOW) % BLOCK
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port - 1))
        handed = {free_port() for _ in range(BLOCK)}
    rest_of_block = set(range(block_start, port))
    assert port - 1 not in handed and rest_of_block - handed == {port - 1}
