"""The service leaves what is alive once it has started out of the garbage collector's full collections
(hotline.service.freeze_startup_heap): they scanned every object of the process, ~100 ms during which no
coroutine ran (bench/fastagi.py prints each one). Run in a process of its own: freezing is for the process."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import gc, json
import hotline.service
gc.collect()
before = len(gc.get_objects(generation=2))
frozen = hotline.service.freeze_startup_heap()
print(json.dumps([before, frozen, len(gc.get_objects(generation=2))]))
"""


def test_what_the_started_service_holds_is_no_longer_scanned_by_full_collections() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120)
    before, frozen, after = json.loads(out.stdout)
    assert before > 50_000  # the service's modules, mappers and the rest: what a full collection used to scan
    assert frozen >= before * 0.9 and after < 100
