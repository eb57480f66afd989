"""Fixed-window counters in the shared cache, for guessing-sensitive endpoints (login, look-ups)."""

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def _key(scope: str, identity: str) -> str:
    # A keyed HMAC (a key derived from SECRET_KEY), so usernames and addresses never appear as cache keys and
    # cannot be recovered from them: an unkeyed SHA-256 of an IPv4 address is reversed by trying all 2³² of them.
    digest = salted_hmac("precinct.core.ratelimit", identity, algorithm="sha256").hexdigest()[:32]
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
