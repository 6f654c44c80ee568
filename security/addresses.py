"""The client's address, as seen through the TLS proxies in front of the app."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that made `request`, trusting exactly AXES_IPWARE_PROXY_COUNT proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N proxies in front
    the N-th entry from the right was written by the outermost one of ours and is the client; anything to its
    left was sent by the client and may be forged. With no proxies the header is ignored entirely.

    django-axes reads django-ipware when it is installed, but ipware counts proxies differently (it wants a
    chain of exactly count+1 entries and otherwise finds no address at all, so a client behind an office proxy
    that adds the header, or one that sends its own, would get none); this function is axes's
    AXES_CLIENT_IP_CALLABLE instead.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies <= 0:
        return _address(remote) or remote or None
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return _address(remote) or remote or None  # reached the app without passing our proxy
    # Fewer entries than proxies means fewer proxies on this path: the leftmost is then the nearest to the client.
    return _address(forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]) or _address(remote)
