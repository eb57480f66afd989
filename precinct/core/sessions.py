"""Django's database sessions, refusing a session key Django itself could never have made.

A cookie value may carry octal escapes (`sessionid="\\000..."` decodes to a NUL), and Django's own check
asks only for eight characters, so the key reached PostgreSQL, which refuses NUL in text: a 500 on every
page for anyone who sets that cookie. A key outside Django's alphabet is treated as no session at all:
the visitor gets a fresh one, and the stale cookie is replaced."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_ALPHABET = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and 8 <= len(key or "") <= 40 and _ALPHABET.issuperset(key or "")
