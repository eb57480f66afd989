"""Per-process memos with a time limit, for rows that change rarely and are read on hot paths.

A memo may serve a value up to `ttl` seconds old in other processes; the process that changes the
underlying row calls `forget()` (on commit) so it never serves its own stale value.
"""

import time
from collections.abc import Callable
from typing import Any

_all: list["Memo"] = []


class Memo:
    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._values: dict[Any, tuple[float, Any]] = {}
        _all.append(self)

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        if value is not None:  # misses are not kept: guessed keys must not fill the memo
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[key] = (now, value)
        return value

    def forget(self) -> None:
        self._values.clear()


def forget_all() -> None:
    """Tests call this between tests: memos must not carry rows from one test database to the next."""
    for memo in _all:
        memo.forget()
