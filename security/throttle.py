"""Counting requests per client address in the cache, for public pages that anyone may post to (the web-to-lead
form): at most `limit` within a window, then refused until the window ends.

The address is the one the sign-in lockout sees (security.addresses.client_address, behind the configured proxies).
An IPv6 client usually holds a whole /64 network and may pick any address in it, so IPv6 addresses are counted by
their /64. The count lives in the cache (CACHES), shared by every web process when that is Redis: a fixed window that
starts with the first request counted, and an atomic increment, so two requests at the same moment are both
counted."""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import timedelta

from django.core.cache import cache


def address_bucket(address: str | None) -> str:
    """What one client is counted as: its IPv4 address, its IPv6 /64 network, or "unknown" without an address."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(scope: str, address: str | None) -> str:
    # Hashed: cache keys must not hold characters memcached refuses (":" of IPv6), and the cache need not list
    # who visited.
    digest = hashlib.sha256(f"{scope}|{address_bucket(address)}".encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def throttle_hit(*, scope: str, address: str | None, limit: int, window: timedelta) -> bool:
    """Count one request from `address` for `scope`; False when it is over `limit` within `window` (it is counted
    either way, so a client that keeps trying stays refused until the window ends)."""
    key = _key(scope, address)
    seconds = max(1, int(window.total_seconds()))
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=seconds)
        count = 1
    return count <= limit
