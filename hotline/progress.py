"""Progress lines for the slow first steps, on stderr so that `--json` output stays clean."""

import sys
import time


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
