"""The SSRF guard: every connection goes to an address that was checked, and only to a
globally routable one.

A check that resolves a name and then lets the HTTP library resolve it again can be fooled by
a DNS answer that changes in between (rebinding). So the guard sits where the connection is
made: an httpcore network backend resolves the name once, refuses the whole answer if any
address in it is not public, and connects to exactly the address it checked. httpcore still
knows the hostname, so the Host header, TLS SNI and certificate checks use the name. Redirect
hops are new connections and pass through the same backend.

`refusal(address)` is the pure rule: `ipaddress`'s `is_global`, plus a deny list for what
`is_global` lets through (multicast, deprecated and translation prefixes) and for IPv6 forms
that carry an IPv4 address inside (mapped, 6to4, NAT64), whose IPv4 part must pass too.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpcore
import httpx

from policypulse.errors import FetchError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], list[str]]

DENIED_V4 = [
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
]  # fmt: skip
DENIED_V6 = [
    ipaddress.ip_network(network)
    for network in (
        "::/96",  # IPv4-compatible (deprecated), with :: and ::1
        "::ffff:0:0/96",  # IPv4-mapped: its IPv4 part is checked instead (below)
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/32",  # Teredo
        "2001:db8::/32",  # documentation
        "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
]  # fmt: skip
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(FetchError):
    """A name resolved to an address that is not publicly routable."""

    reason = "private-address"


class Unresolvable(FetchError):
    """The name does not resolve."""

    reason = "dns"


def embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for, when it is a mapping or a translation."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: Address) -> str | None:
    """Why `address` must not be fetched from, or None when it is globally routable."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_v4(address)
        if inner is not None:
            why = refusal(inner)
            return f"it embeds {inner}, {why}" if why else None
        if any(address in network for network in DENIED_V6):
            return "a reserved or special-purpose address"
    elif any(address in network for network in DENIED_V4):
        return "a private, shared or special-purpose address"
    if address.is_multicast:
        return "a multicast address"
    if not address.is_global:
        return "not a globally routable address"
    return None


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_addresses(host: str, port: int, resolve: Resolve, allow_private: bool) -> list[str]:
    """Resolve `host` once; refuse the answer if any address in it is not public (a mixed
    answer is how rebinding is usually served), else return it for connecting."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        answers = [str(literal)]
    else:
        try:
            answers = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise Unresolvable(f"cannot resolve {host}: {exc}") from None
        if not answers:
            raise Unresolvable(f"cannot resolve {host}: no addresses")
    if allow_private:
        return answers
    for answer in answers:
        address = ipaddress.ip_address(answer.split("%")[0])
        why = refusal(address)
        if why:
            raise AddressRefused(
                f"refusing to fetch {host}: it resolves to a private address ({address}, "
                f"{why}); set [harvest] allow_private_networks = true to allow it"
            )
    return answers


class GuardedBackend(httpcore.NetworkBackend):
    """Resolve, check, and connect to exactly the checked address."""

    def __init__(
        self,
        allow_private: bool = False,
        resolve: Resolve = system_resolve,
        backend: httpcore.NetworkBackend | None = None,
    ):
        self.allow_private = allow_private
        self.resolve = resolve
        self.backend = backend or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, self.resolve, self.allow_private)
        error: Exception | None = None
        for address in addresses:
            try:
                return self.backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc  # try the next checked address, as the resolver's order says
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout=None, socket_options=None):
        raise AddressRefused(f"refusing to connect to a Unix socket ({path})")

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool on the guarded backend (httpx has no
    parameter for a network backend, so the pool it builds is replaced by an equal one)."""

    def __init__(
        self,
        limits: httpx.Limits,
        *,
        allow_private: bool = False,
        resolve: Resolve = system_resolve,
        backend: httpcore.NetworkBackend | None = None,
    ):
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow_private, resolve, backend),
        )
