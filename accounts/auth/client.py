"""The client's address: one answer for django-axes, DRF's throttles and allauth's rate limits.

Behind PROXY_COUNT trusted proxies (DJANGO_PROXY_COUNT), each proxy appends the address it
received the request from to X-Forwarded-For, so the client's address is the PROXY_COUNT-th
entry from the right; every entry left of it was written by the client and is not believed.
With no proxy (0) the header is ignored and REMOTE_ADDR is the client. A header with fewer
entries than proxies, or whose entry is not an address, falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address the request came from, as the trusted proxies saw it."""
    remote = request.META.get("REMOTE_ADDR") or ""
    count = settings.PROXY_COUNT
    if count > 0:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= count:
            forwarded = _address(entries[-count])
            if forwarded:
                return forwarded
    return _address(remote) or remote or None


def network_of(ip: str | None) -> str | None:
    """An address as a key for limits: IPv4 whole, IPv6 as its /64, which one subscriber
    holds whole (allauth's rate limits key IPv6 the same way)."""
    if ip and ":" in ip:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return ip


def client_network(request) -> str | None:
    return network_of(client_ip(request))
