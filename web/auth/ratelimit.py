"""Sliding-window limit on failed sign-ins per client address and per username (in process)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

__all__ = ["FailureLimiter"]


class FailureLimiter:
    def __init__(self, *, max_failures: int = 5, window_seconds: float = 900.0):
        self.max_failures = max_failures
        self.window = window_seconds
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._events[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._prune(k, now)) >= self.max_failures for k in keys)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._prune(k, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._events.pop(k, None)
