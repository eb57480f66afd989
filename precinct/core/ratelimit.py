"""Fixed-window counters in the shared cache, for guessing-sensitive endpoints (login, look-ups)."""

import hashlib

from django.core.cache import cache


def _key(scope: str, identity: str) -> str:
    # Hash the identity so usernames and addresses never appear as cache keys.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}"


def is_blocked(scope: str, identity: str, *, limit: int) -> bool:
    return int(cache.get(_key(scope, identity), 0)) >= limit


def hit(scope: str, identity: str, *, window_seconds: int) -> int:
    """Count one event; the window starts with the first event and is not extended by later ones."""
    key = _key(scope, identity)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def clear(scope: str, identity: str) -> None:
    cache.delete(_key(scope, identity))
