"""Rate-limit counters are keyed by a keyed HMAC of the identity: the cache never holds an address or a
username, nor a plain hash of one (an IPv4 address's SHA-256 is found by trying all 2³² addresses)."""

import hashlib

import pytest
from django.core.cache import cache

from precinct.core import ratelimit

pytestmark = pytest.mark.django_db


def test_the_key_is_a_keyed_hmac_not_the_identity_or_its_plain_hash(settings):
    address = "203.0.113.7"
    key = ratelimit._key("login-ip", address)
    assert address not in key
    assert hashlib.sha256(address.encode()).hexdigest()[:32] not in key
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    assert ratelimit._key("login-ip", address) != key  # another secret, another key: not guessable offline


def test_counting_still_works_through_the_cache():
    assert not ratelimit.is_blocked("test-scope", "198.51.100.1", limit=2)
    ratelimit.hit("test-scope", "198.51.100.1", window_seconds=60)
    ratelimit.hit("test-scope", "198.51.100.1", window_seconds=60)
    assert ratelimit.is_blocked("test-scope", "198.51.100.1", limit=2)
    assert not ratelimit.is_blocked("test-scope", "198.51.100.2", limit=2)
    assert cache.get(ratelimit._key("test-scope", "198.51.100.1")) == 2
    ratelimit.clear("test-scope", "198.51.100.1")
    assert not ratelimit.is_blocked("test-scope", "198.51.100.1", limit=2)
