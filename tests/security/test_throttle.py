"""The per-address counter of public pages (security/throttle.py): addresses counted as one client where they are
one (an IPv6 /64, an IPv4-mapped address), the limit per scope, and, on Redis, requests at the same moment from
several connections counted exactly."""

import os
import threading
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings

from security.throttle import _key, address_bucket, throttle_hit

WINDOW = timedelta(minutes=10)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("", "unknown"),
        (None, "unknown"),
        ("not an address", "unknown"),
    ],
)
def test_addresses_are_counted_per_client(address, bucket):
    assert address_bucket(address) == bucket


def test_the_limit_holds_per_address_and_scope():
    assert [throttle_hit(scope="form", address="192.0.2.1", limit=2, window=WINDOW) for _ in range(4)] == [
        True,
        True,
        False,
        False,
    ]
    assert throttle_hit(scope="form", address="192.0.2.2", limit=2, window=WINDOW)
    assert throttle_hit(scope="other", address="192.0.2.1", limit=2, window=WINDOW)


def test_addresses_of_one_ipv6_network_share_one_count():
    assert throttle_hit(scope="form", address="2001:db8::1", limit=1, window=WINDOW)

    assert not throttle_hit(scope="form", address="2001:db8::9999", limit=1, window=WINDOW)
    assert throttle_hit(scope="form", address="2001:db8:0:1::1", limit=1, window=WINDOW)


REDIS_URL = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.skipif(not REDIS_URL.startswith("redis://"), reason="needs Redis (CELERY_BROKER_URL=redis://...)")
def test_on_redis_requests_at_the_same_moment_are_each_counted():
    # given: the cache on Redis, as in production, under a prefix of its own (nothing else there is touched)
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis_cache):
        from django.core.cache import caches

        assert type(caches["default"]).__name__ == "RedisCache"
        barrier = threading.Barrier(12)
        allowed = []

        def hit():
            barrier.wait()
            allowed.append(throttle_hit(scope="form", address="198.51.100.5", limit=5, window=WINDOW))
            caches["default"].close()

        # when: twelve requests at once, each thread with its own connection
        threads = [threading.Thread(target=hit) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        # then: exactly the limit went through
        assert sorted(allowed) == [False] * 7 + [True] * 5
        caches["default"].delete(_key("form", "198.51.100.5"))
