"""Login rate limits: at most `attempts` logins per `window_seconds` from one address and for one fund account.

A sliding window of attempt times per key, in memory (one service process; the database's lock-out after
wrong trading passwords holds across processes). Pure apart from the dict it keeps: the caller gives the time.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    attempts: int = 10
    window_seconds: float = 60.0
    max_keys: int = 100_000  # beyond this many keys, the stalest are forgotten (a flood of addresses)
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, keys: list[str], now: float) -> float:
        """0 and counts the attempt for each key when all are under their limit; else seconds to wait."""
        waits = [self._wait(key, now) for key in keys]
        if max(waits, default=0.0) > 0:
            return max(waits)
        for key in keys:
            self._seen.setdefault(key, deque()).append(now)
        self._forget_stalest()
        return 0.0

    def _wait(self, key: str, now: float) -> float:
        times = self._seen.get(key)
        if times is None:
            return 0.0
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        if len(times) < self.attempts:
            return 0.0
        return times[0] + self.window_seconds - now

    def _forget_stalest(self) -> None:
        while len(self._seen) > self.max_keys:
            del self._seen[next(iter(self._seen))]
